import { model, models, Schema, type Model } from 'mongoose';
import type { IncidentListRow, RowChange } from '../../domain/incident/list-row';

/**
 * `incident_events`: an append-only feed of list-visible changes, read by every API
 * replica (SSE, the console's list). `_id` is a dense sequence 1, 2, 3, ... taken by
 * inserting at the next free number (a unique `_id` is the only guard FerretDB makes
 * atomic), so readers follow the feed with `_id` point reads: the one query FerretDB's
 * SQLite backend answers without scanning the collection.
 */
export interface IncidentEventDoc {
  _id: number;
  at: Date;
  recordId: string;
  incidentId: string;
  seq: number;
  changes: RowChange[];
  row: Omit<IncidentListRow, 'recordId'>;
}

const schema = new Schema<IncidentEventDoc>(
  {
    _id: { type: Number, required: true },
    at: { type: Date, required: true },
    recordId: { type: String, required: true },
    incidentId: { type: String, required: true },
    seq: { type: Number, required: true },
    changes: { type: [String], required: true },
    row: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'incident_events', versionKey: false, minimize: false },
);

export const IncidentEventModel: Model<IncidentEventDoc> =
  (models.IncidentEvent as Model<IncidentEventDoc> | undefined) ?? model<IncidentEventDoc>('IncidentEvent', schema);

/** The newest event's id, or 0 (a scan on FerretDB: called once when a process starts). */
export async function latestIncidentEventId(): Promise<number> {
  const last = await IncidentEventModel.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean();
  return last?._id ?? 0;
}

export async function incidentEventExists(id: number): Promise<boolean> {
  return (await IncidentEventModel.findOne({ _id: id }, { _id: 1 }).lean()) !== null;
}

/**
 * Retention: removes changes older than `before`, except the newest event, which stays so
 * that writers keep numbering after it (they start at the highest id + 1) and readers at
 * that position keep waiting for the next. Readers that resume from a removed id get
 * "gone" and reload (api/incident-list/feed.ts). A scan on FerretDB: run it rarely.
 */
export async function pruneIncidentEvents(before: Date): Promise<number> {
  const latest = await latestIncidentEventId();
  const { deletedCount } = await IncidentEventModel.deleteMany({ _id: { $lt: latest }, at: { $lt: before } });
  return deletedCount;
}
