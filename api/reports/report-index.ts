/**
 * Every incident's report document in memory, as the incident list holds its rows (and for
 * the same reason: FerretDB's SQLite backend scans and decodes a whole collection for any
 * filter but `_id` equality, so a report over 100,000 incidents cannot read them per
 * request). Loaded once, then kept current by the shared incident feed: each event names a
 * record whose report is re-read by `_id`. Nothing here is a source of truth.
 */
import type { IncidentState } from '../../domain/incident/incident';
import { reportFieldsOf } from '../../domain/report/from-incident';
import type { Logger } from '../../lib/logger';
import { IncidentRecordModel } from '../../lib/models/incident-record';
import { IncidentReportModel, type IncidentReportDoc } from '../../lib/models/incident-report';
import type { IncidentFeed } from '../incident-list/feed';

export interface ReportSource {
  all(): Promise<IncidentReportDoc[]>;
  get(recordId: string): Promise<IncidentReportDoc | undefined>;
}

export interface ReportIndex {
  /** Every incident's report document (read-only views). */
  docs(): Iterable<IncidentReportDoc>;
  size(): number;
  /** Resolves once loaded and following the feed; rejects if loading failed (the next call retries). */
  ready(): Promise<void>;
}

/** From MongoDB; a read model projected before report documents existed is derived from its records once. */
export const mongoReportSource: ReportSource = {
  async all() {
    const docs = await IncidentReportModel.find({}).lean();
    if (docs.length > 0) return docs;
    const records = await IncidentRecordModel.find({}).lean();
    return records.map((r) => fromRecord(r as unknown as IncidentState, r._id));
  },
  async get(recordId) {
    return (await IncidentReportModel.findOne({ _id: recordId }).lean()) ?? undefined;
  },
};

function fromRecord(state: IncidentState, recordId: string): IncidentReportDoc {
  const { incidentId, service, severity, seq } = state;
  return { _id: recordId, incidentId, service, severity, seq, report: reportFieldsOf(state) };
}

export function createReportIndex(opts: {
  feed: IncidentFeed;
  /** The incident list's loading: the feed starts following once it is done. */
  feedReady: () => Promise<void>;
  log: Logger;
  source?: ReportSource;
}): ReportIndex {
  const source = opts.source ?? mongoReportSource;
  const byId = new Map<string, IncidentReportDoc>();
  const put = (doc: IncidentReportDoc) => {
    const held = byId.get(doc._id);
    if (!held || held.seq < doc.seq) byId.set(doc._id, doc);
  };
  // One re-read per record at a time, in feed order; a failed read is logged, the next event retries.
  let chain = Promise.resolve();
  const refresh = (recordId: string) => {
    chain = chain
      .then(() => source.get(recordId))
      .then((doc) => doc && put(doc))
      .catch((err: unknown) => opts.log.warn({ err, recordId }, 'incident report re-read failed'));
  };
  let loading: Promise<void> | undefined;
  const load = async () => {
    // Follow first: a report written while loading is then re-read, never missed.
    const unsubscribe = opts.feed.subscribe((e) => refresh(e.row.recordId));
    try {
      for (const doc of await source.all()) put(doc);
      await opts.feedReady();
    } catch (err) {
      unsubscribe();
      throw err;
    }
    await chain;
    opts.log.info({ incidents: byId.size }, 'incident reports loaded');
  };
  return {
    docs: () => byId.values(),
    size: () => byId.size,
    ready() {
      loading ??= load().catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
      return loading;
    },
  };
}
