/**
 * Subscriber activities of a page update's fan-out (workflows/status-page-subscribers.ts)
 * and of a confirmation: who is to hear of the update (on the incident queue), one
 * delivery per subscriber and one confirmation email (each on its channel's task queue,
 * where the channel's concurrency and rate limits apply). A delivery is keyed by
 * subscriber and update: one found recorded is not sent again, so retries, replays and a
 * second fan-out of the same update send nothing twice.
 */
import type { Logger } from '../../lib/logger';
import { loadConfigSnapshot, type ConfigSnapshot } from '../../lib/models/config';
import { mongoStatusPageStore, type StatusPageStore } from '../../lib/models/status-page';
import { mongoSubscriberStore, type SubscriberStore } from '../../lib/models/status-page-subscriber';
import type { SubscriberLinks } from '../../lib/subscriber-links';
import type { StatusPage } from '../../domain/status-page/page';
import {
  announcementOf,
  deliveryKey,
  subscriberWants,
  type AnnounceInput,
  type Announcement,
  type DeliveryInput,
  type SubscriberType,
} from '../../domain/status-page/subscribers';
import { notConfigured } from '../notify/channel';
import { confirmationEmail, updateEmail, updateWebhookPayload, type UpdateMessageView } from './messages';
import type { SubscriberSenders } from './senders';

/** Subscribers per planning activity; a fan-out continues as new past this many. */
export const PLAN_BATCH = 200;

export interface AnnouncePlan {
  announcement?: Announcement;
  deliveries: Array<{ subscriberId: string; type: SubscriberType }>;
  /** The last subscriber id of a full batch: there may be more after it. */
  next?: string;
}

export type DeliveryOutcome = { status: 'sent' | 'duplicate' | 'skipped'; why?: string };

export interface SubscriberActivityDeps {
  log: Logger;
  senders: SubscriberSenders;
  /** Confirmation and unsubscribe links; absent: email subscribers get nothing (they could not leave). */
  links?: SubscriberLinks;
  /** Where a page is reached when its configuration names no url (VIGIL_PUBLIC_URL). */
  publicUrl?: string;
  subscribers?: SubscriberStore;
  store?: StatusPageStore;
  loadConfig?: () => Promise<ConfigSnapshot>;
  now?: () => number;
}

export function createSubscriberActivities(deps: SubscriberActivityDeps) {
  const subscribers = deps.subscribers ?? mongoSubscriberStore;
  const store = deps.store ?? mongoStatusPageStore;
  const loadConfig = deps.loadConfig ?? loadConfigSnapshot;
  const now = deps.now ?? Date.now;

  const pageOf = async (pageId: string) => (await loadConfig()).statusPages.find((p) => p.id === pageId);
  const pageRef = (p: StatusPage) => ({
    id: p.id,
    name: p.name,
    url: p.url ?? `${(deps.publicUrl ?? '').replace(/\/+$/, '')}/status/${encodeURIComponent(p.id)}`,
  });

  /** The update and what it announces, or why nothing goes out. */
  async function viewOf(input: Omit<DeliveryInput, 'subscriberId'>): Promise<UpdateMessageView | string> {
    const [page, incident] = await Promise.all([
      pageOf(input.pageId),
      store.incident(input.pageId, input.pageIncidentId),
    ]);
    if (!page) return 'the page no longer exists';
    const update = incident?.updates.find((u) => u.id === input.updateId);
    if (!incident || !update) return 'no such update';
    const announcement = announcementOf(incident, update);
    if (!announcement) return 'the update is not announced (unchanged status, or held back)';
    const componentNames = Object.fromEntries(page.components.map((c) => [c.id, c.name]));
    return { page: pageRef(page), incident, update, announcement, componentNames };
  }

  return {
    /** Who hears of the update: one batch of matching confirmed subscribers. Read-only. */
    async planStatusPageAnnouncement(input: AnnounceInput): Promise<AnnouncePlan> {
      const view = await viewOf(input);
      if (typeof view === 'string') return { deliveries: [] };
      const batch = await subscribers.confirmed(input.pageId, input.after, PLAN_BATCH);
      const deliveries = batch
        .filter((s) => subscriberWants(s, view.incident))
        .map((s) => ({ subscriberId: s.id, type: s.type }));
      const last = batch.length === PLAN_BATCH ? batch[batch.length - 1]?.id : undefined;
      return { announcement: view.announcement, deliveries, ...(last ? { next: last } : {}) };
    },

    /** One subscriber, one update, one message: sent once, recorded, never again. */
    async deliverStatusPageUpdate(input: DeliveryInput): Promise<DeliveryOutcome> {
      const key = deliveryKey(input.subscriberId, input.updateId);
      if (await subscribers.delivered(key)) return { status: 'duplicate' };
      const [subscriber, view] = await Promise.all([subscribers.get(input.subscriberId), viewOf(input)]);
      if (typeof view === 'string') return { status: 'skipped', why: view };
      if (!subscriber || !subscriberWants(subscriber, view.incident))
        return { status: 'skipped', why: 'no longer subscribed' };
      if (subscriber.type === 'email') {
        if (!deps.links)
          throw notConfigured('email', 'VIGIL_PUBLIC_URL and VIGIL_LINK_SIGNING_SECRET are not both set');
        const unsubscribe = deps.links.link(input.pageId, subscriber.id, 'unsubscribe', now());
        await deps.senders.email({
          to: subscriber.address,
          idempotencyKey: key,
          ...updateEmail(view, unsubscribe),
          headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        });
      } else {
        await deps.senders.webhook(subscriber.address, updateWebhookPayload(view, subscriber.id, key), key);
      }
      const sentAt = new Date(now()).toISOString();
      await subscribers.recordDelivery(key, { ...input, sentAt });
      deps.log.info({ pageId: input.pageId, updateId: input.updateId, subscriberId: subscriber.id }, 'subscriber told');
      return { status: 'sent' };
    },

    /** The double opt-in's email: a signed confirmation link, to a subscriber still pending. */
    async sendStatusPageConfirmation(input: { subscriberId: string; nth: number }): Promise<DeliveryOutcome> {
      const subscriber = await subscribers.get(input.subscriberId);
      if (!subscriber || subscriber.state !== 'pending') return { status: 'skipped', why: 'not pending' };
      const page = await pageOf(subscriber.pageId);
      if (!page) return { status: 'skipped', why: 'the page no longer exists' };
      if (!deps.links) throw notConfigured('email', 'VIGIL_PUBLIC_URL and VIGIL_LINK_SIGNING_SECRET are not both set');
      const issuedAt = Date.parse(subscriber.confirmationSentAt ?? subscriber.createdAt);
      const confirm = deps.links.link(page.id, subscriber.id, 'confirm', Number.isFinite(issuedAt) ? issuedAt : now());
      await deps.senders.email({
        to: subscriber.address,
        idempotencyKey: `status-page-confirm:${subscriber.id}:${input.nth}`,
        ...confirmationEmail(pageRef(page), confirm),
      });
      deps.log.info({ pageId: page.id, subscriberId: subscriber.id }, 'subscription confirmation sent');
      return { status: 'sent' };
    },
  };
}

export type SubscriberActivities = ReturnType<typeof createSubscriberActivities>;
