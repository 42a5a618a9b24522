import { model, models, Schema, type Model } from 'mongoose';
import { isDuplicateKey } from '../mongo';

/**
 * Change events (deploys, config changes) sent to a service through PagerDuty's
 * `/v2/change/enqueue`, listed on the service so responders see what changed before an
 * incident. `_id` is a hash of the routing key and the event, so a retried POST stores
 * nothing new (unique `_id` as the guard: no read-modify-write).
 */
export interface ChangeEventDoc {
  _id: string;
  serviceId: string;
  summary: string;
  source?: string;
  /** The sender's timestamp, else when Vigil received it. */
  timestamp: Date;
  customDetails?: Record<string, unknown>;
  links?: unknown[];
  images?: unknown[];
  receivedAt: Date;
}

const schema = new Schema<ChangeEventDoc>(
  {
    _id: { type: String, required: true },
    serviceId: { type: String, required: true },
    summary: { type: String, required: true },
    source: String,
    timestamp: { type: Date, required: true },
    customDetails: Schema.Types.Mixed,
    links: Schema.Types.Mixed,
    images: Schema.Types.Mixed,
    receivedAt: { type: Date, required: true },
  },
  { collection: 'change_events', versionKey: false, minimize: false },
);
schema.index({ serviceId: 1, timestamp: -1 });

export const ChangeEventModel: Model<ChangeEventDoc> =
  (models.ChangeEvent as Model<ChangeEventDoc> | undefined) ?? model<ChangeEventDoc>('ChangeEvent', schema);

export type ChangeEvent = Omit<ChangeEventDoc, '_id'> & { id: string };

export interface ChangeEventStore {
  /** Stores the event once; false when it was already stored (a retried POST). */
  record(event: ChangeEvent): Promise<boolean>;
  /** The service's newest change events first. */
  list(serviceId: string, limit: number): Promise<ChangeEvent[]>;
}

export const mongoChangeEventStore: ChangeEventStore = {
  async record({ id, ...rest }) {
    try {
      await ChangeEventModel.create({ _id: id, ...rest });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  },
  async list(serviceId, limit) {
    const docs = await ChangeEventModel.find({ serviceId }).sort({ timestamp: -1, _id: 1 }).limit(limit).lean();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  },
};
