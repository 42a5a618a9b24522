/** An in-memory SubscriberStore with the MongoDB store's rules, for unit tests. */
import { CONFIRMATION_RESEND_MS, subscriberIdFor, type SubscriberStore } from '../../lib/models/status-page-subscriber';
import type { SubscriberRecord } from '../../domain/status-page/subscribers';

export function memorySubscriberStore(): SubscriberStore & {
  all: Map<string, SubscriberRecord>;
  deliveries: Set<string>;
} {
  const all = new Map<string, SubscriberRecord>();
  const deliveries = new Set<string>();
  const without = (r: SubscriberRecord, key: keyof SubscriberRecord) => {
    const { [key]: _dropped, ...rest } = r;
    return rest as SubscriberRecord;
  };
  return {
    all,
    deliveries,
    async get(id) {
      return all.get(id);
    },
    async request(pageId, email, components, nowMs) {
      const id = subscriberIdFor(pageId, 'email', email);
      const nowIso = new Date(nowMs).toISOString();
      const found = all.get(id);
      if (!found) {
        const fresh: SubscriberRecord = {
          ...{ id, pageId, type: 'email', address: email.trim(), state: 'pending', createdAt: nowIso },
          ...{ confirmationSentAt: nowIso, confirmationsSent: 1 },
          ...(components ? { components } : {}),
        };
        all.set(id, fresh);
        return { subscriber: fresh, send: 1 };
      }
      const recent = found.confirmationSentAt && nowMs - Date.parse(found.confirmationSentAt) < CONFIRMATION_RESEND_MS;
      if (found.state === 'confirmed' || (found.state === 'pending' && recent)) return { subscriber: found };
      const nth = found.confirmationsSent + 1;
      const next: SubscriberRecord = {
        ...without(found, 'components'),
        ...{ state: 'pending', confirmationSentAt: nowIso, confirmationsSent: nth },
        ...(components ? { components } : {}),
      };
      all.set(id, next);
      return { subscriber: next, send: nth };
    },
    async confirm(id, nowIso) {
      const found = all.get(id);
      if (found?.state === 'pending') all.set(id, { ...found, state: 'confirmed', confirmedAt: nowIso });
      const after = all.get(id);
      return after?.state === 'confirmed' ? after : undefined;
    },
    async unsubscribe(id) {
      const found = all.get(id);
      if (found) all.set(id, { ...found, state: 'unsubscribed' });
      return all.get(id);
    },
    async putWebhook(pageId, url, components, nowIso) {
      const id = subscriberIdFor(pageId, 'webhook', url);
      const r: SubscriberRecord = {
        ...{ id, pageId, type: 'webhook', address: url, state: 'confirmed', createdAt: nowIso, confirmedAt: nowIso },
        confirmationsSent: 0,
        ...(components ? { components } : {}),
      };
      all.set(id, r);
      return r;
    },
    async list(pageId) {
      return [...all.values()].filter((s) => s.pageId === pageId).sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    async remove(pageId, id) {
      return all.get(id)?.pageId === pageId && all.delete(id);
    },
    async confirmed(pageId, after, limit) {
      return (await this.list(pageId))
        .filter((s) => s.state === 'confirmed' && (after === undefined || s.id > after))
        .slice(0, limit);
    },
    async delivered(key) {
      return deliveries.has(key);
    },
    async recordDelivery(key) {
      deliveries.add(key);
    },
  };
}
