/**
 * Delivering one notification to one contact method: its idempotency key, the send on the
 * channel's task queue, and the outcome on the timeline (`notified`, with the message ref
 * when the channel can rewrite it later; `notification_failed` with the cause and its
 * reason, e.g. `channel_not_configured`; or `notification_logged` when a development
 * worker only logged it). Only `notified` counts as reaching someone.
 */
import { ActivityFailure, ApplicationFailure, isCancellation, workflowInfo } from '@temporalio/workflow';
import { recordEvent } from '../../domain/incident/commands';
import { escalationOf } from '../../domain/incident/escalation';
import type { IncidentState, TimelineEvent } from '../../domain/incident/incident';
import {
  incidentNotification,
  messageView,
  notificationIdempotencyKey,
  type Notification,
  type NotificationKind,
} from '../../domain/incident/notification';
import type { Recipient } from '../../domain/incident/plan';
import { postedMessageData } from '../../domain/incident/posted-message';
import { notifyFor } from './activity-stubs';
import { nowIso } from './clock';
import type { IncidentRun } from './incident-run';
import { incidentBridge } from '../../domain/coordination/bridge';

type ContactMethod = Recipient['rules'][number]['contactMethod'];
/** What tells deliveries apart: escalation position (pages), epoch, and a discriminator. */
type DeliveryKey = { level?: number; loop?: number; cycle: number; discriminator?: string | number };

/** Sends one notification to each person's first contact method (non-page kinds). */
export async function notifyFirstContact(
  run: IncidentRun,
  kind: Exclude<NotificationKind, 'page'>,
  people: Recipient[],
  message: string,
  discriminator?: string | number,
  extra: Pick<Notification, 'approval'> = {},
): Promise<void> {
  await Promise.all(
    people.map(async (person) => {
      const first = person.rules[0]?.contactMethod;
      const key = { cycle: escalationOf(run.state).epoch, discriminator };
      if (first) await deliver(run, kind, person, first, key, message, extra);
    }),
  );
}

export async function deliver(
  run: IncidentRun,
  kind: NotificationKind,
  person: Recipient,
  method: ContactMethod,
  key: DeliveryKey,
  message?: string,
  extra: Pick<Notification, 'approval'> = {},
): Promise<void> {
  const s = run.state;
  const idempotencyKey = keyOf(s, kind, person, method, key);
  // A continued-as-new run resumes the step it was in: what the previous run already
  // delivered (or saw refused) is on the timeline and is not sent again.
  if (alreadyRecorded(s, idempotencyKey)) return;
  const notification = incidentNotification(s, {
    idempotencyKey,
    kind,
    message,
    level: key.level,
    loop: key.loop,
    ...extra,
    ...(run.plan.tier === undefined ? {} : { tier: run.plan.tier }),
    ...bridgeOf(run),
    recipient: {
      userId: person.userId,
      name: person.name,
      ...(person.timeZone ? { timeZone: person.timeZone } : {}),
      contactMethod: method,
    },
    occurredAt: nowIso(),
  });
  const data = { userId: person.userId, channel: method.type, contactMethodId: method.id, kind, idempotencyKey };
  run.sendsInFlight += 1;
  try {
    const receipt = await notifyFor(run.plan, method.type).sendNotification({ notification });
    if (receipt.logged) {
      run.apply((st) =>
        recordEvent(st, {
          at: nowIso(),
          type: 'notification_logged',
          message: `Logged, not delivered: ${kind} for ${person.userId} by ${method.type} (VIGIL_NOTIFY_LOG_ONLY)`,
          data: { ...data, reason: 'logged_not_delivered' },
        }),
      );
      return;
    }
    // An approval request keeps its own buttons: it is answered in place from Slack, not synced.
    const posted = notification.approval
      ? {}
      : postedMessageData(receipt.messageRef, messageView(notification), notification);
    const event: TimelineEvent = {
      at: nowIso(),
      type: 'notified',
      message: `Notified ${person.userId} by ${receipt.channel} (${kind})`,
      data: { ...data, ...posted },
    };
    run.recordNotified(event);
  } catch (err) {
    if (isCancellation(err)) return; // paging ended while sending: nothing to report
    const failure = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
    const cause = failure ? failure.message : String(err);
    run.apply((st) =>
      recordEvent(st, {
        at: nowIso(),
        type: 'notification_failed',
        message: `Could not notify ${person.userId} by ${method.type}: ${cause}`,
        // The failure's type says why: channel_not_configured, NotificationRejected, NotificationTransient (retries spent).
        data: { ...data, ...(failure?.type ? { reason: failure.type } : {}) },
      }),
    );
  } finally {
    run.sendsInFlight -= 1;
  }
}

function keyOf(
  s: IncidentState,
  kind: NotificationKind,
  person: Recipient,
  method: ContactMethod,
  key: DeliveryKey,
): string {
  const common = {
    workflowId: workflowInfo().workflowId,
    runKey: s.runKey,
    userId: person.userId,
    channel: method.id,
    cycle: key.cycle,
    discriminator: key.discriminator,
  };
  return kind === 'page'
    ? notificationIdempotencyKey({ ...common, level: key.level ?? 0, loop: key.loop ?? 0 })
    : notificationIdempotencyKey({ ...common, kind });
}

const alreadyRecorded = (s: IncidentState, idempotencyKey: string): boolean =>
  s.timeline.some(
    (e) =>
      (e.type === 'notified' || e.type === 'notification_failed' || e.type === 'notification_logged') &&
      e.data?.idempotencyKey === idempotencyKey,
  );

/** The bridge for the page, when the plan names one (plans recorded before bridges name none). */
function bridgeOf(run: IncidentRun): { bridge?: { url: string; title: string } } {
  const bridge = incidentBridge(run.plan.bridges, run.state);
  return bridge ? { bridge } : {};
}
