/**
 * Status-page subscribers' links: the confirmation link of a double opt-in and the
 * unsubscribe link in every message. The token is the credential, so it is an HMAC over
 * its claims with the server's link secret (VIGIL_LINK_SIGNING_SECRET, the respond links'
 * key), domain-separated so a respond token never verifies here, nor one of these there:
 *
 *   token = base64url(JSON claims) "." base64url(HMAC-SHA256(secret, PURPOSE + first part))
 *   claims = { s: subscriber id, a: "confirm" | "unsubscribe", exp?: epoch seconds }
 *
 * A confirmation expires (a week); an unsubscribe link works for as long as the
 * subscription exists, whatever message it came in. Verification is constant-time and
 * never throws. Pure: no I/O, no clock but the injected one.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { encodeClaims, openToken } from './signed-token';

export const CONFIRM_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const PURPOSE = 'vigil-status-page-subscriber\n';
const MAX_TOKEN_LENGTH = 512;

const claimsSchema = z.strictObject({
  s: z.string().min(1).max(100),
  a: z.enum(['confirm', 'unsubscribe']),
  exp: z.int().min(0).optional(),
});
export type SubscriberClaims = z.infer<typeof claimsSchema>;
export type SubscriberAction = SubscriberClaims['a'];

export type SubscriberLinkCheck =
  { ok: true; claims: SubscriberClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export interface SubscriberLinks {
  /** The link for `action` on the subscriber of `pageId`, issued at `issuedAtMs`. */
  link(pageId: string, subscriberId: string, action: SubscriberAction, issuedAtMs: number): string;
  verify(token: string, action: SubscriberAction): SubscriberLinkCheck;
}

export function createSubscriberLinks(opts: {
  publicUrl: string;
  secret: string;
  now?: () => number;
}): SubscriberLinks {
  if (opts.secret.length < 16) throw new Error('subscriber link secret must be at least 16 characters');
  const base = opts.publicUrl.replace(/\/+$/, '');
  const now = opts.now ?? Date.now;
  const sign = (payload: string) =>
    createHmac('sha256', opts.secret).update(PURPOSE).update(payload, 'utf8').digest('base64url');
  return {
    link(pageId, subscriberId, action, issuedAtMs) {
      const claims: SubscriberClaims = {
        s: subscriberId,
        a: action,
        ...(action === 'confirm' ? { exp: Math.floor((issuedAtMs + CONFIRM_TTL_MS) / 1000) } : {}),
      };
      const payload = encodeClaims(claims);
      const path = `/status/${encodeURIComponent(pageId)}/subscribers/${action}`;
      return `${base}${path}?token=${payload}.${sign(payload)}`;
    },
    verify(token, action) {
      const opened = openToken(token, sign, MAX_TOKEN_LENGTH);
      if (!opened.ok) return opened;
      const claims = claimsSchema.safeParse(opened.json);
      // A confirm token is not an unsubscribe token, and the other way round.
      if (!claims.success || claims.data.a !== action) return { ok: false, reason: 'malformed' };
      if (claims.data.exp !== undefined && now() >= claims.data.exp * 1000) return { ok: false, reason: 'expired' };
      return { ok: true, claims: claims.data };
    },
  };
}
