/**
 * One small interface per notification channel (webhook and log here; Slack, email and
 * SMS later), and the one place that decides whether a failed delivery is worth retrying.
 * The retry policy lives in NOTIFY_PROFILE; channels only classify.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  CHANNEL_NOT_CONFIGURED,
  NOTIFICATION_REJECTED,
  NOTIFICATION_TRANSIENT,
  type DeliveryReceipt,
  type MessageRef,
  type Notification,
} from '../../domain/incident/notification';

export interface SendContext {
  /** Activity cancellation; channels abort their request when it fires. */
  signal?: AbortSignal;
}

export interface NotificationChannel {
  readonly type: string;
  /**
   * Delivers once, or throws an ApplicationFailure of type NotificationRejected
   * (permanent) or NotificationTransient (retry later).
   */
  send(notification: Notification, ctx: SendContext): Promise<DeliveryReceipt>;
  /**
   * Channels whose receipts carry a `messageRef` rewrite that message with the incident as
   * it is now (status, who acknowledged, buttons); same failure classification as send.
   */
  update?(notification: Notification, ref: MessageRef, ctx: SendContext): Promise<DeliveryReceipt>;
}

/**
 * Upper bound on a receiver's Retry-After: a page that can only go out in an hour has
 * failed; the retry policy's own maximum interval (2 minutes) applies instead.
 */
export const MAX_RETRY_AFTER_MS = 2 * 60_000;

/** The receiver refused the message; retrying cannot help. Escalation carries on. */
export function rejected(message: string, details: Record<string, unknown> = {}): ApplicationFailure {
  return ApplicationFailure.create({ type: NOTIFICATION_REJECTED, message, nonRetryable: true, details: [details] });
}

/**
 * This deployment has no channel for the contact type (`why` names the missing settings).
 * Nothing was sent; the workflow records a failed notification with this reason and goes on
 * to the person's next rule and the policy's next level, as for any failed delivery.
 */
export function notConfigured(type: string, why: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: CHANNEL_NOT_CONFIGURED,
    message: `${CHANNEL_NOT_CONFIGURED}: ${type} is not configured here (${why})`,
    nonRetryable: true,
    details: [{ reason: CHANNEL_NOT_CONFIGURED, contactType: type, why }],
  });
}

/** Delivery may work later (receiver down, overloaded, slow or unreachable). */
export function transient(
  message: string,
  opts: { retryAfterMs?: number; cause?: Error; details?: Record<string, unknown> } = {},
): ApplicationFailure {
  return ApplicationFailure.create({
    type: NOTIFICATION_TRANSIENT,
    message,
    nonRetryable: false,
    details: [opts.details ?? {}],
    ...(opts.cause ? { cause: opts.cause } : {}),
    ...(opts.retryAfterMs === undefined ? {} : { nextRetryDelay: opts.retryAfterMs }),
  });
}

/**
 * Failure for a non-2xx HTTP answer. 408 and 429 are "try again" by definition, 5xx are
 * the receiver's trouble; other 4xx (and redirects, which we do not follow with a signed
 * body) mean the message or address is wrong, so every retry would fail the same way.
 */
export function failureForStatus(
  res: { status: number; statusText?: string; retryAfter?: string | null },
  what: string,
  nowMs: number,
  bodySnippet = '',
): ApplicationFailure {
  const answer = `${what} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const message = bodySnippet ? `${answer}: ${bodySnippet}` : answer;
  const details = { status: res.status };
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.retryAfter, nowMs) : undefined;
    return transient(message, { details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (res.status >= 300 && res.status < 500) return rejected(message, details);
  return transient(message, { details });
}

/** Retry-After as delay-seconds or an HTTP date, capped at MAX_RETRY_AFTER_MS. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const text = value?.trim() ?? '';
  let ms: number | undefined;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  // An HTTP date starts with the day name; Date.parse alone would take "-5" for a year.
  else if (/^[A-Za-z]/.test(text) && !Number.isNaN(Date.parse(text))) ms = Math.max(0, Date.parse(text) - nowMs);
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}

/**
 * Failure for an error thrown while sending. Classified failures and activity
 * cancellation pass through unchanged (the worker reports a cancellation only when it
 * sees the CancelledFailure itself); anything else - refused connection, DNS, reset,
 * timeout - is transient.
 */
export function failureForError(err: unknown, what: string, signal?: AbortSignal): Error {
  if (err instanceof ApplicationFailure || err instanceof CancelledFailure) return err;
  if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new CancelledFailure('cancelled');
  const error = err instanceof Error ? err : new Error(String(err));
  if (error.name === 'TimeoutError') return transient(`${what} timed out`, { cause: error });
  const code = networkCode(error);
  return transient(`${what} unreachable: ${code ?? error.message}`, { cause: error, details: code ? { code } : {} });
}

/** fetch reports "fetch failed" and hides the socket error (ECONNREFUSED, ...) in `cause`. */
function networkCode(error: Error): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
