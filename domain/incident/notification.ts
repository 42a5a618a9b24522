/**
 * What the incident workflow hands to a notification channel and the idempotency key each
 * delivery carries. Pure and deterministic: workflows import this module. The activity
 * options for sending are the "notify" profile in workflows/activity-profiles.ts.
 */
import type { IncidentState, IncidentStatus } from './incident';
import type { Severity } from './severity-levels';
import type { ContactMethodType } from '../config/user';

/** Failure types the notify activity throws (ApplicationFailure.type). */
export const NOTIFICATION_REJECTED = 'NotificationRejected';
export const NOTIFICATION_TRANSIENT = 'NotificationTransient';
/**
 * No channel is configured for the contact type (no SMTP URL, no Twilio credentials, ...):
 * nothing was sent, and retrying cannot help. Recorded as a failed notification with this reason.
 */
export const CHANNEL_NOT_CONFIGURED = 'channel_not_configured';

export const NOTIFICATION_KINDS = [
  'page',
  'acknowledged',
  'resolved',
  'update',
  'status_update_due',
  'sla_breach',
  'escalation_exhausted',
  'role_assigned',
  'role_unfilled',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationRecipient {
  userId: string;
  name?: string;
  /** The person's IANA zone (user.timezone): every time they read is shown in it; absent: UTC. */
  timeZone?: string;
  contactMethod: { id: string; type: ContactMethodType; address: string };
}

export interface Notification {
  /** Sent to the receiver, which dedups on it: deliveries are at-least-once. */
  idempotencyKey: string;
  kind: NotificationKind;
  incidentId: string;
  incidentNumber?: number;
  service: string;
  /** The service's tier (1 = critical .. 4 = low), shown with the incident in every message. */
  tier?: number;
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
  /** The incident's conference bridge (type, service or team), shown in every page. */
  bridge?: { url: string; title: string };
  /** A message to stakeholders (a rendered communication template): sent as written, without buttons. */
  comms?: { subject?: string; body: string };
  /** A runbook step waiting for a decision: channels with buttons offer Approve / Deny. */
  approval?: { runId: string; step: string };
  /** Who acknowledged / resolved the incident, as of `occurredAt` (messages updated in place show it). */
  acknowledgedBy?: string;
  resolvedBy?: string;
  /** When the workflow decided to notify (workflow time, ISO), not when it was sent. */
  occurredAt: string;
}

/** What one delivery adds to the incident's facts: its key, kind, recipient and moment. */
export type NotificationParts = Pick<
  Notification,
  'idempotencyKey' | 'kind' | 'message' | 'level' | 'loop' | 'approval' | 'recipient' | 'occurredAt' | 'tier' | 'bridge'
>;

/**
 * The notification a channel gets: the incident as `s` shows it (status, severity, who
 * holds it) with one delivery's parts. New sends and rewrites of posted messages alike.
 */
export function incidentNotification(s: IncidentState, parts: NotificationParts): Notification {
  const { approval, recipient, occurredAt } = parts;
  return {
    idempotencyKey: parts.idempotencyKey,
    kind: parts.kind,
    incidentId: s.incidentId,
    incidentNumber: s.number,
    service: s.service,
    ...(parts.tier === undefined ? {} : { tier: parts.tier }),
    severity: s.severity,
    status: s.status,
    summary: s.summary,
    message: parts.message,
    level: parts.level,
    loop: parts.loop,
    acknowledgedBy: s.acknowledgedBy,
    resolvedBy: s.resolvedBy,
    ...(approval ? { approval } : {}),
    ...(parts.bridge ? { bridge: parts.bridge } : {}),
    recipient,
    occurredAt,
  };
}

export interface DeliveryReceipt {
  /** Channel that delivered it (contact method type, or "log" when only logged). */
  channel: string;
  idempotencyKey: string;
  deliveredAt: string;
  /** HTTP status for HTTP channels. */
  status?: number;
  /** Receiver's own id for the message, when it returns one. */
  providerMessageId?: string;
  /** Where the receiver keeps the message, when the channel can update it in place (Slack bot). */
  messageRef?: MessageRef;
  /**
   * Written to the worker's log instead of sent (VIGIL_NOTIFY_LOG_ONLY, development): nobody
   * was reached. The timeline says "logged, not delivered".
   */
  logged?: true;
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
