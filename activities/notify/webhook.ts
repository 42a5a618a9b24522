/**
 * Generic webhook channel: a signed JSON POST to the contact method's URL.
 *
 * Request: `content-type: application/json`, `user-agent: Vigil`, `idempotency-key`
 * (the same on every retry of one notification: receivers dedup on it), and the
 * `x-vigil-timestamp` / `x-vigil-signature` pair described in ./signature. Body: a
 * WebhookPayload, snake_case, keys always in the same order.
 * Answers: 2xx delivered; 408, 429, 5xx, timeouts and network errors retried (429/503
 * Retry-After honoured); other 4xx and 3xx refused for good (redirects are not followed,
 * so a signed body never goes to a host nobody configured).
 */
import type { Logger } from '../../lib/logger';
import type { DeliveryReceipt, Notification, NotificationKind } from '../../domain/incident/notification';
import type { IncidentStatus } from '../../domain/incident/incident';
import type { Severity } from '../../domain/incident/severity';
import { failureForError, failureForStatus, rejected, type NotificationChannel } from './channel';
import { DEFAULT_TIMEOUT_MS, readSnippet } from './http';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './signature';

export { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook, verifyWebhookSignature } from './signature';

export interface WebhookPayload {
  event: NotificationKind;
  idempotency_key: string;
  occurred_at: string;
  message?: string;
  incident: {
    id: string;
    number?: number;
    service: string;
    severity: Severity;
    status: IncidentStatus;
    summary: string;
    url?: string;
  };
  /** 1-based, as people count levels and loops. */
  escalation?: { level: number; loop?: number };
  /** The URL itself is left out: webhook URLs often carry a token. */
  recipient: { user_id: string; name?: string; contact_method_id: string };
}

export interface WebhookChannelDeps {
  /** HMAC key for x-vigil-signature (VIGIL_WEBHOOK_SIGNING_SECRET). Never logged. */
  signingSecret: string;
  /** Per request, below the activity's startToCloseTimeout so a slow receiver is classified. */
  timeoutMs?: number;
  log: Logger;
  fetch?: typeof globalThis.fetch;
  /** Clock for the timestamp header and Retry-After dates (epoch ms). */
  now?: () => number;
}

/** The JSON document receivers get. Same notification, same document, byte for byte. */
export function webhookPayload(n: Notification): WebhookPayload {
  return {
    event: n.kind,
    idempotency_key: n.idempotencyKey,
    occurred_at: n.occurredAt,
    ...(n.message === undefined ? {} : { message: n.message }),
    incident: {
      id: n.incidentId,
      ...(n.incidentNumber === undefined ? {} : { number: n.incidentNumber }),
      service: n.service,
      severity: n.severity,
      status: n.status,
      summary: n.summary,
      ...(n.links?.incident === undefined ? {} : { url: n.links.incident }),
    },
    ...(n.level === undefined
      ? {}
      : { escalation: { level: n.level + 1, ...(n.loop === undefined ? {} : { loop: n.loop + 1 }) } }),
    recipient: {
      user_id: n.recipient.userId,
      ...(n.recipient.name === undefined ? {} : { name: n.recipient.name }),
      contact_method_id: n.recipient.contactMethod.id,
    },
  };
}

export function createWebhookChannel(deps: WebhookChannelDeps): NotificationChannel {
  if (!deps.signingSecret) throw new Error('webhook channel needs a signing secret (VIGIL_WEBHOOK_SIGNING_SECRET)');
  const doFetch = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    type: 'webhook',
    async send(n, ctx): Promise<DeliveryReceipt> {
      const url = webhookUrl(n.recipient.contactMethod.address);
      // Only the host: path and query of a webhook URL may be its credential.
      const what = `webhook ${url.host}`;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
      const request = signedRequest(n, deps.signingSecret, now());
      try {
        const res = await doFetch(url, { method: 'POST', ...request, signal, redirect: 'manual' });
        const fields = { idempotencyKey: n.idempotencyKey, host: url.host, status: res.status };
        if (res.ok) {
          await res.body?.cancel();
          deps.log.debug(fields, 'webhook delivered');
          const deliveredAt = new Date(now()).toISOString();
          return { channel: 'webhook', idempotencyKey: n.idempotencyKey, deliveredAt, status: res.status };
        }
        const snippet = await readSnippet(res);
        deps.log.debug(fields, 'webhook refused');
        const answer = { status: res.status, statusText: res.statusText, retryAfter: res.headers.get('retry-after') };
        throw failureForStatus(answer, what, now(), snippet);
      } catch (err) {
        throw failureForError(err, what, ctx.signal);
      }
    },
  };
}

/** Body and headers; a retry gets a fresh timestamp and signature over the same body. */
export function signedRequest(
  n: Notification,
  secret: string,
  nowMs: number,
): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(webhookPayload(n));
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Vigil',
      'idempotency-key': n.idempotencyKey,
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
    },
  };
}

export function webhookUrl(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw rejected('invalid webhook address: not a URL', { reason: 'invalid_address' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw rejected(`invalid webhook address: ${url.protocol} is not http(s)`, { reason: 'invalid_address' });
  }
  // fetch refuses such URLs outright; without this check every retry would fail alike.
  if (url.username || url.password) {
    throw rejected('invalid webhook address: credentials in the URL are not supported', { reason: 'invalid_address' });
  }
  return url;
}
