/**
 * Slack request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 *   X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + raw body)>
 *   X-Slack-Request-Timestamp: <unix seconds>
 * Verified over the exact bytes received (before any form parsing), compared in constant
 * time, and refused when the timestamp is more than 5 minutes from our clock (replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
export const SLACK_TOLERANCE_SEC = 300;

export type SlackVerification =
  { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

export function signSlackRequest(secret: string, timestamp: string | number, rawBody: string | Uint8Array): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

/** Never throws on malformed input. */
export function verifySlackRequest(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: string | Uint8Array,
  nowMs: number = Date.now(),
): SlackVerification {
  const ts = (timestamp ?? '').trim();
  if (!ts || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(ts) || Math.abs(nowMs / 1000 - Number(ts)) > SLACK_TOLERANCE_SEC)
    return { ok: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(signSlackRequest(secret, ts, rawBody), 'utf8');
  const given = Buffer.from(signature.trim(), 'utf8');
  // timingSafeEqual throws on unequal lengths; a length mismatch reveals nothing secret.
  const equal = given.length === expected.length && timingSafeEqual(given, expected);
  return equal ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
