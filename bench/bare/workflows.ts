/**
 * Baseline workflows for `npm run bench`: the least Temporal can do for each thing Vigil
 * does, on the same server in the same run, so Vigil's figures have something to stand beside.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createBareActivities } from './activities';

const { post } = proxyActivities<ReturnType<typeof createBareActivities>>({ startToCloseTimeout: '30 seconds' });

/** What signalWithStart starts when nothing else matters: returns at once. */
export async function noopWorkflow(): Promise<void> {}

/**
 * Starts and runs one activity: a signed POST to the webhook sink, like one page. With the
 * SDK's defaults and no heartbeat, a worker dying mid-send is noticed at startToClose.
 */
export async function oneActivityWorkflow(url: string, key: string): Promise<void> {
  await post({ url, key });
}

/** A timer, then that POST carrying when the timer was due (workflow time): the lateness of a bare timer. */
export async function timerWorkflow(url: string, key: string, delayMs: number): Promise<void> {
  const due = Date.now() + delayMs;
  await sleep(delayMs);
  await post({ url, key, dueAt: due });
}
