/**
 * Response and resolution SLAs as durable timers, re-planned when the severity changes,
 * and stakeholder-update reminders for SEV1/SEV2 at the severity's cadence. A breach is
 * recorded on the timeline, counted in the state and notified to whoever holds the
 * incident (the acknowledger, or the people last paged).
 */
import { condition } from '@temporalio/workflow';
import type { IncidentState } from '../domain/incident/incident';
import { recordEvent, recordSlaBreach } from '../domain/incident/commands';
import { notifyFirstContact } from './paging';
import { nowIso, nowMs, oncall, type Ctx } from './runtime';

type Sla = 'response' | 'resolution';

const met = (ctx: Ctx, sla: Sla) => {
  const s = ctx.state();
  return s.status === 'resolved' || (sla === 'response' && s.firstAcknowledgedAt !== undefined);
};

/** People who hold the incident now: the acknowledger if they are a known user, else the last paged. */
async function holders(ctx: Ctx) {
  const s = ctx.state();
  const ack = s.acknowledgedBy && ctx.plan.knownUserIds.includes(s.acknowledgedBy) ? [s.acknowledgedBy] : [];
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

export async function watchSla(ctx: Ctx, sla: Sla): Promise<void> {
  for (;;) {
    if (met(ctx, sla) || ctx.state().slaBreaches?.some((b) => b.sla === sla)) return;
    const version = ctx.severityVersion;
    const s = ctx.state();
    const targets = ctx.plan.targets[s.severity];
    const minutes = sla === 'response' ? targets.ackWithinMinutes : targets.resolveWithinMinutes;
    const dueMs = Date.parse(s.createdAt) + minutes * ctx.plan.minuteMs;
    const wait = dueMs - nowMs();
    if (wait > 0) {
      await condition(() => met(ctx, sla) || ctx.severityVersion !== version, wait, {
        summary: `${sla} SLA: ${minutes} min (${s.severity})`,
      });
    }
    if (met(ctx, sla)) return;
    if (ctx.severityVersion !== version) continue;
    const dueAt = new Date(dueMs).toISOString();
    ctx.apply((x) => recordSlaBreach(x, sla, dueAt, nowIso()));
    await notifyFirstContact(
      ctx,
      'sla_breach',
      await holders(ctx),
      `${sla} SLA breached: ${minutes} min for ${s.severity}`,
      sla,
    );
    return;
  }
}

/** SEV1/SEV2: remind the commander that a stakeholder update is due, every cadence. */
export async function remindStatusUpdates(ctx: Ctx): Promise<void> {
  for (;;) {
    const s = ctx.state();
    if (s.status === 'resolved') return;
    // Counted from the timeline, so a continued-as-new run keeps numbering (and keys) unique.
    const count = s.timeline.filter((e) => e.type === 'status_update_due').length + 1;
    const every = ctx.plan.targets[s.severity].updateEveryMinutes;
    const version = ctx.severityVersion;
    if (!every || (s.severity !== 'SEV1' && s.severity !== 'SEV2')) {
      await condition(() => ctx.state().status === 'resolved' || ctx.severityVersion !== version);
      continue;
    }
    const changed = await condition(
      () => ctx.state().status === 'resolved' || ctx.severityVersion !== version,
      every * ctx.plan.minuteMs,
      { summary: `stakeholder update every ${every} min` },
    );
    if (changed) continue;
    ctx.apply((x) =>
      recordEvent(x, {
        at: nowIso(),
        type: 'status_update_due',
        message: `Stakeholder update #${count} is due`,
        data: { count },
      }),
    );
    await notifyFirstContact(
      ctx,
      'status_update_due',
      await holders(ctx),
      `Stakeholder update #${count} is due (${s.severity})`,
      count,
    );
  }
}
