/**
 * The Temporal dev server SIGKILLed mid-escalation and started again on its SQLite file:
 * 50 incidents on a two-level policy, killed once at least half have had their level-1
 * page and before their level-2 timers are due. Whatever the server had committed survives
 * on the file; the worker and API reconnect by themselves. Every incident then has its
 * level-1 and level-2 page, each exactly once.
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
  sleep,
  startFaultStack,
  until,
  type FaultStack,
} from './fault-stack';

const SERVICE = 'escalate';
const TOTAL = 50;
/** Policy minutes (= seconds here) from level 1 to level 2: beyond the kill and restart. */
const LEVEL_MINUTES = 45;
let f: FaultStack;

beforeAll(async () => {
  f = await startFaultStack({
    name: 'temporal',
    policies: {
      [SERVICE]: {
        levels: [
          { user: 'first', minutes: LEVEL_MINUTES },
          { user: 'second', minutes: 1 },
        ],
      },
    },
  });
});
afterAll(async () => f?.stop());

describe('the Temporal dev server killed and restarted mid-escalation', () => {
  it(`${TOTAL} incidents: every level pages exactly once`, async () => {
    const stream = alertStream(f, SERVICE, { prefix: 'temporal', total: TOTAL, clients: 4, pauseMs: 100 });
    const keys = await stream.done;
    const runs = await runsOf(f, SERVICE, keys);
    await until('half the level-1 pages', () => (pageKeys(f, SERVICE).size >= TOTAL / 2 ? true : undefined), 180_000);
    const atKill = [...pageKeys(f, SERVICE)];
    const level2AtKill = atKill.filter((k) => k.endsWith(':second:hook')).length;
    expect(level2AtKill, 'level-2 pages sent before the kill: not mid-escalation').toBeLessThan(TOTAL);
    await f.stack.killTemporal();
    await sleep(3000);
    await f.stack.startTemporal();

    const demanded = demandedKeys(f, SERVICE, runs);
    expect(demanded.size).toBe(2 * TOTAL);
    const paged = await awaitPages(f, SERVICE, demanded, 240_000);
    expect(paged).toEqual(demanded);
    expect(stream.refusals().size, 'alerts refused before the kill').toBe(0);
    expect(badSignatures(f)).toBe(0);
    report(f, 'Temporal restarted', stream.answers, {
      'pages before the kill': atKill.length,
      'level-2 before the kill': level2AtKill,
    });
  });
});
