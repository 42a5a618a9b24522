import type { IncidentState, TimelineEvent } from '../../domain/incident/incident';
import type { Review } from '../../domain/review/review';
import type { PageIncidentRecord } from '../../domain/status-page';
import type { EscalationView, RunView, SlaClock } from '../incident-model';
import { Csrf, Layout, Notice, type Chrome } from './layout';
import { duration, nameOf, namesOf, SeverityBadge, StatusBadge, When, type Names } from './format';
import { ReviewSection } from './review';
import { Actions } from './actions';
import { CoordinationFacts } from './coordination';

export interface IncidentView {
  state: IncidentState;
  /** False when the workflow is gone (history retention) and the page shows the read model. */
  live: boolean;
  service?: { name: string; tier: number; team: string };
  /** The conference bridge (incident type, service or team), when one is configured. */
  bridge?: { url: string; title: string };
  escalation: EscalationView;
  sla: SlaClock[];
  runs: RunView[];
  review?: Review;
  names: Names;
  users: Array<{ id: string; name: string }>;
  policies: Array<{ id: string; name: string }>;
  /** What the incident shows on status pages, for the responder's commands there. */
  statusPages?: PageIncidentRecord[];
  notice?: { ok: boolean; text: string };
  now: number;
}

const base = (s: IncidentState) => `/incidents/${encodeURIComponent(s.incidentId)}`;

function Facts({ v }: { v: IncidentView }) {
  const s = v.state;
  const holder =
    s.status === 'acknowledged'
      ? nameOf(v.names, s.acknowledgedBy)
      : s.status === 'resolved'
        ? `resolved by ${nameOf(v.names, s.resolvedBy)}`
        : namesOf(v.names, s.assignedUserIds ?? s.escalation?.userIds ?? []);
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={s.status} />
        {s.snoozedUntil && Date.parse(s.snoozedUntil) > v.now ? ' (snoozed)' : ''}
      </dd>
      <dt>Severity</dt>
      <dd>
        <SeverityBadge severity={s.severity} />
      </dd>
      <dt>Service</dt>
      <dd>
        <a href={`/incidents?service=${encodeURIComponent(s.service)}`}>{v.service?.name ?? s.service}</a>
        {v.service ? ` · tier ${v.service.tier} · team ${v.service.team}` : ' (not configured)'}
      </dd>
      <dt>Held by</dt>
      <dd class="holder">{holder}</dd>
      {v.bridge ? (
        <>
          <dt>Bridge</dt>
          <dd class="bridge">
            <a href={v.bridge.url} rel="noopener noreferrer">
              {v.bridge.title}
            </a>
          </dd>
        </>
      ) : null}
      <CoordinationFacts state={s} names={v.names} />
      <dt>Escalation</dt>
      <dd>
        {v.escalation.text}
        {v.escalation.next ? (
          <span class="next">
            {' '}
            Next: level {v.escalation.next.level} (loop {v.escalation.next.loop}) pages{' '}
            {namesOf(v.names, v.escalation.next.userIds)} at <When at={v.escalation.next.at} /> (in{' '}
            {duration(Date.parse(v.escalation.next.at) - v.now)}).
          </span>
        ) : null}
      </dd>
      <dt>Opened</dt>
      <dd>
        <When at={s.createdAt} />
      </dd>
      <dt>Alerts</dt>
      <dd>
        {s.alertCount} (last <When at={s.lastAlertAt} />)
      </dd>
    </dl>
  );
}

function Sla({ clocks, now }: { clocks: SlaClock[]; now: number }) {
  return (
    <ul class="sla">
      {clocks.map((c) => (
        <li class={c.breached ? 'breached' : c.metAt ? 'met' : 'running'}>
          <strong>{c.name}</strong>: due <When at={c.dueAt} />
          {c.metAt
            ? ` — met ${c.breached ? 'late' : 'in time'}`
            : c.breached
              ? ` — breached ${duration(now - Date.parse(c.dueAt))} ago`
              : ` — ${duration(Date.parse(c.dueAt) - now)} left`}
        </li>
      ))}
    </ul>
  );
}

function AlertsSection({ s }: { s: IncidentState }) {
  const details = Object.entries(s.details ?? {});
  return (
    <section aria-labelledby="alerts">
      <h2 id="alerts">Alerts</h2>
      {s.sourceAlerts?.length ? (
        <ul class="alerts">
          {s.sourceAlerts.map((a) => (
            <li>
              <code>{a.fingerprint}</code> {a.status} since <When at={a.since} />
            </li>
          ))}
        </ul>
      ) : null}
      {details.length ? (
        <dl class="details">
          {details.map(([k, val]) => (
            <>
              <dt>{k}</dt>
              <dd>{typeof val === 'string' ? val : JSON.stringify(val)}</dd>
            </>
          ))}
        </dl>
      ) : (
        <p class="muted">No details.</p>
      )}
    </section>
  );
}

function Timeline({ events, names }: { events: TimelineEvent[]; names: Names }) {
  return (
    <ol class="timeline" reversed>
      {[...events].reverse().map((e) => (
        <li class={`ev ev-${e.type}`}>
          <When at={e.at} /> <span class="type">{e.type.replace(/_/g, ' ')}</span> {e.message}
          {e.by ? <span class="by"> — {nameOf(names, e.by)}</span> : null}
          {typeof e.data?.note === 'string' ? <q>{e.data.note}</q> : null}
        </li>
      ))}
    </ol>
  );
}

function Runs({ v, csrf }: { v: IncidentView; csrf?: string }) {
  if (v.runs.length === 0) return null;
  return (
    <section aria-labelledby="runs">
      <h2 id="runs">Runbook runs</h2>
      {v.runs.map((run) => (
        <article class={`run run-${run.status.replace(/ /g, '-')}`}>
          <h3>
            {run.runbook} <span class="muted">{run.runId}</span>: {run.status}
          </h3>
          {run.pending.map((p) => (
            <form
              method="post"
              action={`${base(v.state)}/runbooks/${run.runId}/approvals/${p.stepId}`}
              class="approval"
            >
              <p>{p.message}</p>
              <Csrf token={csrf} />
              <label>
                Comment <input name="comment" maxlength={2000} />
              </label>
              <button type="submit" name="decision" value="approve">
                Approve
              </button>
              <button type="submit" name="decision" value="deny">
                Deny
              </button>
            </form>
          ))}
          <ul>
            {run.events.map((e) => (
              <li>
                <When at={e.at} /> {e.message}
              </li>
            ))}
          </ul>
        </article>
      ))}
    </section>
  );
}

export function IncidentPage(props: Chrome & { view: IncidentView }) {
  const v = props.view;
  const s = v.state;
  return (
    <Layout {...props}>
      <h1 class={`incident-title status-${s.status}`}>
        {s.number !== undefined ? `#${s.number} ` : ''}
        {s.summary}
      </h1>
      <Notice notice={v.notice} />
      {v.live ? null : <p class="notice">The workflow of this incident is gone; this is the read model.</p>}
      <div class="incident-grid">
        <div data-live={`incident:${s.incidentId}`} data-incident={s.incidentId}>
          <Facts v={v} />
          <h2>SLA</h2>
          <Sla clocks={v.sla} now={v.now} />
          <Runs v={v} csrf={props.csrf} />
          {v.review ? <ReviewSection review={v.review} names={v.names} /> : null}
          <AlertsSection s={s} />
          <section aria-labelledby="timeline">
            <h2 id="timeline">Timeline</h2>
            <Timeline events={s.timeline} names={v.names} />
          </section>
        </div>
        <Actions state={s} csrf={props.csrf} users={v.users} policies={v.policies} statusPages={v.statusPages} />
      </div>
    </Layout>
  );
}
