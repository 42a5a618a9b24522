/**
 * FerretDB (the store: configuration and read model) stopped during an ingest stream, for
 * FAULT_STORE_OUTAGE_MS (default 60 s). Ingest needs only Temporal, so every alert is still
 * answered, 202 or 503 with Retry-After, never a 500 and never left hanging; a 503 is sent
 * again by its sender. Paging waits for the configuration and picks up once the store is
 * back; the read model catches up to each workflow's state. Every incident pages once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertStream,
  awaitPages,
  awaitReadModel,
  badSignatures,
  demandedKeys,
  report,
  runsOf,
  sleep,
  startFaultStack,
  until,
  type FaultStack,
} from './fault-stack';

const OUTAGE_MS = Number(process.env.FAULT_STORE_OUTAGE_MS ?? 60_000);
const SERVICE = 'store';
const TOTAL = 50;
let f: FaultStack;

beforeAll(async () => {
  f = await startFaultStack({ name: 'store', policies: { [SERVICE]: { levels: [{ user: 'pager', minutes: 1 }] } } });
});
afterAll(async () => f?.stop());

describe(`FerretDB stopped for ${OUTAGE_MS / 1000} s during an ingest stream`, () => {
  it('answers 202 or 503 throughout; every 202 has its incident, paged once; the read model catches up', async () => {
    // About one alert a second from two senders: the stream spans the outage.
    const stream = alertStream(f, SERVICE, { prefix: 'store', total: TOTAL, clients: 2, pauseMs: 1500 });
    await until(
      '5 alerts accepted before the outage',
      () => (stream.accepted().length >= 5 ? true : undefined),
      60_000,
    );
    await f.stack.killFerret();
    const acceptedBefore = stream.accepted().length;
    await sleep(OUTAGE_MS);
    const acceptedDuring = stream.accepted().length - acceptedBefore;
    await f.stack.startFerret();

    const keys = await stream.done;
    expect(keys).toHaveLength(TOTAL);
    expect(
      [...stream.refusals()].filter((s) => s !== 503),
      'answers other than 202 and 503',
    ).toEqual([]);
    expect(acceptedDuring, 'alerts accepted while the store was down').toBeGreaterThan(0);
    const runs = await runsOf(f, SERVICE, keys);
    const demanded = demandedKeys(f, SERVICE, runs);
    expect(demanded.size).toBe(TOTAL);
    const paged = await awaitPages(f, SERVICE, demanded, 240_000);
    expect(paged).toEqual(demanded);
    // The pages moved each run on: read its final seq again before comparing with the store.
    await awaitReadModel(f, await runsOf(f, SERVICE, keys), 120_000);
    expect(badSignatures(f)).toBe(0);
    report(f, 'FerretDB stopped', stream.answers, { 'accepted during the outage': acceptedDuring });
  });
});
