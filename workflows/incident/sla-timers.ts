/**
 * Response and resolution SLAs as durable timers, re-planned when the severity changes,
 * and stakeholder-update reminders at the severity's cadence (the service may override it). A breach is
 * recorded on the timeline, counted in the state and notified to whoever holds the
 * incident (the acknowledger, or the people last paged).
 */
import { condition } from '@temporalio/workflow';
import type { IncidentState } from '../../domain/incident/incident';
import { recordEvent, recordSlaBreach } from '../../domain/incident/commands';
import { oncall } from './activity-stubs';
import { nowIso, nowMs } from './clock';
import { notifyFirstContact } from './delivery';
import type { IncidentRun } from './incident-run';
import type { Recipient } from '../../domain/incident/plan';
import { communicationsLead } from '../../domain/coordination/plan';

type Sla = 'response' | 'resolution';

/** Response: met by the first acknowledgement; both: by the resolution. */
function met(run: IncidentRun, sla: Sla): boolean {
  const s = run.state;
  return s.status === 'resolved' || (sla === 'response' && s.firstAcknowledgedAt !== undefined);
}

/** People who hold the incident now: the acknowledger if they are a known user, else the last paged. */
export async function holders(run: IncidentRun) {
  const s = run.state;
  const ack = s.acknowledgedBy && run.plan.knownUserIds.includes(s.acknowledgedBy) ? [s.acknowledgedBy] : [];
  const userIds =
    ack.length > 0 ? ack : (s.assignedUserIds ?? (s.escalation?.userIds.length ? s.escalation.userIds : lastPaged(s)));
  if (userIds.length === 0) return [];
  return (await oncall.resolveRecipients({ userIds })).recipients;
}

/** Who the last page reached (between steps, and after exhaustion, the cursor names nobody). */
function lastPaged(s: IncidentState): string[] {
  for (let i = s.timeline.length - 1; i >= 0; i--) {
    const ids = s.timeline[i]?.type === 'escalated' ? s.timeline[i]?.data?.userIds : undefined;
    if (Array.isArray(ids) && ids.length > 0) return ids as string[];
  }
  return [];
}

/** One SLA's timer: ends once met; re-planned on each severity change; a breach is recorded once. */
export async function watchSla(run: IncidentRun, sla: Sla): Promise<void> {
  for (;;) {
    if (met(run, sla) || run.state.slaBreaches?.some((b) => b.sla === sla)) return;
    const mark = run.severityChanges;
    const s = run.state;
    const targets = run.plan.targets[s.severity];
    const minutes = sla === 'response' ? targets.ackWithinMinutes : targets.resolveWithinMinutes;
    const dueMs = Date.parse(s.createdAt) + minutes * run.plan.minuteMs;
    const wait = dueMs - nowMs();
    if (wait > 0) {
      await condition(() => met(run, sla) || run.severityChanges !== mark, wait, {
        summary: `${sla} SLA: ${minutes} min (${s.severity})`,
      });
    }
    if (met(run, sla)) return;
    if (run.severityChanges !== mark) continue;
    const dueAt = new Date(dueMs).toISOString();
    run.apply((x) => recordSlaBreach(x, sla, dueAt, nowIso()));
    await notifyFirstContact(
      run,
      'sla_breach',
      await holders(run),
      `${sla} SLA breached: ${minutes} min for ${s.severity}`,
      sla,
    );
    return;
  }
}

/**
 * Every severity with an update cadence (the severity table with the service's overrides,
 * in the plan's targets): remind the holders that a stakeholder update is due, every
 * cadence, until resolved. Runs from before the patch reminded SEV1/SEV2 only.
 */
export async function remindStakeholderUpdates(run: IncidentRun): Promise<void> {
  const everySeverity = run.patched('reminders-every-severity');
  for (;;) {
    const s = run.state;
    if (s.status === 'resolved') return;
    // Counted from the timeline, so a continued-as-new run keeps numbering (and keys) unique.
    const count = s.timeline.filter((e) => e.type === 'status_update_due').length + 1;
    const every = run.plan.targets[s.severity].updateEveryMinutes;
    const mark = run.severityChanges;
    const replan = () => run.state.status === 'resolved' || run.severityChanges !== mark;
    if (!every || (!everySeverity && s.severity !== 'SEV1' && s.severity !== 'SEV2')) {
      await condition(replan);
      continue;
    }
    const changed = await condition(replan, every * run.plan.minuteMs, {
      summary: `stakeholder update every ${every} min`,
    });
    if (changed) continue;
    run.apply((x) =>
      recordEvent(x, {
        at: nowIso(),
        type: 'status_update_due',
        message: `Stakeholder update #${count} is due`,
        data: { count },
      }),
    );
    await notifyFirstContact(run, 'status_update_due', ...(await updateReminder(run, count, every)));
  }
}

/**
 * Who is reminded of a due update, and the message: the communications lead when the
 * incident has one (else the holders), with the time the next update is due. Runs from
 * before the patch remind the holders without it.
 */
async function updateReminder(run: IncidentRun, count: number, every: number): Promise<[Recipient[], string, number]> {
  const s = run.state;
  const plain = `Stakeholder update #${count} is due (${s.severity})`;
  if (!run.patched('update-reminder-comms-lead')) return [await holders(run), plain, count];
  const next = new Date(nowMs() + every * run.plan.minuteMs).toISOString();
  const lead = communicationsLead(run);
  const people = lead ? (await oncall.resolveRecipients({ userIds: [lead] })).recipients : [];
  return [people.length > 0 ? people : await holders(run), `${plain}; the next is due by ${next}`, count];
}
