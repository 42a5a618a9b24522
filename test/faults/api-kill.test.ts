/**
 * The API SIGKILLed during an ingest stream. An alert is answered 202 only once Temporal
 * has its signal, so every 202 must have its incident; an alert caught by the kill gets no
 * answer and its sender sends it again once the API is back, as a monitoring system would
 * (same dedup key: the same incident, never a second one). Each incident pages exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertStream,
  awaitPages,
  badSignatures,
  demandedKeys,
  report,
  runsOf,
  sleep,
  startFaultStack,
  until,
  type FaultStack,
} from './fault-stack';

const SERVICE = 'ingest';
const TOTAL = 40;
let f: FaultStack;

beforeAll(async () => {
  f = await startFaultStack({ name: 'api', policies: { [SERVICE]: { levels: [{ user: 'pager', minutes: 1 }] } } });
});
afterAll(async () => f?.stop());

describe('the API SIGKILLed during an ingest stream', () => {
  it('every alert answered 202 has its incident; every incident pages once', async () => {
    const stream = alertStream(f, SERVICE, { prefix: 'api-kill', total: TOTAL, clients: 4, pauseMs: 200 });
    await until(
      '10 alerts accepted before the kill',
      () => (stream.accepted().length >= 10 ? true : undefined),
      60_000,
    );
    await f.stack.killApi();
    const acceptedBeforeKill = stream.accepted();
    await sleep(2000); // the senders meet a closed port meanwhile
    await f.stack.startApi();
    // Every 202 given before the kill has its incident: the workflow answers a query.
    const before = await runsOf(f, SERVICE, acceptedBeforeKill);
    expect(before).toHaveLength(acceptedBeforeKill.length);

    const keys = await stream.done;
    expect(keys).toHaveLength(TOTAL);
    // No answer (the kill) or 202; 503 at most while the new API connects: never a 4xx or 500.
    expect([...stream.refusals()].filter((s) => s !== 0 && s !== 503)).toEqual([]);
    const runs = await runsOf(f, SERVICE, keys);
    const demanded = demandedKeys(f, SERVICE, runs);
    expect(demanded.size).toBe(TOTAL);
    const paged = await awaitPages(f, SERVICE, demanded, 180_000);
    expect(paged).toEqual(demanded);
    expect(badSignatures(f)).toBe(0);
    report(f, 'API SIGKILL', stream.answers, { 'accepted before the kill': acceptedBeforeKill.length });
  });
});
