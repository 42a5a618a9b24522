/**
 * Webhook signatures, for Vigil as sender and for receivers that verify it.
 *
 * Scheme (version v1), modelled on Slack's and Stripe's:
 *   x-vigil-timestamp: <unix seconds when sent>
 *   x-vigil-signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw request body)>
 * A receiver recomputes the HMAC over the exact bytes it received, compares in constant
 * time, and refuses timestamps more than 5 minutes from its clock (replays). The header
 * may carry several comma-separated `v1=` entries (e.g. during a secret rotation); one
 * match suffices. Retries carry a fresh timestamp and signature; dedup on
 * `idempotency-key`, never on the signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-vigil-signature';
export const TIMESTAMP_HEADER = 'x-vigil-timestamp';
export const SIGNATURE_VERSION = 'v1';
export const DEFAULT_TOLERANCE_SEC = 300;

type RawBody = string | Uint8Array;

/** The signature header value for a request body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: string | number, rawBody: RawBody): string {
  return `${SIGNATURE_VERSION}=${hmacHex(secret, String(timestamp), rawBody)}`;
}

/**
 * Whether `header` holds a valid v1 signature of `rawBody` at `timestamp`, and the
 * timestamp is within `toleranceSec` of `nowMs`. Never throws on malformed input.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number | null | undefined,
  rawBody: RawBody,
  header: string | null | undefined,
  nowMs: number = Date.now(),
  toleranceSec: number = DEFAULT_TOLERANCE_SEC,
): boolean {
  const ts = String(timestamp ?? '').trim();
  if (!/^\d{1,12}$/.test(ts) || !header) return false;
  if (Math.abs(nowMs / 1000 - Number(ts)) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, ts, rawBody), 'utf8');
  return header.split(',').some((entry) => {
    const [version, value] = entry.trim().split('=', 2);
    if (version !== SIGNATURE_VERSION || !value) return false;
    const given = Buffer.from(value, 'utf8');
    // timingSafeEqual throws on unequal lengths; a length mismatch reveals nothing secret.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function hmacHex(secret: string, timestamp: string, rawBody: RawBody): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}
