/**
 * Recovery of a page in flight when the worker sending it dies. The receiver (the sink)
 * holds the first delivery of an incident on the "hold" policy, so the send is mid-request
 * when the worker is SIGKILLed; the figure is the time from the kill to the same page
 * arriving again. Vigil's sends heartbeat (activities/notify), so with a second worker on
 * the same task queues the page goes again once the heartbeat timeout notices the death;
 * a bare activity without heartbeat waits out its start-to-close timeout.
 */
import { BARE_TASK_QUEUE } from './bare/worker';
import type { Bench } from './context';
import { acknowledgeAll, freshKey } from './scenarios';
import { poll, sleep } from './stats';

export interface Failover {
  /** ms from the SIGKILL to the page's second attempt reaching the receiver (Infinity: never). */
  resentMs: number;
  /** Which worker held the send (0 or 1). */
  killed: number;
}

/** The pid in a Temporal worker identity ("pid@host", the SDK's default). */
const pidOf = (identity: string | null | undefined) => Number(/^(\d+)@/.exec(identity ?? '')?.[1] ?? NaN);

/** Which of the stack's workers has the incident's page send in flight, from the server's view. */
async function sendingWorker(b: Bench, incidentId: string): Promise<number> {
  let seen = 'nothing pending';
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
    const desc = await b.client.workflow.getHandle(incidentId).describe();
    const pending = desc.raw.pendingActivities ?? [];
    const send = pending.find((a) => a.activityType?.name === 'sendNotification');
    const i = b.stack.workerIndexOf(pidOf(send?.lastWorkerIdentity));
    if (i !== undefined) return i;
    seen = pending.map((a) => `${a.activityType?.name} ${a.state} ${a.lastWorkerIdentity}`).join('; ') || seen;
  }
  throw new Error(`failover: no worker of this stack holds the send (${seen})`);
}

/**
 * Two workers on the same task queues; the one the held send runs on is SIGKILLed (found by
 * the server's record of the activity's worker). Afterwards worker 0 runs alone again, as
 * the later phases expect.
 */
export async function failover(b: Bench): Promise<Failover> {
  await b.stack.startWorker(1);
  try {
    // The "hold" policy pages only the user "holder": the sink holds their first delivery.
    b.sink.answer({ match: (d) => d.target === 'holder', answers: ['hold'] });
    const r = await b.alert('hold', freshKey('hold'));
    const id = r.incidentId ?? '';
    const ofIncident = () => b.sink.deliveries.filter((d) => d.key.startsWith(`${id}:`));
    if (!(await poll(() => ofIncident()[0], 120_000))) throw new Error('failover: the page never reached the sink');
    const killed = await sendingWorker(b, id);
    const killedAt = Date.now();
    await b.stack.killWorker(killed);
    const again = await poll(() => ofIncident()[1], 120_000, 20);
    await acknowledgeAll(b, [id]);
    return { resentMs: again ? again.receivedAt - killedAt : Infinity, killed };
  } finally {
    // Worker 0 alone again, whatever happened.
    if (!b.stack.worker(0)) await b.stack.startWorker(0);
    await b.stack.killWorker(1);
  }
}

/** The same with a bare workflow whose activity has no heartbeat; the baseline worker restarts. */
export async function bareRecovery(b: Bench): Promise<number> {
  const key = freshKey('bare-hold');
  b.sink.answer({ match: (d) => d.key === key, answers: ['hold'] });
  await b.client.workflow.start('oneActivityWorkflow', {
    workflowId: key,
    taskQueue: BARE_TASK_QUEUE,
    args: [b.sink.url('bare-hold'), key],
  });
  await poll(() => b.sink.deliveries.find((d) => d.key === key), 60_000);
  const killedAt = Date.now();
  await b.restartBare();
  const again = await poll(() => b.sink.deliveries.filter((d) => d.key === key)[1], 120_000, 20);
  return again ? again.receivedAt - killedAt : Infinity;
}
