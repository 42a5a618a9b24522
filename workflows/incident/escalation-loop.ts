/**
 * The escalation loop, the incident workflow's main loop: page the current step, wait the
 * level's delay for an acknowledgement on a durable timer, move on; loop the policy; record
 * exhaustion and tell the owning team. Acknowledged incidents wait for resolution, a
 * snooze's end or the acknowledgement timeout (both page again from level 1). Every
 * position lives in the incident state, so a continued-as-new run resumes the step it was in.
 * In a maintenance window (./maintenance.ts) automatic pages are held at the current level
 * and resume there when it ends; a responder's escalate still pages the step at the cursor.
 */
import { condition } from '@temporalio/workflow';
import { escalationOf, nextStep, stepAt } from '../../domain/incident/escalation';
import { escalatedInWindow } from '../../domain/incident/maintenance';
import type { EscalationState } from '../../domain/incident/incident';
import {
  moveCursor,
  recordEvent,
  recordExhausted,
  recordPage,
  restartCursor,
  retrigger,
} from '../../domain/incident/commands';
import { oncall } from './activity-stubs';
import { nowIso, nowMs } from './clock';
import { notifyFirstContact } from './delivery';
import type { IncidentRun } from './incident-run';
import { followsWindows } from './maintenance';
import { notifyPerson } from './paging';
import { markFirstStepOut, takeFirstLevel } from './preparation';

/** Runs until the incident is resolved, or `stop()` asks to hand over (continue-as-new). */
export async function runEscalation(run: IncidentRun, stop: () => boolean): Promise<void> {
  // Plans recorded before windows: in maintenance at the start means never paged.
  const windows = followsWindows(run);
  const held = () => run.state.inMaintenance === true && (!windows || !escalatedInWindow(run.state));
  while (run.state.status !== 'resolved' && !stop()) {
    const s = run.state;
    let step: Promise<unknown>;
    if (s.status === 'acknowledged') step = holdWhileAcknowledged(run, stop);
    else if (held()) step = condition(() => run.state.status !== 'triggered' || stop() || !held());
    else step = runStep(run, stop);
    // A step runs up to its first wait at once: a first page resolved with the plan is scheduled by now.
    markFirstStepOut(run);
    await step;
  }
  markFirstStepOut(run);
}

async function runStep(run: IncidentRun, stop: () => boolean): Promise<void> {
  const s = run.state;
  const esc = escalationOf(s);
  const mark = run.manualEscalations;
  const moved = () => run.pagingOver(esc.epoch) || run.manualEscalations !== mark || stop();

  if (s.assignedUserIds) {
    if (esc.pagedAt === undefined) await page(run, { userIds: s.assignedUserIds }, esc.epoch, 0, 0);
    await condition(moved);
    if (run.manualEscalations !== mark) run.apply(restartCursor);
    return;
  }
  const policy = run.plan.policy;
  const step = policy ? stepAt(policy, esc) : { done: true as const };
  if (step.done) {
    if (!esc.exhausted) await exhaust(run, policy ? 'nobody acknowledged' : 'the service has no escalation policy');
    await condition(moved);
    if (run.manualEscalations !== mark) run.apply(restartCursor);
    return;
  }
  if (esc.pagedAt === undefined)
    await page(run, { policyId: policy?.id, level: esc.level }, esc.epoch, esc.loop, esc.level);
  else await resumePage(run, esc);
  const pagedAt = Date.parse(run.state.escalation?.pagedAt ?? nowIso());
  const remaining = pagedAt + step.delayMinutes * run.plan.minuteMs - nowMs();
  if (remaining > 0) {
    await condition(moved, remaining, {
      summary: `level ${esc.level + 1} waits ${step.delayMinutes} min for an acknowledgement`,
    });
  }
  if (run.pagingOver(esc.epoch) || stop()) return;
  // The timer ran out (no escalate): the next page is due now, and the worker measures how late it starts.
  if (run.manualEscalations === mark) run.pageDueAtMs = pagedAt + step.delayMinutes * run.plan.minuteMs;
  const next = policy ? nextStep(policy, esc) : { done: true as const };
  run.apply((x) => moveCursor(x, next.done ? { loop: (policy?.loops ?? 0) + 1, level: 0 } : next.cursor));
}

async function page(
  run: IncidentRun,
  target: { policyId?: string; level?: number; userIds?: string[] },
  epoch: number,
  loop: number,
  level: number,
): Promise<void> {
  const due = run.pageDueAtMs;
  run.pageDueAtMs = undefined;
  const dueAt = due === undefined ? {} : { dueAt: new Date(due).toISOString() };
  const { recipients, problems } =
    takeFirstLevel(run, target, epoch, loop) ?? (await run.lookup.resolveRecipients({ ...target, ...dueAt }));
  if (run.pagingOver(epoch)) return; // changed while resolving
  const at = nowIso();
  run.apply((s) => recordPage(s, { loop, level, userIds: recipients.map((r) => r.userId) }, at));
  for (const problem of problems) {
    run.apply((s) =>
      recordEvent(s, {
        at,
        type: 'notification_failed',
        message: `Level ${level + 1}: ${problem}`,
        data: { level, loop },
      }),
    );
  }
  const step = { epoch, loop, level, pagedAtMs: Date.parse(at) };
  for (const person of recipients) void notifyPerson(run, person, step);
}

/**
 * A continued-as-new run picks up a step that was already paged: the same people's rules
 * run again from the original page time; deliveries the timeline shows as done are
 * skipped, ones that were in flight go again under their idempotency keys (receivers
 * dedup), and later ones still come on time.
 */
async function resumePage(run: IncidentRun, esc: EscalationState): Promise<void> {
  // The people paged are the ones recorded, not whoever the level would page now.
  const { recipients } = await oncall.resolveRecipients({ userIds: esc.userIds });
  const step = { epoch: esc.epoch, loop: esc.loop, level: esc.level, pagedAtMs: Date.parse(esc.pagedAt ?? nowIso()) };
  for (const person of recipients) void notifyPerson(run, person, step);
}

async function exhaust(run: IncidentRun, why: string): Promise<void> {
  run.apply((s) => recordExhausted(s, nowIso()));
  if (!run.plan.teamId) return;
  const { recipients } = await oncall.resolveRecipients({ teamId: run.plan.teamId });
  const epoch = escalationOf(run.state).epoch;
  await notifyFirstContact(run, 'escalation_exhausted', recipients, `Escalation exhausted: ${why}`, epoch);
}

/** Acknowledged (or snoozed): wait for a change, or re-trigger at the snooze's end or the acknowledgement timeout. */
async function holdWhileAcknowledged(run: IncidentRun, stop: () => boolean): Promise<void> {
  const s = run.state;
  const since = { epoch: escalationOf(s).epoch, ackAt: s.acknowledgedAt, snoozedUntil: s.snoozedUntil };
  const changed = () => {
    const x = run.state;
    return (
      x.status !== 'acknowledged' ||
      escalationOf(x).epoch !== since.epoch ||
      x.acknowledgedAt !== since.ackAt ||
      x.snoozedUntil !== since.snoozedUntil ||
      stop()
    );
  };
  const timeoutMin = run.plan.policy?.ackTimeoutMinutes;
  const until = since.snoozedUntil
    ? Date.parse(since.snoozedUntil)
    : timeoutMin && since.ackAt
      ? Date.parse(since.ackAt) + timeoutMin * run.plan.minuteMs
      : undefined;
  if (until === undefined) {
    await condition(changed);
    return;
  }
  const remaining = until - nowMs();
  if (
    remaining > 0 &&
    (await condition(changed, remaining, { summary: since.snoozedUntil ? 'snoozed' : 'acknowledgement timeout' }))
  )
    return;
  if (changed()) return;
  const reason = since.snoozedUntil ? 'snooze ended' : `not resolved within ${timeoutMin} min of acknowledgement`;
  run.apply((x) => retrigger(x, reason, nowIso()));
}
