/**
 * Retention of the incident feed against real FerretDB: old changes go, recent ones and
 * the newest stay, and a writer that starts afresh numbers after the newest.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createFeedAppender, mongoIncidentFeed } from '../../activities/event-feed';
import { IncidentEventModel, pruneIncidentEvents } from '../../lib/models/incident-event';

beforeAll(async () => {
  const { mongoUri } = inject('servers');
  await mongoose.connect(`${mongoUri.replace(/\/$/, '')}/vigil_feed_${randomBytes(3).toString('hex')}`);
});
afterAll(async () => {
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
});

const change = (at: Date, n: number) => ({
  at,
  recordId: `rec-${n}`,
  incidentId: `inc-${n}`,
  seq: 1,
  changes: ['state' as const],
  row: {} as never,
});

it('removes changes older than the retention but never the newest, and numbering goes on after it', async () => {
  const day = 86_400_000;
  const now = Date.now();
  const append = createFeedAppender(mongoIncidentFeed);
  // Ids 1-3 are eight days old, 4 is an hour old, 5 (the newest) is old again.
  for (const [n, age] of [8 * day, 8 * day, 8 * day, 3_600_000, 8 * day].entries())
    await append(change(new Date(now - age), n));

  expect(await pruneIncidentEvents(new Date(now - 7 * day))).toBe(3);
  const left = (await IncidentEventModel.find({}, { _id: 1 }).lean()).map((d) => d._id).sort();
  expect(left).toEqual([4, 5]);

  const fresh = createFeedAppender(mongoIncidentFeed); // another process, started after the sweep
  expect(await fresh(change(new Date(), 6))).toBe(6);
  // 5 is no longer the newest: the next sweep takes it.
  expect(await pruneIncidentEvents(new Date(now - 7 * day))).toBe(1);
  expect((await IncidentEventModel.find({}, { _id: 1 }).lean()).map((d) => d._id).sort()).toEqual([4, 6]);
});
