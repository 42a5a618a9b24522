/**
 * The escalation loop: page the current step, wait the level's delay for an
 * acknowledgement on a durable timer, move on; loop the policy; record exhaustion and tell
 * the owning team. Acknowledged incidents wait for resolution, a snooze's end or the
 * acknowledgement timeout (both page again from level 1). Every position lives in the
 * incident state, so a continued-as-new run resumes the step it was in.
 */
import { condition } from '@temporalio/workflow';
import { escalationOf, nextStep, stepAt } from '../domain/incident/escalation';
import type { EscalationState } from '../domain/incident/incident';
import {
  moveCursor,
  recordEvent,
  recordExhausted,
  recordPage,
  restartCursor,
  retrigger,
} from '../domain/incident/commands';
import { notifyFirstContact, notifyPerson } from './paging';
import { nowIso, nowMs, oncall, type Ctx } from './runtime';

/** Runs until the incident is resolved, or `stop()` asks to hand over (continue-as-new). */
export async function runEscalation(ctx: Ctx, stop: () => boolean): Promise<void> {
  while (ctx.state().status !== 'resolved' && !stop()) {
    const s = ctx.state();
    if (s.status === 'acknowledged') await holdWhileAcknowledged(ctx, stop);
    else if (s.inMaintenance) await condition(() => ctx.state().status !== 'triggered' || stop());
    else await runStep(ctx, stop);
  }
}

const epochOf = (ctx: Ctx) => ctx.state().escalation?.epoch ?? 0;

async function runStep(ctx: Ctx, stop: () => boolean): Promise<void> {
  const s = ctx.state();
  const esc = escalationOf(s);
  const manual = ctx.manualEscalations;
  const moved = () =>
    ctx.state().status !== 'triggered' || epochOf(ctx) !== esc.epoch || ctx.manualEscalations !== manual || stop();

  if (s.assignedUserIds) {
    if (esc.pagedAt === undefined) await page(ctx, { userIds: s.assignedUserIds }, esc.epoch, 0, 0);
    await condition(moved);
    if (ctx.manualEscalations !== manual) ctx.apply(restartCursor);
    return;
  }
  const policy = ctx.plan.policy;
  const step = policy ? stepAt(policy, esc) : { done: true as const };
  if (step.done) {
    if (!esc.exhausted) await exhaust(ctx, policy ? 'nobody acknowledged' : 'the service has no escalation policy');
    await condition(moved);
    if (ctx.manualEscalations !== manual) ctx.apply(restartCursor);
    return;
  }
  if (esc.pagedAt === undefined)
    await page(ctx, { policyId: policy?.id, level: esc.level }, esc.epoch, esc.loop, esc.level);
  else await resumePage(ctx, esc);
  const pagedAt = Date.parse(ctx.state().escalation?.pagedAt ?? nowIso());
  const remaining = pagedAt + step.delayMinutes * ctx.plan.minuteMs - nowMs();
  if (remaining > 0) {
    await condition(moved, remaining, {
      summary: `level ${esc.level + 1} waits ${step.delayMinutes} min for an acknowledgement`,
    });
  }
  const st = ctx.state();
  if (st.status !== 'triggered' || epochOf(ctx) !== esc.epoch || stop()) return;
  const next = policy ? nextStep(policy, esc) : { done: true as const };
  ctx.apply((x) => moveCursor(x, next.done ? { loop: (policy?.loops ?? 0) + 1, level: 0 } : next.cursor));
}

async function page(
  ctx: Ctx,
  target: { policyId?: string; level?: number; userIds?: string[] },
  epoch: number,
  loop: number,
  level: number,
): Promise<void> {
  const { recipients, problems } = await oncall.resolveRecipients(target);
  if (ctx.state().status !== 'triggered' || epochOf(ctx) !== epoch) return; // changed while resolving
  const at = nowIso();
  ctx.apply((s) => recordPage(s, { loop, level, userIds: recipients.map((r) => r.userId) }, at));
  for (const problem of problems) {
    ctx.apply((s) =>
      recordEvent(s, {
        at,
        type: 'notification_failed',
        message: `Level ${level + 1}: ${problem}`,
        data: { level, loop },
      }),
    );
  }
  const step = { epoch, loop, level, pagedAtMs: Date.parse(at) };
  for (const person of recipients) void notifyPerson(ctx, person, step);
}

/**
 * A continued-as-new run picks up a step that was already paged: the same people's rules
 * run again from the original page time; deliveries the timeline shows as done are
 * skipped, ones that were in flight go again under their idempotency keys (receivers
 * dedup), and later ones still come on time.
 */
async function resumePage(ctx: Ctx, esc: EscalationState): Promise<void> {
  // The people paged are the ones recorded, not whoever the level would page now.
  const { recipients } = await oncall.resolveRecipients({ userIds: esc.userIds });
  const step = { epoch: esc.epoch, loop: esc.loop, level: esc.level, pagedAtMs: Date.parse(esc.pagedAt ?? nowIso()) };
  for (const person of recipients) void notifyPerson(ctx, person, step);
}

async function exhaust(ctx: Ctx, why: string): Promise<void> {
  ctx.apply((s) => recordExhausted(s, nowIso()));
  if (!ctx.plan.teamId) return;
  const { recipients } = await oncall.resolveRecipients({ teamId: ctx.plan.teamId });
  await notifyFirstContact(ctx, 'escalation_exhausted', recipients, `Escalation exhausted: ${why}`, epochOf(ctx));
}

async function holdWhileAcknowledged(ctx: Ctx, stop: () => boolean): Promise<void> {
  const s = ctx.state();
  const since = { epoch: epochOf(ctx), ackAt: s.acknowledgedAt, snoozedUntil: s.snoozedUntil };
  const changed = () => {
    const x = ctx.state();
    return (
      x.status !== 'acknowledged' ||
      epochOf(ctx) !== since.epoch ||
      x.acknowledgedAt !== since.ackAt ||
      x.snoozedUntil !== since.snoozedUntil ||
      stop()
    );
  };
  const timeoutMin = ctx.plan.policy?.ackTimeoutMinutes;
  const until = since.snoozedUntil
    ? Date.parse(since.snoozedUntil)
    : timeoutMin && since.ackAt
      ? Date.parse(since.ackAt) + timeoutMin * ctx.plan.minuteMs
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
  ctx.apply((x) => retrigger(x, reason, nowIso()));
}

/**
 * Manual escalate. While a step is being waited on, the loop sees the counter and moves
 * on; otherwise (acknowledged, snoozed) nothing is waiting, so the cursor moves here.
 */
export function escalateManually(ctx: Ctx, wasTriggered: boolean): void {
  if (wasTriggered) {
    ctx.manualEscalations += 1;
    return;
  }
  const s = ctx.state();
  const esc = escalationOf(s);
  const policy = ctx.plan.policy;
  if (s.assignedUserIds || !policy || esc.exhausted) {
    ctx.apply(restartCursor);
    return;
  }
  const next = nextStep(policy, esc);
  ctx.apply((x) => moveCursor(x, next.done ? { loop: policy.loops + 1, level: 0 } : next.cursor));
}
