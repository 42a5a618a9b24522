/**
 * Respond links: a personal, signed URL in every notification that opens a small incident
 * page (api/routes/respond.ts) where the recipient acknowledges or resolves. The token is
 * the credential, so it is an HMAC over its claims and carries its own expiry:
 *
 *   token = base64url(JSON claims) "." base64url(HMAC-SHA256(secret, first part))
 *   claims = { i: incident id, u: recipient user id, n?: incident number, exp: epoch seconds }
 *
 * `n` ties the link to one incident: a workflow id hosts the next incident after a
 * resolution, and a week-old link must not act on that one. Pure: no I/O, no clock but
 * the injected one. verify() never throws, whatever it is given.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Notification } from '../../domain/incident/notification';
import { encodeClaims, openToken } from '../../lib/signed-token';

export const RESPOND_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const MIN_LINK_SECRET_LENGTH = 32;
/** Far above any real token (about 150 characters); longer input is refused unread. */
const MAX_TOKEN_LENGTH = 1024;

const claimsSchema = z.object({
  i: z.string().min(1).max(200),
  u: z.string().min(1).max(200),
  n: z.int().min(0).optional(),
  exp: z.int().min(0),
});
export type RespondClaims = z.infer<typeof claimsSchema>;

export type VerifyResult =
  { ok: true; claims: RespondClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export interface RespondLinks {
  /** The recipient's respond page for this notification's incident. */
  linksFor(n: Notification): { incident: string };
  verify(token: string): VerifyResult;
}

export interface RespondLinkOptions {
  /** Where people's browsers reach the API (VIGIL_PUBLIC_URL), with or without a trailing slash. */
  publicUrl: string;
  /** HMAC key (VIGIL_LINK_SIGNING_SECRET), at least 32 characters. */
  secret: string;
  ttlMs?: number;
  /** Clock in epoch ms, for verification and for notifications without a usable time. */
  now?: () => number;
}

export function createRespondLinks(opts: RespondLinkOptions): RespondLinks {
  if (opts.secret.length < MIN_LINK_SECRET_LENGTH) {
    throw new Error(`respond link secret must be at least ${MIN_LINK_SECRET_LENGTH} characters`);
  }
  if (!isPublicBaseUrl(opts.publicUrl)) {
    throw new Error('respond link public URL must be an http(s) URL without query or fragment');
  }
  const base = opts.publicUrl.replace(/\/+$/, '');
  const ttlMs = opts.ttlMs ?? RESPOND_LINK_TTL_MS;
  const now = opts.now ?? Date.now;
  const sign = (payload: string) => createHmac('sha256', opts.secret).update(payload, 'utf8').digest('base64url');

  return {
    linksFor(n) {
      // Issued as of the notification, not the attempt: every retry sends the same link.
      const decided = Date.parse(n.occurredAt);
      const issuedAt = Number.isFinite(decided) ? Math.min(decided, now()) : now();
      const claims: RespondClaims = {
        i: n.incidentId,
        u: n.recipient.userId,
        ...(n.incidentNumber === undefined ? {} : { n: n.incidentNumber }),
        exp: Math.floor((issuedAt + ttlMs) / 1000),
      };
      const payload = encodeClaims(claims);
      return { incident: `${base}/respond/${payload}.${sign(payload)}` };
    },

    verify(token) {
      const opened = openToken(token, sign, MAX_TOKEN_LENGTH);
      if (!opened.ok) return opened;
      const claims = claimsSchema.safeParse(opened.json);
      if (!claims.success) return { ok: false, reason: 'malformed' };
      if (now() >= claims.data.exp * 1000) return { ok: false, reason: 'expired' };
      return { ok: true, claims: claims.data };
    },
  };
}

/** An http(s) URL that paths can be appended to: no query, no fragment, no white space. */
export function isPublicBaseUrl(url: string): boolean {
  return /^https?:\/\/[^\s?#]+$/.test(url) && URL.canParse(url);
}

/** The token segment of a respond URL replaced, for request logs: the token is a credential. */
export function redactRespondToken(url: string): string {
  return url.replace(/(\/respond\/)[^/?#]+/g, '$1[redacted]');
}
