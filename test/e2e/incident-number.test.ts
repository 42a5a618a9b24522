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
