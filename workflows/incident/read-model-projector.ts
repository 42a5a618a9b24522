/**
 * Keeps the MongoDB read model at the newest state: whenever `seq` moves past what the
 * store holds, write the current state. The write is idempotent and order-safe, and its
 * activity retries until MongoDB is back; the incident ends only once the last state is in.
 *
 * Writes are coalesced: after a change the projector waits PROJECTION_DEBOUNCE before it
 * writes, so what one moment brings (the alert, the page, its delivery, the number) is one
 * upsert, not one each, and the first write does not compete with the first page for the
 * worker and the store. A resolution is written at once (the incident ends on it). A new
 * incident's first write waits for its number instead (patch `first-write-with-number`).
 */
import { condition, sleep } from '@temporalio/workflow';
import { store } from './activity-stubs';
import { numberSettled } from './preparation';
import type { IncidentRun } from './incident-run';

/** How long changes gather before they are written: the read model lags the workflow by at most this plus a write. */
export const PROJECTION_DEBOUNCE = '1 second';

export async function projectReadModel(run: IncidentRun): Promise<void> {
  // Histories recorded before the debounce wrote after every change: they replay without its timers.
  const debounced = run.patched('read-model-debounce');
  // The first write of a new incident waits for its number instead of a timer: the number
  // comes right after the first page, and the write goes out with it, one workflow task
  // and one timer fewer per incident. Runs from before gather a second first.
  let first = run.patched('first-write-with-number');
  for (;;) {
    await condition(() => run.state.seq > run.projectedSeq);
    if (first && !numberSettled(run)) await condition(() => numberSettled(run) || run.state.status === 'resolved');
    else if (debounced) await gather(run);
    first = false;
    const snapshot = run.state;
    await store.upsertIncidentRecord({ state: snapshot });
    run.projectedSeq = snapshot.seq;
  }
}

/**
 * Waits PROJECTION_DEBOUNCE, or less if the incident resolves meanwhile. A resolution no longer
 * cancels the short timer: it is left to fire. A cancel that meets the timer's own firing in one
 * workflow task is harmless on a Temporal server, but the time-skipping test server refuses that
 * task and never hands the run another (temporalio/sdk-java#2606, #3088), and with a one-second
 * timer the two meet whenever a task takes a second. Histories from before keep their cancel.
 */
async function gather(run: IncidentRun): Promise<void> {
  const resolved = () => run.state.status === 'resolved';
  if (!run.patched('read-model-debounce-timer-kept')) {
    await condition(resolved, PROJECTION_DEBOUNCE);
    return;
  }
  if (resolved()) return;
  let elapsed = false;
  void sleep(PROJECTION_DEBOUNCE).then(
    () => (elapsed = true),
    () => (elapsed = true), // the run was cancelled: write what it has
  );
  await condition(() => elapsed || resolved());
}
