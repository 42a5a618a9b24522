/**
 * Incident numbers against real FerretDB: a storm of new incidents in two worker processes
 * (two allocators, as two workers would have) gets distinct numbers, a retried incident
 * keeps its number, and nothing is retried O(n^2) times.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { numberAllocator } from '../../activities/incident-number';
import { createLogger } from '../../lib/logger';
import { IncidentNumberModel } from '../../lib/models/incident-number';

beforeAll(async () => {
  const { mongoUri } = inject('servers');
  await mongoose.connect(`${mongoUri.replace(/\/$/, '')}/vigil_numbers_${randomBytes(3).toString('hex')}`);
  await IncidentNumberModel.init();
});
afterAll(async () => {
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
});

it('gives every incident one number of its own, across two processes and retries', async () => {
  const log = createLogger({ level: 'silent', name: 'test' });
  const workers = [numberAllocator(log), numberAllocator(log)];
  const keys = Array.from({ length: 120 }, (_, i) => `incident-${i}:run`);
  // Each key asked for twice (a retry), by both "processes", all at once.
  const asks = keys.flatMap((key, i) => [
    { key, take: workers[i % 2]! },
    { key, take: workers[(i + 1) % 2]! },
  ]);
  const got = await Promise.all(asks.map(async ({ key, take }) => ({ key, n: await take(key) })));
  const byKey = new Map<string, Set<number>>();
  for (const { key, n } of got) byKey.set(key, new Set([...(byKey.get(key) ?? []), n]));
  for (const [key, ns] of byKey) expect([...ns], key).toHaveLength(1);
  const numbers = [...byKey.values()].map((ns) => [...ns][0]!);
  expect(new Set(numbers).size).toBe(keys.length);
  expect(Math.min(...numbers)).toBe(1);
  const stored = await IncidentNumberModel.find({}).lean();
  expect(stored).toHaveLength(keys.length);
  // A later incident in either process follows on.
  expect(await workers[0]!('incident-late:run')).toBe(keys.length + 1);
}, 60_000);

it('a first ask is inserted without a lookup, and still keeps a number the incident already has', async () => {
  const log = createLogger({ level: 'silent', name: 'test' });
  const take = numberAllocator(log);
  const before = await take('first-ask-a:run');
  const finds: string[] = [];
  const find = IncidentNumberModel.find.bind(IncidentNumberModel);
  const spy = (filter: object) => {
    finds.push(JSON.stringify(filter));
    return find(filter);
  };
  (IncidentNumberModel as unknown as { find: typeof spy }).find = spy;
  try {
    expect(await take('first-ask-b:run', { firstAsk: true })).toBe(before + 1);
    expect(finds).toEqual([]);
    // Told "first ask" wrongly (a later run of the same incident): the insert clashes, the next round finds it.
    expect(await take('first-ask-a:run', { firstAsk: true })).toBe(before);
    expect(finds.length).toBeGreaterThan(0);
  } finally {
    (IncidentNumberModel as unknown as { find: typeof find }).find = find;
  }
  // The clash left no gap: the next number follows on.
  expect(await take('first-ask-c:run', { firstAsk: true })).toBe(before + 2);
}, 60_000);
