/**
 * Signed link tokens, shared by respond links and status-page subscriber links:
 *   token = base64url(JSON claims) "." base64url(HMAC of the first part)
 * The signature is compared in constant time as canonical base64url text (another
 * spelling of the same bytes is refused too). Never throws, whatever it is given.
 */
import { timingSafeEqual } from 'node:crypto';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export const encodeClaims = (claims: object): string =>
  Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');

/** The token's claims as JSON (unchecked: parse them with a schema), or why not. */
export function openToken(
  token: unknown,
  sign: (payload: string) => string,
  maxLength: number,
): { ok: true; json: unknown } | { ok: false; reason: 'malformed' | 'bad_signature' } {
  if (typeof token !== 'string' || token.length > maxLength) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature || !BASE64URL.test(payload) || !BASE64URL.test(signature))
    return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(payload), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  try {
    return { ok: true, json: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}
