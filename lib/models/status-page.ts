import { model, models, Schema, type Model } from 'mongoose';
import type { PageIncidentRecord, PageUpdateRecord } from '../../domain/status-page/records';
import { isDuplicateKey } from '../mongo';

/**
 * The status pages' incidents and their updates. Every write is idempotent, keyed by ids
 * the caller chooses (the incident workflow derives them from its incident and step): an
 * incident is inserted once under its `_id`, an update once under its key, and a retried
 * activity or a replayed request changes nothing. Updates are their own documents (no
 * arrays grown in place: FerretDB's read-modify-write is not atomic). Instants are ISO
 * text, which sorts by time.
 */
type IncidentDoc = Omit<PageIncidentRecord, 'id' | 'updates'> & { _id: string };
type UpdateDoc = Omit<PageUpdateRecord, 'id'> & { _id: string; pageId: string; pageIncidentId: string };

const incidentSchema = new Schema<IncidentDoc>(
  {
    _id: { type: String, required: true },
    pageId: { type: String, required: true },
    incidentId: String,
    name: { type: String, required: true },
    status: { type: String, required: true },
    impact: { type: String, required: true },
    components: { type: Schema.Types.Mixed, required: true },
    held: { type: Boolean, required: true },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
    monitoringAt: String,
    resolvedAt: String,
  },
  { collection: 'status_page_incidents', versionKey: false, minimize: false },
);
incidentSchema.index({ pageId: 1, createdAt: -1 });
incidentSchema.index({ incidentId: 1, createdAt: -1 });

const updateSchema = new Schema<UpdateDoc>(
  {
    _id: { type: String, required: true },
    pageId: { type: String, required: true },
    pageIncidentId: { type: String, required: true },
    status: { type: String, required: true },
    body: { type: String, required: true },
    createdAt: { type: String, required: true },
    displayAt: { type: String, required: true },
    components: Schema.Types.Mixed,
    by: { type: String, required: true },
  },
  { collection: 'status_page_updates', versionKey: false, minimize: false },
);
updateSchema.index({ pageId: 1, pageIncidentId: 1 });

const IncidentModel: Model<IncidentDoc> =
  (models.StatusPageIncident as Model<IncidentDoc> | undefined) ??
  model<IncidentDoc>('StatusPageIncident', incidentSchema);
const UpdateModel: Model<UpdateDoc> =
  (models.StatusPageUpdate as Model<UpdateDoc> | undefined) ?? model<UpdateDoc>('StatusPageUpdate', updateSchema);

/** Inserts once: false when a document with that `_id` already exists. */
async function insertOnce<T>(m: Model<T>, doc: T): Promise<boolean> {
  try {
    await m.create(doc);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

export type IncidentFields = Omit<PageIncidentRecord, 'updates'>;
export type IncidentPatch = Partial<
  Pick<
    PageIncidentRecord,
    'name' | 'status' | 'impact' | 'components' | 'held' | 'updatedAt' | 'monitoringAt' | 'resolvedAt'
  >
>;

function toRecord(doc: IncidentDoc, updates: readonly UpdateDoc[]): PageIncidentRecord {
  const { _id, ...rest } = doc;
  const own = updates
    .map(({ _id: id, pageId: _p, pageIncidentId: _i, ...u }) => ({ id, ...u }))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return { id: _id, ...rest, updates: own };
}

/** Each incident with its own updates (grouped once: a page's history has thousands). */
function toRecords(docs: IncidentDoc[], updates: UpdateDoc[]): PageIncidentRecord[] {
  const byIncident = new Map<string, UpdateDoc[]>();
  for (const u of updates) {
    const list = byIncident.get(u.pageIncidentId);
    if (list) list.push(u);
    else byIncident.set(u.pageIncidentId, [u]);
  }
  return docs.map((d) => toRecord(d, byIncident.get(d._id) ?? []));
}

export interface StatusPageStore {
  /**
   * The page's incidents created since `sinceIso` or still unresolved, each with its
   * updates; with `updates`, only the unresolved, those created since `updates.sinceIso` and
   * the `updates.newest` newest carry theirs (the others' are left empty: history bars
   * need none, and reading them all costs seconds).
   */
  incidents(
    pageId: string,
    sinceIso: string,
    updates?: { sinceIso: string; newest: number },
  ): Promise<PageIncidentRecord[]>;
  incident(pageId: string, id: string): Promise<PageIncidentRecord | undefined>;
  /** Inserts the incident and its first update once; false when it existed. */
  create(fields: IncidentFields, first: PageUpdateRecord): Promise<boolean>;
  /**
   * Sets the patch, then inserts the update once (in this order, so a retry after a crash
   * between them still sets the patch); false when the update existed.
   */
  addUpdate(pageId: string, id: string, patch: IncidentPatch, update: PageUpdateRecord): Promise<boolean>;
  patch(pageId: string, id: string, patch: IncidentPatch): Promise<void>;
  /** The page's latest incident that follows this Vigil incident (its current run's). */
  latestFor(pageId: string, incidentId: string): Promise<PageIncidentRecord | undefined>;
  /** Every page's incidents that follow this Vigil incident, newest first. */
  forIncident(incidentId: string): Promise<PageIncidentRecord[]>;
  /** Replaces an update's text (a responder's correction). */
  editUpdate(pageId: string, updateId: string, body: string): Promise<void>;
}

export const mongoStatusPageStore: StatusPageStore = {
  async incidents(pageId, sinceIso, want) {
    const docs = await IncidentModel.find({
      pageId,
      $or: [{ createdAt: { $gte: sinceIso } }, { status: { $ne: 'resolved' } }],
    }).lean();
    const newest = [...docs].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)).slice(0, want?.newest ?? Infinity);
    const needed = new Set(newest.map((d) => d._id));
    for (const d of docs) if (!want || d.status !== 'resolved' || d.createdAt >= want.sinceIso) needed.add(d._id);
    const chosen = docs.filter((d) => needed.has(d._id));
    if (chosen.length === 0) return docs.map((d) => toRecord(d, []));
    // The page's updates since the oldest incident that needs them, not an $in of every id:
    // FerretDB checks an $in list per document, which costs seconds for a page's 90 days.
    const oldest = chosen.reduce((min, d) => (d.createdAt < min ? d.createdAt : min), chosen[0]!.createdAt);
    const updates = await UpdateModel.find({ pageId, createdAt: { $gte: oldest } }).lean();
    return toRecords(
      docs,
      updates.filter((u) => needed.has(u.pageIncidentId)),
    );
  },
  async incident(pageId, id) {
    const doc = await IncidentModel.findOne({ _id: id, pageId }).lean();
    if (!doc) return undefined;
    return toRecord(doc, await UpdateModel.find({ pageId, pageIncidentId: id }).lean());
  },
  async create(fields, first) {
    const { id, ...rest } = fields;
    const created = await insertOnce(IncidentModel, { _id: id, ...rest });
    const { id: updateId, ...u } = first;
    await insertOnce(UpdateModel, { _id: updateId, pageId: fields.pageId, pageIncidentId: id, ...u });
    return created;
  },
  async addUpdate(pageId, id, patch, update) {
    await IncidentModel.updateOne({ _id: id, pageId }, { $set: patch });
    const { id: updateId, ...u } = update;
    return insertOnce(UpdateModel, { _id: updateId, pageId, pageIncidentId: id, ...u });
  },
  async patch(pageId, id, patch) {
    await IncidentModel.updateOne({ _id: id, pageId }, { $set: patch });
  },
  async latestFor(pageId, incidentId) {
    const doc = await IncidentModel.findOne({ pageId, incidentId }).sort({ createdAt: -1 }).lean();
    if (!doc) return undefined;
    return toRecord(doc, await UpdateModel.find({ pageId, pageIncidentId: doc._id }).lean());
  },
  async forIncident(incidentId) {
    const docs = await IncidentModel.find({ incidentId }).sort({ createdAt: -1 }).limit(50).lean();
    if (docs.length === 0) return [];
    const updates = await UpdateModel.find({ pageIncidentId: { $in: docs.map((d) => d._id) } }).lean();
    return toRecords(docs, updates);
  },
  async editUpdate(pageId, updateId, body) {
    await UpdateModel.updateOne({ _id: updateId, pageId }, { $set: { body } });
  },
};
