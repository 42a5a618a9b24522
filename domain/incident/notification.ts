/**
 * What the incident workflow hands to a notification channel, the idempotency key each
 * delivery carries, and the activity options profile for sending. Pure and deterministic:
 * workflows import this module, so it holds only types, constants and one pure function.
 */
import { ActivityCancellationType, type ActivityOptions } from '@temporalio/common';
import type { IncidentStatus } from './incident';
import type { Severity } from './severity';
import type { ContactMethodType } from '../config/user';

/** Failure types the notify activity throws (ApplicationFailure.type). */
export const NOTIFICATION_REJECTED = 'NotificationRejected';
export const NOTIFICATION_TRANSIENT = 'NotificationTransient';

export const NOTIFICATION_KINDS = [
  'page',
  'acknowledged',
  'resolved',
  'update',
  'status_update_due',
  'sla_breach',
  'escalation_exhausted',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationRecipient {
  userId: string;
  name?: string;
  contactMethod: { id: string; type: ContactMethodType; address: string };
}

export interface Notification {
  /** Sent to the receiver, which dedups on it: deliveries are at-least-once. */
  idempotencyKey: string;
  kind: NotificationKind;
  incidentId: string;
  incidentNumber?: number;
  service: string;
  severity: Severity;
  status: IncidentStatus;
  summary: string;
  /** What happened for kinds other than a page, e.g. "Response SLA breached (5 min)". */
  message?: string;
  /** 0-based escalation position, as in EscalationCursor; channels show it 1-based. */
  level?: number;
  loop?: number;
  recipient: NotificationRecipient;
  links?: { incident?: string };
  /** A runbook step waiting for a decision: channels with buttons offer Approve / Deny. */
  approval?: { runId: string; step: string };
  /** Who acknowledged / resolved the incident, as of `occurredAt` (messages updated in place show it). */
  acknowledgedBy?: string;
  resolvedBy?: string;
  /** When the workflow decided to notify (workflow time, ISO), not when it was sent. */
  occurredAt: string;
}

export interface DeliveryReceipt {
  /** Channel that delivered it (contact method type, or "log" for the fallback). */
  channel: string;
  idempotencyKey: string;
  deliveredAt: string;
  /** HTTP status for HTTP channels. */
  status?: number;
  /** Receiver's own id for the message, when it returns one. */
  providerMessageId?: string;
  /** Where the receiver keeps the message, when the channel can update it in place (Slack bot). */
  messageRef?: MessageRef;
}

/** A posted message that can be edited later: Slack's conversation id and message ts. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** What a message updated in place shows of the incident; a change means "update it". */
export function messageView(s: {
  status: IncidentStatus;
  severity: Severity;
  acknowledgedBy?: string;
  resolvedBy?: string;
}): string {
  return [s.status, s.severity, s.acknowledgedBy ?? '', s.resolvedBy ?? ''].map(encodeURIComponent).join('|');
}

interface KeyCommon {
  workflowId: string;
  /**
   * IncidentState.runKey. One workflow id hosts successive incidents (an alert after
   * resolution opens the next one under the same id); without this, receivers would drop
   * the next incident's pages as duplicates of the last one's.
   */
  runKey: string;
  /**
   * How many times escalation restarted within this incident (acknowledgement timeout,
   * snooze expiry, reassignment); 0 for the first run. A re-triggered page is a new page.
   */
  cycle?: number;
  userId: string;
  /** Contact method id (unique per user), so each of a person's channels gets its own key. */
  channel: string;
  /**
   * Tells apart notifications of one kind that would otherwise share a key: the update
   * number, the breached SLA ("response" / "resolution"), a notification rule repeated on
   * one contact method.
   */
  discriminator?: string | number;
}

export type NotificationKeyParts = KeyCommon &
  (
    | { kind?: 'page'; level: number; loop: number }
    | { kind: Exclude<NotificationKind, 'page'>; level?: number; loop?: number }
  );

/**
 * Stable, readable idempotency key, e.g. `incident-db-1a2b:<runKey>:L1:R1:alice:alice-sms`
 * for a page, or `incident-db-1a2b:<runKey>:sla_breach:alice:alice-sms:#response`.
 * Level and loop appear 1-based (L = level, R = round through the policy), as people
 * count them. The same parts always give the same key (a retried or replayed delivery
 * repeats it); different parts never do: free-form segments are URI-encoded so they carry
 * no ":", and the optional segments have prefixes no id can start with (ids are lower-case
 * slugs, kinds are fixed words).
 */
export function notificationIdempotencyKey(parts: NotificationKeyParts): string {
  const kind = parts.kind ?? 'page';
  const cycle = parts.cycle ?? 0;
  assertPosition('cycle', cycle);
  const segments = [parts.workflowId, parts.runKey].map(encodeURIComponent);
  if (kind !== 'page') segments.push(kind);
  if (cycle > 0) segments.push(`E${cycle + 1}`);
  if (parts.level !== undefined) segments.push(`L${position('level', parts.level)}`);
  if (parts.loop !== undefined) segments.push(`R${position('loop', parts.loop)}`);
  segments.push(encodeURIComponent(parts.userId), encodeURIComponent(parts.channel));
  if (parts.discriminator !== undefined) segments.push(`#${encodeURIComponent(String(parts.discriminator))}`);
  return segments.join(':');
}

function position(name: string, zeroBased: number): number {
  assertPosition(name, zeroBased);
  return zeroBased + 1;
}

function assertPosition(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a 0-based integer, got ${value}`);
}

/**
 * The task queue serving one channel type's sends beside an incident task queue, e.g.
 * `vigil-incidents-notify-slack`: each channel gets its own worker, concurrency and rate
 * limit, so a channel stuck in retries (a Slack 429 storm) cannot hold back another's pages.
 */
export function notifyTaskQueue(incidentTaskQueue: string, channelType: string): string {
  return `${incidentTaskQueue}-notify-${channelType}`;
}

/**
 * Activity options profile "notify". Retries with backoff on transient failures (5xx,
 * 408, 429, timeouts, network errors) for about four minutes; a receiver that refuses the
 * message (other 4xx, bad address) fails at once with `NotificationRejected`, which the
 * workflow records on the timeline while escalation continues. The channel's own HTTP
 * timeout sits below startToCloseTimeout, so a slow receiver surfaces as a classified
 * failure rather than an activity timeout. Run sends beside the escalation timer, not in
 * front of it: a failing channel must not delay the next level.
 *
 * Cancellation (acknowledgement, re-plan) waits for an attempt already in flight: a page
 * the receiver took is recorded as `notified` rather than lost from the timeline, while a
 * send waiting out its retry backoff is dropped at once, so nothing is sent after the ack.
 */
export const NOTIFY_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  // A send heartbeats while it waits on the receiver (activities/notify): a worker that dies
  // mid-send is noticed within seconds and the page goes again, not after startToClose.
  heartbeatTimeout: '5 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [NOTIFICATION_REJECTED],
  },
};
