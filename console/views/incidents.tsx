import type { IncidentListAnswer } from '../../api/incident-list/search';
import type { IncidentListRow } from '../../domain/incident/list-row';
import { INCIDENT_STATUSES } from '../../api/incident-list/query';
import { SEVERITIES } from '../../domain/incident/severity';
import { Layout, Notice, type Chrome } from './layout';
import { ago, namesOf, SeverityBadge, StatusBadge, type Names } from './format';

/** The filters as the form holds them (strings as typed, so a refused value is shown back). */
export interface ListForm {
  status: string[];
  service: string;
  severity: string[];
  team: string;
  mine: boolean;
  createdFrom: string;
  createdTo: string;
  q: string;
}

export interface IncidentsView {
  form: ListForm;
  answer?: IncidentListAnswer;
  error?: string;
  services: Array<{ id: string; name: string }>;
  teams: Array<{ id: string; name: string }>;
  names: Names;
  canFilterMine: boolean;
  now: number;
  /** Query strings: this page with another status, the next page. */
  hrefs: { status: (s: string) => string; next?: string; first: string };
}

function Filters({ v }: { v: IncidentsView }) {
  const f = v.form;
  return (
    <form class="filters" method="get" action="/incidents" aria-label="Filters">
      <fieldset>
        <legend>Status</legend>
        {INCIDENT_STATUSES.map((s) => (
          <label>
            <input type="checkbox" name="status" value={s} checked={f.status.includes(s)} /> {s}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Severity</legend>
        {SEVERITIES.map((s) => (
          <label>
            <input type="checkbox" name="severity" value={s} checked={f.severity.includes(s)} /> {s}
          </label>
        ))}
      </fieldset>
      <label>
        Service
        <select name="service">
          <option value="">any</option>
          {v.services.map((s) => (
            <option value={s.id} selected={f.service === s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Team
        <select name="team">
          <option value="">any</option>
          {v.teams.map((t) => (
            <option value={t.id} selected={f.team === t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Created from (UTC)
        <input type="datetime-local" name="createdFrom" value={f.createdFrom} />
      </label>
      <label>
        to
        <input type="datetime-local" name="createdTo" value={f.createdTo} />
      </label>
      <label class="grow">
        Words in the summary
        <input type="search" name="q" value={f.q} />
      </label>
      {v.canFilterMine ? (
        <label>
          <input type="checkbox" name="pagedTo" value="me" checked={f.mine} /> Paged to me
        </label>
      ) : null}
      <button type="submit">Filter</button>
    </form>
  );
}

function Row({ row, v }: { row: IncidentListRow; v: IncidentsView }) {
  return (
    <tr class={`incident status-${row.status}`}>
      <td data-label="#">{row.number ?? ''}</td>
      <td data-label="Status">
        <StatusBadge status={row.status} />
      </td>
      <td data-label="Severity">
        <SeverityBadge severity={row.severity} />
      </td>
      <td data-label="Summary" class="summary">
        <a href={`/incidents/${encodeURIComponent(row.incidentId)}`}>{row.summary}</a>
      </td>
      <td data-label="Service">{row.service}</td>
      <td data-label="Holder">{row.status === 'resolved' ? '' : namesOf(v.names, row.holderIds)}</td>
      <td data-label="Created">{ago(row.createdAt, v.now)}</td>
    </tr>
  );
}

function Results({ v, a }: { v: IncidentsView; a: IncidentListAnswer }) {
  return (
    <section class="results" data-live="incidents">
      <p class="counts" aria-live="polite">
        {INCIDENT_STATUSES.map((s) => (
          <a href={v.hrefs.status(s)} class={`count status-${s}`}>
            {`${s} ${a.counts[s]}`}
          </a>
        ))}
      </p>
      {a.data.length === 0 ? (
        <p class="empty">No incidents match.</p>
      ) : (
        <table class="incidents">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Status</th>
              <th scope="col">Severity</th>
              <th scope="col">Summary</th>
              <th scope="col">Service</th>
              <th scope="col">Holder</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {a.data.map((row) => (
              <Row row={row} v={v} />
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        {v.hrefs.next ? <a href={v.hrefs.next}>Older incidents</a> : null}
        <a href={v.hrefs.first}>Newest</a>
      </nav>
    </section>
  );
}

export function IncidentsPage(props: Chrome & { view: IncidentsView }) {
  const v = props.view;
  return (
    <Layout {...props}>
      <h1>Incidents</h1>
      <Filters v={v} />
      <Notice notice={v.error ? { ok: false, text: v.error } : undefined} />
      {v.answer ? <Results v={v} a={v.answer} /> : null}
    </Layout>
  );
}
