import type { IncidentListRow, RowChange } from '../../domain/incident/list-row';
import type { Logger } from '../../lib/logger';

/** One change of the incident feed, as SSE sends it. */
export interface FeedEvent {
  id: number;
  at: string;
  incidentId: string;
  changes: RowChange[];
  row: IncidentListRow;
}

/** What following the feed needs from the store (point reads by id). */
export interface FeedSource {
  latest(): Promise<number>;
  get(id: number): Promise<FeedEvent | undefined>;
}

export interface IncidentFeed {
  /** The last event read; events up to it have reached every subscriber. */
  position(): number;
  /** Events after `id` up to the position; undefined when they are too many or gone from the store. */
  since(id: number): Promise<FeedEvent[] | undefined>;
  /** `ended` is called when the feed stops (the process shuts down). */
  subscribe(fn: (e: FeedEvent) => void, ended?: () => void): () => void;
  /** Reads what is new now (the timer does this every interval). */
  poll(): Promise<void>;
  start(position: number): void;
  stop(): void;
}

/**
 * Follows the shared incident feed from this process: one reader per API replica, by
 * point reads of the next id, keeping the newest `buffer` events in memory for clients
 * that reconnect with Last-Event-ID. Nothing here is a source of truth: every replica
 * reads the same feed, so a client may resume on any of them.
 */
export function createIncidentFeed(
  source: FeedSource,
  opts: { log: Logger; intervalMs?: number; buffer?: number },
): IncidentFeed {
  const size = opts.buffer ?? 2_000;
  const recent: FeedEvent[] = [];
  const subscribers = new Set<(e: FeedEvent) => void>();
  const enders = new Map<(e: FeedEvent) => void, () => void>();
  let pos = 0;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;

  async function readNew(): Promise<void> {
    for (let next = await source.get(pos + 1); next; next = await source.get(pos + 1)) {
      pos = next.id;
      recent.push(next);
      if (recent.length > size) recent.splice(0, recent.length - size);
      for (const fn of subscribers) fn(next);
    }
  }
  const poll = () => {
    polling ??= readNew()
      .catch((err: unknown) => opts.log.warn({ err }, 'incident feed read failed; retrying'))
      .finally(() => (polling = undefined));
    return polling;
  };
  return {
    position: () => pos,
    async since(id) {
      if (id >= pos) return [];
      const held = (recent[0]?.id ?? pos + 1) - 1; // events after `held` are in memory
      if (held - id > size) return undefined;
      const older: FeedEvent[] = [];
      for (let n = id + 1; n <= held; n++) {
        const e = await source.get(n);
        if (!e) return undefined; // removed by retention
        older.push(e);
      }
      return [...older, ...recent.filter((e) => e.id > id)];
    },
    subscribe(fn, ended) {
      subscribers.add(fn);
      if (ended) enders.set(fn, ended);
      return () => {
        subscribers.delete(fn);
        enders.delete(fn);
      };
    },
    poll,
    start(position) {
      pos = position;
      timer = setInterval(() => void poll(), opts.intervalMs ?? 250);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      for (const end of enders.values()) end();
      subscribers.clear();
      enders.clear();
    },
  };
}
