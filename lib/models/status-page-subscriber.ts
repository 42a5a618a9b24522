import { createHash } from 'node:crypto';
import { model, models, Schema, type Model } from 'mongoose';
import type { SubscriberRecord, SubscriberType } from '../../domain/status-page/subscribers';
import { isDuplicateKey } from '../mongo';

/**
 * Status-page subscribers and the deliveries made to them. A subscriber's id is derived
 * from its page and address, so subscribing twice finds the first one (one pending
 * confirmation per address and page). A delivery is a document whose `_id` is the key of
 * subscriber and update, inserted once after the message went out: a retried activity or
 * a replayed fan-out finds it and sends nothing. Single-document writes with a filter
 * only (FerretDB's read-modify-write is not atomic), instants as ISO text.
 */
type SubscriberDoc = Omit<SubscriberRecord, 'id'> & { _id: string };
interface DeliveryDoc {
  _id: string;
  pageId: string;
  subscriberId: string;
  updateId: string;
  sentAt: string;
}

const subscriberSchema = new Schema<SubscriberDoc>(
  {
    _id: { type: String, required: true },
    pageId: { type: String, required: true },
    type: { type: String, required: true },
    address: { type: String, required: true },
    components: { type: [String], default: undefined },
    state: { type: String, required: true },
    createdAt: { type: String, required: true },
    confirmedAt: String,
    confirmationSentAt: String,
    confirmationsSent: { type: Number, required: true },
  },
  { collection: 'status_page_subscribers', versionKey: false, minimize: false },
);
subscriberSchema.index({ pageId: 1, state: 1, _id: 1 });

const deliverySchema = new Schema<DeliveryDoc>(
  {
    _id: { type: String, required: true },
    pageId: { type: String, required: true },
    subscriberId: { type: String, required: true },
    updateId: { type: String, required: true },
    sentAt: { type: String, required: true },
  },
  { collection: 'status_page_deliveries', versionKey: false },
);

const SubscriberModel: Model<SubscriberDoc> =
  (models.StatusPageSubscriber as Model<SubscriberDoc> | undefined) ??
  model<SubscriberDoc>('StatusPageSubscriber', subscriberSchema);
const DeliveryModel: Model<DeliveryDoc> =
  (models.StatusPageDelivery as Model<DeliveryDoc> | undefined) ??
  model<DeliveryDoc>('StatusPageDelivery', deliverySchema);

/** A pending address is sent a new confirmation at most this often. */
export const CONFIRMATION_RESEND_MS = 5 * 60_000;

/** Stable per page and address: `e…` for email (case-insensitive), `w…` for a webhook URL. */
export function subscriberIdFor(pageId: string, type: SubscriberType, address: string): string {
  const norm = type === 'email' ? address.trim().toLowerCase() : address.trim();
  return `${type[0]}${createHash('sha256').update(`${pageId}\n${type}\n${norm}`).digest('hex').slice(0, 24)}`;
}

const toRecord = ({ _id, ...rest }: SubscriberDoc): SubscriberRecord => ({ id: _id, ...rest });

export interface SubscriberStore {
  get(id: string): Promise<SubscriberRecord | undefined>;
  /**
   * Asks for an email subscription: a new or unsubscribed address becomes pending, and a
   * pending one whose last confirmation is older than CONFIRMATION_RESEND_MS is due
   * another. `send`: which confirmation to send now (its number), if any.
   */
  request(
    pageId: string,
    email: string,
    components: string[] | undefined,
    nowMs: number,
  ): Promise<{ subscriber: SubscriberRecord; send?: number }>;
  /** Pending -> confirmed (confirmed stays so); undefined when unknown or unsubscribed since. */
  confirm(id: string, nowIso: string): Promise<SubscriberRecord | undefined>;
  unsubscribe(id: string): Promise<SubscriberRecord | undefined>;
  /** An admin's webhook subscriber, confirmed at once; the same URL again updates its components. */
  putWebhook(pageId: string, url: string, components: string[] | undefined, nowIso: string): Promise<SubscriberRecord>;
  list(pageId: string): Promise<SubscriberRecord[]>;
  remove(pageId: string, id: string): Promise<boolean>;
  /** Confirmed subscribers of a page, by id, after `after`, at most `limit`. */
  confirmed(pageId: string, after: string | undefined, limit: number): Promise<SubscriberRecord[]>;
  delivered(key: string): Promise<boolean>;
  /** Records a delivery once (a second record of the same key changes nothing). */
  recordDelivery(key: string, d: Omit<DeliveryDoc, '_id'>): Promise<void>;
}

export const mongoSubscriberStore: SubscriberStore = {
  async get(id) {
    const doc = await SubscriberModel.findById(id).lean();
    return doc ? toRecord(doc) : undefined;
  },
  async request(pageId, email, components, nowMs) {
    const id = subscriberIdFor(pageId, 'email', email);
    const nowIso = new Date(nowMs).toISOString();
    const fresh: SubscriberDoc = {
      _id: id,
      pageId,
      type: 'email',
      address: email.trim(),
      ...(components ? { components } : {}),
      state: 'pending',
      createdAt: nowIso,
      confirmationSentAt: nowIso,
      confirmationsSent: 1,
    };
    try {
      await SubscriberModel.create(fresh);
      return { subscriber: toRecord(fresh), send: 1 };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const doc = await SubscriberModel.findById(id).lean();
    if (!doc) throw new Error(`subscriber ${id} vanished while being requested`);
    const recent = doc.confirmationSentAt && nowMs - Date.parse(doc.confirmationSentAt) < CONFIRMATION_RESEND_MS;
    if (doc.state === 'confirmed' || (doc.state === 'pending' && recent)) return { subscriber: toRecord(doc) };
    const nth = doc.confirmationsSent + 1;
    const set = { state: 'pending' as const, confirmationSentAt: nowIso, confirmationsSent: nth };
    const update = components ? { $set: { ...set, components } } : { $set: set, $unset: { components: 1 } };
    // Compare-and-set on the count: of two requests at once, one sends.
    const res = await SubscriberModel.updateOne({ _id: id, confirmationsSent: doc.confirmationsSent }, update);
    const { components: _old, ...kept } = doc;
    const subscriber = toRecord({ ...kept, ...set, ...(components ? { components } : {}) });
    return res.modifiedCount === 1 ? { subscriber, send: nth } : { subscriber };
  },
  async confirm(id, nowIso) {
    await SubscriberModel.updateOne(
      { _id: id, state: 'pending' },
      { $set: { state: 'confirmed', confirmedAt: nowIso } },
    );
    const doc = await SubscriberModel.findById(id).lean();
    return doc && doc.state === 'confirmed' ? toRecord(doc) : undefined;
  },
  async unsubscribe(id) {
    await SubscriberModel.updateOne({ _id: id }, { $set: { state: 'unsubscribed' } });
    const doc = await SubscriberModel.findById(id).lean();
    return doc ? toRecord(doc) : undefined;
  },
  async putWebhook(pageId, url, components, nowIso) {
    const id = subscriberIdFor(pageId, 'webhook', url);
    const doc: SubscriberDoc = {
      ...{ _id: id, pageId, type: 'webhook', address: url, state: 'confirmed' },
      ...{ createdAt: nowIso, confirmedAt: nowIso, confirmationsSent: 0 },
      ...(components ? { components } : {}),
    };
    await SubscriberModel.replaceOne({ _id: id }, doc, { upsert: true });
    return toRecord(doc);
  },
  async list(pageId) {
    return (await SubscriberModel.find({ pageId }).sort({ _id: 1 }).lean()).map(toRecord);
  },
  async remove(pageId, id) {
    return (await SubscriberModel.deleteOne({ _id: id, pageId })).deletedCount === 1;
  },
  async confirmed(pageId, after, limit) {
    const filter = { pageId, state: 'confirmed' as const, ...(after ? { _id: { $gt: after } } : {}) };
    return (await SubscriberModel.find(filter).sort({ _id: 1 }).limit(limit).lean()).map(toRecord);
  },
  async delivered(key) {
    return (await DeliveryModel.exists({ _id: key })) !== null;
  },
  async recordDelivery(key, d) {
    try {
      await DeliveryModel.create({ _id: key, ...d });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  },
};
