import { model, models, Schema, type Model } from 'mongoose';
import type { MirrorState } from '../../domain/status-page/mirror';

/**
 * What each page incident's mirror has pushed: the provider's incident id (so updates
 * PATCH the same incident) and the updates it has seen. `target` names the provider and
 * its page: a page pointed at another provider starts over there.
 */
interface MirrorDoc {
  _id: string;
  target: string;
  externalId?: string;
  pushed: string[];
  name?: string;
  hidden?: boolean;
}

const schema = new Schema<MirrorDoc>(
  {
    _id: { type: String, required: true },
    target: { type: String, required: true },
    externalId: String,
    pushed: { type: [String], default: [] },
    name: String,
    hidden: Boolean,
  },
  { collection: 'status_page_mirrors', versionKey: false },
);

const MirrorModel: Model<MirrorDoc> =
  (models.StatusPageMirror as Model<MirrorDoc> | undefined) ?? model<MirrorDoc>('StatusPageMirror', schema);

export interface MirrorStateStore {
  get(key: string, target: string): Promise<MirrorState>;
  put(key: string, target: string, state: MirrorState): Promise<void>;
}

export const mongoMirrorStates: MirrorStateStore = {
  async get(key, target) {
    const doc = await MirrorModel.findById(key).lean();
    if (!doc || doc.target !== target) return { pushed: [] };
    return {
      pushed: doc.pushed,
      ...(doc.externalId ? { externalId: doc.externalId } : {}),
      ...(doc.name === undefined ? {} : { name: doc.name }),
      ...(doc.hidden ? { hidden: true } : {}),
    };
  },
  async put(key, target, state) {
    // Replaced whole: one mirror workflow per page incident writes it, one push at a time.
    await MirrorModel.replaceOne({ _id: key }, { target, ...state }, { upsert: true });
  },
};
