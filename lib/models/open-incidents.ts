/**
 * Open incidents by status from the read model, for the `vigil_open_incidents` gauge. A
 * scrape never waits on MongoDB once a first count exists: a count older than the cache's
 * age is served while a fresh one is read in the background (one read at a time), so a
 * slow or unreachable store makes the gauge stale, never the scrape slow or failed. The
 * first count is read when the cache is made; a scrape before it is in waits at most
 * `firstWaitMs` and then goes without the gauge.
 */
import type { Logger } from '../logger';
import { IncidentRecordModel } from './incident-record';

export const OPEN_STATUSES = ['triggered', 'acknowledged'] as const;

/** Counts by status with `$group` / `$sum`, within the portable subset. */
export async function readOpenIncidentCounts(): Promise<Record<string, number>> {
  const rows = await IncidentRecordModel.aggregate<{ _id: string; n: number }>([
    { $match: { status: { $in: [...OPEN_STATUSES] } } },
    { $group: { _id: '$status', n: { $sum: 1 } } },
  ]);
  const counts: Record<string, number> = Object.fromEntries(OPEN_STATUSES.map((s) => [s, 0]));
  for (const row of rows) counts[row._id] = row.n;
  return counts;
}

export function cachedCounts(opts: {
  read: () => Promise<Record<string, number>>;
  log: Logger;
  maxAgeMs?: number;
  /** How long a scrape waits for the very first count before it goes without the gauge. */
  firstWaitMs?: number;
  now?: () => number;
}): () => Promise<Record<string, number>> {
  const maxAge = opts.maxAgeMs ?? 15_000;
  const firstWait = opts.firstWaitMs ?? 1_000;
  const now = opts.now ?? Date.now;
  let value: Record<string, number> | undefined;
  let readAt = -Infinity;
  let pending: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (pending ??= opts
      .read()
      .then((v) => {
        value = v;
        readAt = now();
      })
      .catch((err: unknown) => opts.log.warn({ err }, 'open incident counts could not be read'))
      .finally(() => (pending = undefined)));
  // The first count is read at once, not at the first scrape: at 100,000 incidents the
  // aggregate takes seconds on FerretDB, which the first scrape after a start waited for.
  void refresh();
  return async () => {
    if (value === undefined) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, firstWait)));
      await Promise.race([refresh(), waited]).finally(() => clearTimeout(timer));
    } else if (now() - readAt > maxAge) void refresh();
    return value ?? {};
  };
}
