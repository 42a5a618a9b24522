/**
 * Status-page subscriptions as the API serves them: an email subscription asked for by
 * anyone who may read the page (double opt-in: a signed confirmation link by email), its
 * confirmation and its end by the signed links, and webhook subscribers added by an
 * admin. Never an open relay: one pending confirmation per address and page, re-sent at
 * most every five minutes (the store's rule), and a page takes at most so many
 * subscription requests a minute, whatever the addresses.
 */
import { HttpError } from '../errors';
import type { RateLimiter } from '../ingest/rate-limit';
import type { SubscriberStore } from '../../lib/models/status-page-subscriber';
import type { SubscriberAnnouncer } from '../../lib/status-page-announce';
import type { SubscriberAction, SubscriberClaims, SubscriberLinks } from '../../lib/subscriber-links';
import type { SubscriberRecord } from '../../domain/status-page/subscribers';

export interface SubscriptionServices {
  store: SubscriberStore;
  /** Confirmation emails; `announce` also tells subscribers of responders' updates (./commands.ts). */
  announcer: Pick<SubscriberAnnouncer, 'sendConfirmation'> & Partial<Pick<SubscriberAnnouncer, 'announce'>>;
  /** Absent (no VIGIL_PUBLIC_URL or VIGIL_LINK_SIGNING_SECRET): email subscriptions are refused. */
  links?: Pick<SubscriberLinks, 'verify'>;
  /** Subscription requests per page. */
  limiter: RateLimiter;
  now?: () => number;
}

/** Subscription requests a page takes per minute, from everyone together. */
export const SUBSCRIBE_PER_MINUTE = 30;

/** Asks for an email subscription; sends a confirmation when one is due. Answers the same either way. */
export async function requestEmail(
  s: SubscriptionServices,
  pageId: string,
  body: { email: string; components?: string[] | undefined },
): Promise<void> {
  const taken = s.limiter.take(pageId);
  if (!taken.allowed)
    throw new HttpError(429, 'rate_limited', 'Too many subscription requests for this page; try again in a minute.');
  const now = (s.now ?? Date.now)();
  const { subscriber, send } = await s.store.request(pageId, body.email, body.components, now);
  if (send !== undefined) await s.announcer.sendConfirmation(subscriber.id, send);
}

/** The claims of a link's token: 403 for a bad link, 410 for an expired one. */
export function verified(s: SubscriptionServices, token: string, action: SubscriberAction): SubscriberClaims {
  const checked = emailLinks(s).verify(token, action);
  if (!checked.ok && checked.reason === 'expired')
    throw new HttpError(410, 'link_expired', 'This confirmation link has expired: subscribe again for a new one.');
  if (!checked.ok) throw invalidLink();
  return checked.claims;
}

/** The subscriber a verified link names, on this page; 403 when it is not this page's. */
export async function linked(
  s: SubscriptionServices,
  pageId: string,
  claims: SubscriberClaims,
): Promise<SubscriberRecord> {
  const subscriber = await s.store.get(claims.s);
  if (!subscriber || subscriber.pageId !== pageId) throw invalidLink();
  return subscriber;
}

export function emailLinks(s: SubscriptionServices): Pick<SubscriberLinks, 'verify'> {
  if (!s.links)
    throw new HttpError(
      503,
      'not_configured',
      'Email subscriptions need VIGIL_PUBLIC_URL and VIGIL_LINK_SIGNING_SECRET on the API and the worker.',
    );
  return s.links;
}

const invalidLink = () =>
  new HttpError(403, 'invalid_link', 'This link is not valid. Check that it was copied whole, or use a newer message.');

/** A subscriber as an admin sees it: a webhook shows only its origin (its path may be a credential). */
export function subscriberView(r: SubscriberRecord) {
  return {
    id: r.id,
    pageId: r.pageId,
    type: r.type,
    address: r.type === 'webhook' ? originOf(r.address) : r.address,
    ...(r.components ? { components: r.components } : {}),
    state: r.state,
    createdAt: r.createdAt,
    ...(r.confirmedAt ? { confirmedAt: r.confirmedAt } : {}),
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
