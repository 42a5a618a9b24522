import { IncidentRecordModel, incidentRecordId } from '../lib/models/incident-record';
import type { Logger } from '../lib/logger';
import type { IncidentState } from '../domain/incident/incident';

const DUPLICATE_KEY = 11000;

export function createStoreActivities(deps: { log: Logger }) {
  return {
    /**
     * Writes the incident's read model. Idempotent and order-safe: the document is only
     * replaced by a state with a higher `seq`, so a retried or late write never rolls it
     * back. Retries (profile "persist"): unlimited with backoff up to 1 minute, so the
     * projection catches up after a MongoDB outage. Returns whether it wrote.
     */
    async upsertIncidentRecord(input: { state: IncidentState }): Promise<{ written: boolean }> {
      const { state } = input;
      const _id = incidentRecordId(state);
      try {
        const res = await IncidentRecordModel.updateOne(
          { _id, seq: { $lt: state.seq } },
          { $set: { ...state, updatedAt: new Date() } },
          { upsert: true },
        );
        return { written: res.modifiedCount + res.upsertedCount > 0 };
      } catch (err) {
        // The filter missed because a newer seq is stored, so the upsert tried a second
        // insert of the same _id: the read model is already ahead of this write.
        if ((err as { code?: number }).code === DUPLICATE_KEY) {
          deps.log.debug({ incidentId: state.incidentId, seq: state.seq }, 'stale incident projection skipped');
          return { written: false };
        }
        throw err;
      }
    },
  };
}

export type StoreActivities = ReturnType<typeof createStoreActivities>;
