import { IncidentRecordModel, incidentRecordId } from '../lib/models/incident-record';
import { docFromRow, IncidentRowModel, rowFromDoc } from '../lib/models/incident-row';
import type { IncidentEventDoc } from '../lib/models/incident-event';
import type { Logger } from '../lib/logger';
import type { IncidentState } from '../domain/incident/incident';
import { rowChanges, toListRow } from '../domain/incident/list-row';
import { reportFieldsOf } from '../domain/report/from-incident';
import { IncidentReportModel } from '../lib/models/incident-report';
import { countTransitions, runbookRunsOf, type IncidentMeterMetrics } from './incident-meter';
import { createFeedAppender, mongoIncidentFeed, type FeedStore } from './event-feed';
import { isDuplicateKey } from '../lib/mongo';

/** Upserts `doc` over a lower `seq` only; false when the stored one is as new or newer. */
async function upsertNewer(
  model: typeof IncidentRecordModel | typeof IncidentRowModel | typeof IncidentReportModel,
  _id: string,
  seq: number,
  doc: object,
): Promise<boolean> {
  try {
    const res = await (model as typeof IncidentRecordModel).updateOne(
      { _id, seq: { $lt: seq } },
      { $set: doc },
      { upsert: true },
    );
    return res.modifiedCount + res.upsertedCount > 0;
  } catch (err) {
    // The filter missed because a newer seq is stored, so the upsert tried a second
    // insert of the same _id: the read model is already ahead of this write.
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function createStoreActivities(deps: {
  log: Logger;
  feed?: FeedStore<Omit<IncidentEventDoc, '_id'>>;
  /** Incident transitions counted as the projection first shows them; absent: not counted. */
  metrics?: IncidentMeterMetrics;
}) {
  const appendEvent = createFeedAppender(deps.feed ?? mongoIncidentFeed);

  /**
   * The list row and, when something a list shows changed, an event on the incident feed.
   * The event goes first: a retry after a crash between the two repeats the event (readers
   * apply rows by `seq`, so a repeat is harmless) rather than losing it.
   */
  async function projectRow(state: IncidentState, recordId: string, reportChanged: boolean): Promise<void> {
    const prevDoc = await IncidentRowModel.findOne({ _id: recordId }).lean();
    const prev = prevDoc ? rowFromDoc(prevDoc) : undefined;
    if (prev && prev.seq >= state.seq) return;
    const row = toListRow(state, recordId);
    const listed = rowChanges(prev, row);
    // A change only reports see (an SLA breach) still goes on the feed: API replicas re-read the report by it.
    const changes = listed.length === 0 && reportChanged ? (['updated'] as const) : listed;
    if (changes.length > 0) {
      const { recordId: _r, ...rowData } = row;
      await appendEvent({
        at: new Date(),
        recordId,
        incidentId: state.incidentId,
        seq: state.seq,
        changes: [...changes],
        row: rowData,
      });
    }
    await upsertNewer(IncidentRowModel, recordId, state.seq, docFromRow(row));
  }

  /**
   * The report document, written before the feed event so a replica that follows the feed
   * finds it. Whether its fields changed (a retry after a crash here sees them unchanged and
   * may skip a breach-only feed event; the next change of the incident carries it).
   */
  async function projectReport(state: IncidentState, recordId: string): Promise<boolean> {
    const prev = await IncidentReportModel.findOne({ _id: recordId }).lean();
    if (prev && prev.seq >= state.seq) return false;
    const { incidentId, service, severity, seq } = state;
    const doc = {
      incidentId,
      service,
      severity,
      seq,
      report: reportFieldsOf(state),
      runbookRuns: runbookRunsOf(state),
    };
    if (!(await upsertNewer(IncidentReportModel, recordId, seq, doc))) return false;
    if (deps.metrics) countTransitions(deps.metrics, prev ?? undefined, doc);
    return (
      !prev || prev.service !== doc.service || prev.severity !== doc.severity || !sameJson(prev.report, doc.report)
    );
  }

  return {
    /**
     * Writes the incident's read model: the full record, its report document, its list row and the incident
     * feed (lib/models/incident-event.ts). Idempotent and order-safe: records and rows are
     * only replaced by a state with a higher `seq`, so a retried or late write never rolls
     * them back. Retries (profile "persist"): unlimited with backoff up to 1 minute, so
     * the projection catches up after a MongoDB outage. Returns whether the record was written.
     */
    async upsertIncidentRecord(input: { state: IncidentState }): Promise<{ written: boolean }> {
      const { state } = input;
      const _id = incidentRecordId(state);
      const written = await upsertNewer(IncidentRecordModel, _id, state.seq, { ...state, updatedAt: new Date() });
      if (!written)
        deps.log.debug({ incidentId: state.incidentId, seq: state.seq }, 'stale incident projection skipped');
      await projectRow(state, _id, await projectReport(state, _id));
      return { written };
    },
  };
}

export type StoreActivities = ReturnType<typeof createStoreActivities>;
