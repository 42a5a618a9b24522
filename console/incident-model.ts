/**
 * What the incident page shows, derived from the incident's state and the configuration:
 * where the escalation stands and when it pages next, the SLA clocks, runbook runs with
 * their pending approvals. Pure: the routes fetch, this computes, the view renders.
 */
import type { IncidentState, TimelineEvent } from '../domain/incident/incident';
import { nextStep } from '../domain/incident/escalation';
import { severityTargets } from '../domain/incident/severity';
import { resolveLevel } from '../domain/oncall';
import type { ConfigSnapshot } from '../lib/models/config';

export interface EscalationView {
  text: string;
  /** When the next step pages, and who it would page. */
  next?: { at: string; level: number; loop: number; userIds: string[] };
}

export interface SlaClock {
  name: 'Response' | 'Resolution';
  dueAt: string;
  /** When it was met (acknowledged / resolved), if it was. */
  metAt?: string;
  breached: boolean;
}

export interface RunView {
  runId: string;
  runbook: string;
  status: 'running' | 'waiting for approval' | 'succeeded' | 'failed';
  events: TimelineEvent[];
  pending: Array<{ stepId: string; message: string }>;
}

const plusMinutes = (at: string, minutes: number) => new Date(Date.parse(at) + minutes * 60_000).toISOString();

export function escalationView(s: IncidentState, snap: ConfigSnapshot, now: number): EscalationView {
  const esc = s.escalation;
  if (s.status === 'resolved') return { text: 'Resolved: paging has ended.' };
  if (s.status === 'acknowledged') return { text: `Paging stopped: acknowledged by ${s.acknowledgedBy ?? 'someone'}.` };
  if (s.snoozedUntil && Date.parse(s.snoozedUntil) > now)
    return { text: `Snoozed until ${s.snoozedUntil}; then paged again from level 1.` };
  if (s.assignedUserIds) return { text: `Reassigned: paging ${s.assignedUserIds.join(', ')} directly.` };
  if (!esc) return { text: 'Not paging.' };
  if (esc.exhausted) return { text: 'Escalation exhausted: every level was paged and nobody acknowledged.' };
  const service = snap.services.find((x) => x.id === s.service);
  const policy = snap.escalationPolicies.find((p) => p.id === (s.policyId ?? service?.escalationPolicyId));
  if (!esc.pagedAt || !policy) return { text: 'Waiting to page the first level.' };
  const text = `Level ${esc.level + 1}, loop ${esc.loop + 1} of ${policy.loops + 1}: paged ${esc.pagedAt}.`;
  const delay = policy.levels[esc.level]?.delayMinutes;
  const step = nextStep(policy, { loop: esc.loop, level: esc.level });
  if (delay === undefined || step.done) return { text: `${text} This is the last step.` };
  const at = plusMinutes(esc.pagedAt, delay);
  const userIds = resolveLevel(policy, step.cursor.level, snap, at).userIds;
  return { text, next: { at, level: step.cursor.level + 1, loop: step.cursor.loop + 1, userIds } };
}

export function slaClocks(s: IncidentState, snap: ConfigSnapshot, now: number): SlaClock[] {
  const service = snap.services.find((x) => x.id === s.service);
  const t = severityTargets(s.severity, service?.severityOverrides);
  const breached = (sla: 'response' | 'resolution') => (s.slaBreaches ?? []).some((b) => b.sla === sla);
  const clock = (
    name: SlaClock['name'],
    minutes: number,
    metAt: string | undefined,
    sla: 'response' | 'resolution',
  ) => {
    const dueAt = plusMinutes(s.createdAt, minutes);
    const late = breached(sla) || (metAt ? metAt > dueAt : now > Date.parse(dueAt));
    return { name, dueAt, ...(metAt ? { metAt } : {}), breached: late };
  };
  return [
    clock('Response', t.ackWithinMinutes, s.firstAcknowledgedAt ?? s.acknowledgedAt ?? s.resolvedAt, 'response'),
    clock('Resolution', t.resolveWithinMinutes, s.resolvedAt, 'resolution'),
  ];
}

export function runbookRuns(timeline: readonly TimelineEvent[]): RunView[] {
  const runs = new Map<string, RunView>();
  for (const e of timeline) {
    const runId = e.data?.runId;
    if (typeof runId !== 'string' || !e.type.startsWith('runbook_')) continue;
    const run = runs.get(runId) ?? {
      runId,
      runbook: String(e.data?.runbook ?? runId),
      status: 'running' as RunView['status'],
      events: [],
      pending: [],
    };
    run.events.push(e);
    const stepId = String(e.data?.stepId ?? '');
    if (e.type === 'runbook_approval' && e.data?.pending) run.pending.push({ stepId, message: e.message });
    if (e.type === 'runbook_approval' && e.data?.decision) run.pending = run.pending.filter((p) => p.stepId !== stepId);
    if (e.type === 'runbook_succeeded') run.status = 'succeeded';
    if (e.type === 'runbook_failed') run.status = 'failed';
    runs.set(runId, run);
  }
  for (const run of runs.values()) {
    if (run.status === 'running' && run.pending.length > 0) run.status = 'waiting for approval';
    if (run.status !== 'running' && run.status !== 'waiting for approval') run.pending = [];
  }
  return [...runs.values()];
}
