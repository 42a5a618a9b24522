/**
 * Two workers on the same task queues (the scale-out setup), one SIGKILLed while pages are
 * in flight: the receiver answers each page after 1.5 s, so the dead worker holds sends and
 * cached workflows. Its sends are retried by the survivor once their 5 s heartbeat times
 * out, its workflows resume there from history. Every page of every incident exactly once
 * (a re-sent page carries the same key: the receiver dedups it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertStream,
  awaitPages,
  badSignatures,
  demandedKeys,
  pageKeys,
  report,
  runsOf,
  startFaultStack,
  until,
  type FaultStack,
} from './fault-stack';

const SERVICE = 'pair';
const TOTAL = 30;
let f: FaultStack;

beforeAll(async () => {
  f = await startFaultStack({
    name: 'workers',
    workers: 2,
    policies: {
      [SERVICE]: {
        levels: [
          { user: 'first', minutes: 15 },
          { user: 'second', minutes: 1 },
        ],
      },
    },
  });
});
afterAll(async () => f?.stop());

describe('two workers on the same task queues, one SIGKILLed', () => {
  it('nothing lost, nothing doubled', async () => {
    f.sink.answer({ match: () => true, answers: Array(1000).fill({ status: 200, afterMs: 1500 }) });
    const stream = alertStream(f, SERVICE, { prefix: 'pair', total: TOTAL, clients: 3, pauseMs: 300 });
    await until('10 level-1 pages', () => (pageKeys(f, SERVICE).size >= 10 ? true : undefined), 120_000);
    const pagesAtKill = pageKeys(f, SERVICE).size;
    await f.stack.killWorker(1);
    const keys = await stream.done;
    const runs = await runsOf(f, SERVICE, keys);
    const demanded = demandedKeys(f, SERVICE, runs);
    expect(demanded.size).toBe(2 * TOTAL);
    const paged = await awaitPages(f, SERVICE, demanded, 240_000);
    expect(paged).toEqual(demanded);
    expect(stream.refusals().size).toBe(0);
    expect(badSignatures(f)).toBe(0);
    report(f, 'one of two workers SIGKILLed', stream.answers, { 'pages before the kill': pagesAtKill });
  });
});
