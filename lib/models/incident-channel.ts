import { model, models, Schema, type Model } from 'mongoose';

/**
 * The Slack channel of an incident, keyed by `${incidentId}:${runKey}` (one incident, even
 * when its id is reused later). Written only by the incident's own channel activities (one
 * writer per document), so a plain `$set` is safe on FerretDB. It makes every step
 * idempotent across retries and continue-as-new (created, bookmarked, announced, posted up
 * to `postedCount`, who is invited, which topic is set) and maps a channel id back to its
 * incident for `/incident` commands typed inside the channel.
 */
export interface IncidentChannelDoc {
  _id: string;
  incidentId: string;
  channelId: string;
  name: string;
  /** Timeline entries [0, postedCount) are in the channel. */
  postedCount: number;
  /** Slack user ids invited so far. */
  invited: string[];
  topic: string;
  bookmarked: boolean;
  announced: boolean;
  archivedAt?: Date;
  createdAt: Date;
}

const schema = new Schema<IncidentChannelDoc>(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    channelId: { type: String, required: true, index: true },
    name: { type: String, required: true },
    postedCount: { type: Number, required: true },
    invited: { type: [String], default: [] },
    topic: { type: String, default: '' },
    bookmarked: { type: Boolean, default: false },
    announced: { type: Boolean, default: false },
    archivedAt: Date,
    createdAt: { type: Date, required: true },
  },
  { collection: 'incident_channels', versionKey: false, minimize: false },
);

export const IncidentChannelModel: Model<IncidentChannelDoc> =
  (models.IncidentChannel as Model<IncidentChannelDoc> | undefined) ??
  model<IncidentChannelDoc>('IncidentChannel', schema);

/** The incident whose channel this is (the newest, should a channel id ever repeat). */
export async function incidentIdByChannel(channelId: string): Promise<string | undefined> {
  const doc = await IncidentChannelModel.find({ channelId }).sort({ createdAt: -1 }).limit(1).lean();
  return doc[0]?.incidentId;
}
