/**
 * Paging people: one coroutine per person per step follows their notification rules
 * (e.g. Slack at once, SMS after 5 minutes, a call after 10) and stops as soon as the
 * incident is acknowledged or paging starts over. Deliveries never block escalation: a
 * failed channel is recorded on the timeline and the next level still fires on time.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  sleep,
} from '@temporalio/workflow';

import { recordEvent } from '../domain/incident/commands';
import type { TimelineEvent } from '../domain/incident/incident';
import {
  incidentNotification,
  messageView,
  notificationIdempotencyKey,
  type Notification,
  type NotificationKind,
} from '../domain/incident/notification';
import type { Recipient } from '../domain/incident/plan';
import { postedMessage, postedMessageData } from '../domain/incident/posted-message';
import { notifyFor, nowIso, nowMs, workflowId, type Ctx } from './runtime';

export interface PageStep {
  epoch: number;
  loop: number;
  level: number;
  pagedAtMs: number;
}

/**
 * Runs one person's rules for a step. Each rule fires at page time + its delay whatever
 * happened to earlier ones (a channel stuck in retries must not hold back the fallback);
 * acknowledgement or a new epoch cancels everything still waiting or retrying.
 */
export async function notifyPerson(ctx: Ctx, person: Recipient, step: PageStep): Promise<void> {
  const stale = () => ctx.state().status !== 'triggered' || ctx.state().escalation?.epoch !== step.epoch;
  const scope = new CancellationScope();
  void condition(stale).then(() => scope.cancel());
  try {
    await scope.run(async () => {
      const sends: Array<Promise<void>> = [];
      for (const [i, rule] of person.rules.entries()) {
        const wait = step.pagedAtMs + rule.delayMinutes * ctx.plan.minuteMs - nowMs();
        if (wait > 0) await sleep(wait, { summary: `${person.userId}: rule ${i + 1} at ${rule.delayMinutes} min` });
        if (stale()) break;
        const repeat = person.rules.slice(0, i).some((r) => r.contactMethod.id === rule.contactMethod.id);
        sends.push(
          deliver(ctx, 'page', person, rule.contactMethod, {
            level: step.level,
            loop: step.loop,
            cycle: step.epoch,
            ...(repeat ? { discriminator: `rule${i + 1}` } : {}),
          }),
        );
      }
      await Promise.all(sends);
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
}

/** Sends one notification to each person's first contact method (non-page kinds). */
export async function notifyFirstContact(
  ctx: Ctx,
  kind: Exclude<NotificationKind, 'page'>,
  people: Recipient[],
  message: string,
  discriminator?: string | number,
  extra: Pick<Notification, 'approval'> = {},
): Promise<void> {
  await Promise.all(
    people.map(async (person) => {
      const first = person.rules[0]?.contactMethod;
      if (first)
        await deliver(
          ctx,
          kind,
          person,
          first,
          { cycle: ctx.state().escalation?.epoch ?? 0, discriminator },
          message,
          extra,
        );
    }),
  );
}

async function deliver(
  ctx: Ctx,
  kind: NotificationKind,
  person: Recipient,
  method: Recipient['rules'][number]['contactMethod'],
  key: { level?: number; loop?: number; cycle: number; discriminator?: string | number },
  message?: string,
  extra: Pick<Notification, 'approval'> = {},
): Promise<void> {
  const s = ctx.state();
  const idempotencyKey =
    kind === 'page'
      ? notificationIdempotencyKey({
          workflowId: workflowId(),
          runKey: s.runKey,
          userId: person.userId,
          channel: method.id,
          level: key.level ?? 0,
          loop: key.loop ?? 0,
          cycle: key.cycle,
          discriminator: key.discriminator,
        })
      : notificationIdempotencyKey({
          workflowId: workflowId(),
          runKey: s.runKey,
          userId: person.userId,
          channel: method.id,
          kind,
          cycle: key.cycle,
          discriminator: key.discriminator,
        });
  // A continued-as-new run resumes the step it was in: what the previous run already
  // delivered (or saw refused) is on the timeline and is not sent again.
  if (
    s.timeline.some(
      (e) => (e.type === 'notified' || e.type === 'notification_failed') && e.data?.idempotencyKey === idempotencyKey,
    )
  )
    return;
  const notification = incidentNotification(s, {
    idempotencyKey,
    kind,
    message,
    level: key.level,
    loop: key.loop,
    ...extra,
    recipient: { userId: person.userId, name: person.name, contactMethod: method },
    occurredAt: nowIso(),
  });
  ctx.sending += 1;
  try {
    const receipt = await notifyFor(ctx.plan, method.type).sendNotification({ notification });
    // An approval request keeps its own buttons: it is answered in place from Slack, not synced.
    const posted = notification.approval
      ? {}
      : postedMessageData(receipt.messageRef, messageView(notification), notification);
    const event: TimelineEvent = {
      at: nowIso(),
      type: 'notified',
      message: `Notified ${person.userId} by ${receipt.channel} (${kind})`,
      data: {
        userId: person.userId,
        channel: method.type,
        contactMethodId: method.id,
        kind,
        idempotencyKey,
        ...posted,
      },
    };
    ctx.apply((st) => recordEvent(st, event));
    const message = postedMessage(event);
    if (message) ctx.messages.push(message);
  } catch (err) {
    if (isCancellation(err)) return; // acknowledged or re-planned while sending: nothing to report
    const cause =
      err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.message : String(err);
    ctx.apply((st) =>
      recordEvent(st, {
        at: nowIso(),
        type: 'notification_failed',
        message: `Could not notify ${person.userId} by ${method.type}: ${cause}`,
        data: { userId: person.userId, channel: method.type, contactMethodId: method.id, kind, idempotencyKey },
      }),
    );
  } finally {
    ctx.sending -= 1;
  }
}
