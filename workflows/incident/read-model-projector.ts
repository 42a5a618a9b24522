/**
 * Keeps the MongoDB read model at the newest state: whenever `seq` moves past what the
 * store holds, write the current state. The write is idempotent and order-safe, and its
 * activity retries until MongoDB is back; the incident ends only once the last state is in.
 */
import { condition } from '@temporalio/workflow';
import { store } from './activity-stubs';
import type { IncidentRun } from './incident-run';

export async function projectReadModel(run: IncidentRun): Promise<void> {
  for (;;) {
    await condition(() => run.state.seq > run.projectedSeq);
    const snapshot = run.state;
    await store.upsertIncidentRecord({ state: snapshot });
    run.projectedSeq = snapshot.seq;
  }
}
