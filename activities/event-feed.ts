import { IncidentEventModel, incidentEventExists, latestIncidentEventId } from '../lib/models/incident-event';
import type { IncidentEventDoc } from '../lib/models/incident-event';
import { isDuplicateKey } from '../lib/mongo';

/** What appending to a dense feed needs from a store; tests give an in-memory one. */
export interface FeedStore<D> {
  /** Inserts at `id`; 'taken' when another writer holds that id already. */
  insert(id: number, doc: D): Promise<'ok' | 'taken'>;
  exists(id: number): Promise<boolean>;
  /** The highest id in use, or 0. */
  latest(): Promise<number>;
}

/**
 * The smallest free id above `taken`, given that ids are occupied contiguously: gallop
 * (1, 2, 4, ... past `taken`) to a free id, then bisect. O(log n) point reads when
 * another process has written n events since this one last looked.
 */
export async function firstFreeAfter(exists: (id: number) => Promise<boolean>, taken: number): Promise<number> {
  let lo = taken;
  let step = 1;
  let hi = taken + step;
  while (await exists(hi)) {
    lo = hi;
    step *= 2;
    hi = taken + step;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await exists(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Appends to a dense feed: each event goes to the next free id, found without a counter.
 * An id is only ever tried once the one before it is known taken, so the feed has no
 * holes and a reader that has seen n may wait for n + 1. Appends of one process run one
 * at a time (they would only collide with each other); processes collide on `_id` and
 * move on.
 */
export function createFeedAppender<D>(store: FeedStore<D>): (doc: D) => Promise<number> {
  let next: number | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const append = async (doc: D): Promise<number> => {
    next ??= (await store.latest()) + 1;
    for (;;) {
      const id: number = next;
      if ((await store.insert(id, doc)) === 'ok') {
        next = id + 1;
        return id;
      }
      next = await firstFreeAfter((n) => store.exists(n), id);
    }
  };
  return (doc) => {
    const run = queue.then(
      () => append(doc),
      () => append(doc),
    );
    queue = run.catch(() => undefined);
    return run;
  };
}

/** The incident feed in MongoDB (see lib/models/incident-event.ts). */
export const mongoIncidentFeed: FeedStore<Omit<IncidentEventDoc, '_id'>> = {
  async insert(id, doc) {
    try {
      await IncidentEventModel.create({ _id: id, ...doc });
      return 'ok';
    } catch (err) {
      if (isDuplicateKey(err)) return 'taken';
      throw err;
    }
  },
  exists: incidentEventExists,
  latest: latestIncidentEventId,
};
