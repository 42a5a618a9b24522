import { describe, expect, it } from 'vitest';
import { createFeedAppender, firstFreeAfter, type FeedStore } from '../../activities/event-feed';
import { createIncidentFeed, type FeedEvent } from '../../api/incident-list/feed';
import { createLogger } from '../../lib/logger';
import { rowChanges, toListRow } from '../../domain/incident/list-row';
import { openIncident, acknowledge, type IncidentState } from '../../domain/incident/incident';

/** A store shared by several "processes", with a random delay per call so they interleave. */
function sharedStore(): FeedStore<string> & { ids: Map<number, string> } {
  const ids = new Map<number, string>();
  const jitter = () => new Promise((r) => setTimeout(r, Math.random() * 3));
  return {
    ids,
    async insert(id, doc) {
      await jitter();
      if (ids.has(id)) return 'taken';
      ids.set(id, doc);
      return 'ok';
    },
    async exists(id) {
      await jitter();
      return ids.has(id);
    },
    async latest() {
      return Math.max(0, ...ids.keys());
    },
  };
}

describe('the dense incident feed', () => {
  it('finds the first free id after a taken one in O(log n) reads', async () => {
    const taken = new Set(Array.from({ length: 1000 }, (_, i) => i + 1));
    let reads = 0;
    const exists = async (id: number) => (reads++, taken.has(id));
    expect(await firstFreeAfter(exists, 1)).toBe(1001);
    expect(reads).toBeLessThan(25);
    expect(await firstFreeAfter(exists, 1000)).toBe(1001);
  });

  it('gives every event of several writers its own id, with no hole, each writer in order', async () => {
    const store = sharedStore();
    const writers = [createFeedAppender(store), createFeedAppender(store), createFeedAppender(store)];
    const got = await Promise.all(
      writers.flatMap((append, w) => Array.from({ length: 40 }, (_, i) => append(`w${w}-${i}`))),
    );
    expect(new Set(got).size).toBe(120);
    expect([...store.ids.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    for (let w = 0; w < 3; w++) {
      const mine = got.slice(w * 40, w * 40 + 40);
      expect(mine).toEqual([...mine].sort((a, b) => a - b)); // one process appends in call order
    }
  });

  it('replays from memory or the store after a Last-Event-ID, and says when it is too far behind', async () => {
    const events = new Map<number, FeedEvent>();
    const add = (id: number) =>
      events.set(id, { id, at: '', incidentId: `i${id}`, changes: ['new'], row: {} as FeedEvent['row'] });
    for (let i = 1; i <= 10; i++) add(i);
    const source = { latest: async () => events.size, get: async (id: number) => events.get(id) };
    const feed = createIncidentFeed(source, { log: createLogger({ level: 'silent', name: 't' }), buffer: 5 });
    const seen: number[] = [];
    feed.subscribe((e) => seen.push(e.id));
    feed.start(8);
    add(11);
    await feed.poll();
    feed.stop();
    expect(seen).toEqual([9, 10, 11]);
    expect((await feed.since(9))?.map((e) => e.id)).toEqual([10, 11]);
    expect((await feed.since(6))?.map((e) => e.id)).toEqual([7, 8, 9, 10, 11]); // 7, 8 read from the store
    expect(await feed.since(2)).toBeUndefined(); // more than the buffer behind
    events.delete(7);
    expect(await feed.since(6)).toBeUndefined(); // removed by retention
    expect(await feed.since(11)).toEqual([]);
  });
});

describe('list rows', () => {
  const opened = openIncident('incident-db-1', 'run-1', {
    source: 'prometheus',
    dedupKey: 'disk',
    service: 'db',
    summary: 'Disk full',
    severity: 'SEV2',
    details: {},
    receivedAt: '2026-03-01T10:00:00.000Z',
  });
  const paged: IncidentState = {
    ...opened,
    seq: 2,
    escalation: {
      epoch: 0,
      loop: 0,
      level: 0,
      userIds: ['ola'],
      exhausted: false,
      pagedAt: '2026-03-01T10:00:01.000Z',
    },
    timeline: [
      ...opened.timeline,
      { at: '2026-03-01T10:00:02.000Z', type: 'notified', message: 'Notified ola', data: { userId: 'ola' } },
    ],
  };

  it('hold the people paged now, and the acknowledger once acknowledged', () => {
    const row = toListRow(paged, 'r');
    expect(row).toMatchObject({ holderIds: ['ola'], pagedUserIds: ['ola'], level: 1, loop: 1, status: 'triggered' });
    const acked = toListRow(acknowledge(paged, { by: 'kim' }, '2026-03-01T10:05:00.000Z'), 'r');
    expect(acked.holderIds).toEqual(['kim']);
    expect(rowChanges(row, acked)).toEqual(['state', 'holder']);
    expect(rowChanges(undefined, row)).toEqual(['new']);
    expect(rowChanges(row, { ...row, seq: 9 })).toEqual([]); // nothing a list shows
    expect(rowChanges(row, { ...row, alertCount: 2 })).toEqual(['updated']);
    expect(rowChanges(row, { ...row, severity: 'SEV1' })).toEqual(['severity']);
  });
});
