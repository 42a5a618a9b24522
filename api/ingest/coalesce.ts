/**
 * Repeats of one incident's alert that arrive while its last signal is still on its way go
 * to Temporal together, as one signal, once that signal has been accepted. A dedup storm
 * (one key, many senders) then costs the server one history write per batch instead of one
 * per alert, and the workflow one task: signals to one workflow are serialised by the server
 * anyway, so sending them one by one only queues them behind each other.
 *
 * Every caller's promise settles with its own batch: an alert is answered 202 only once the
 * signal carrying it was accepted, and when that signal fails every alert in it fails (the
 * senders retry). Alerts keep their order within a key. One process, one map: replicas of
 * the API coalesce each on their own.
 */

export interface CoalesceLimits {
  /** Most items in one batch. */
  maxItems: number;
  /** Most bytes (JSON) in one batch; an item larger than this goes alone. */
  maxBytes: number;
}

export const DEFAULT_COALESCE_LIMITS: CoalesceLimits = { maxItems: 100, maxBytes: 256 * 1024 };

interface Batch<T> {
  items: T[];
  bytes: number;
  settle: Array<{ resolve(): void; reject(err: unknown): void }>;
}

/**
 * Returns `submit(key, item)`: sends `item` with `send(key, [item])` when nothing is in
 * flight for `key`, else queues it behind the signal in flight, batched with the others
 * queued meanwhile.
 */
export function createCoalescer<T>(
  send: (key: string, items: T[]) => Promise<void>,
  limits: CoalesceLimits = DEFAULT_COALESCE_LIMITS,
): (key: string, item: T) => Promise<void> {
  /** Per key with a send in flight: the batches waiting for it, oldest first. */
  const waiting = new Map<string, Array<Batch<T>>>();

  async function flush(key: string, batch: Batch<T>): Promise<void> {
    try {
      await send(key, batch.items);
      for (const s of batch.settle) s.resolve();
    } catch (err) {
      for (const s of batch.settle) s.reject(err);
    }
    const next = waiting.get(key)?.shift();
    if (next) void flush(key, next);
    else waiting.delete(key);
  }

  return (key, item) =>
    new Promise<void>((resolve, reject) => {
      const queue = waiting.get(key);
      if (!queue) {
        // Nothing joins a batch in flight, so this one's size is never asked.
        waiting.set(key, []);
        void flush(key, { items: [item], bytes: 0, settle: [{ resolve, reject }] });
        return;
      }
      const bytes = JSON.stringify(item)?.length ?? 0;
      const last = queue.at(-1);
      if (last && last.items.length < limits.maxItems && last.bytes + bytes <= limits.maxBytes) {
        last.items.push(item);
        last.bytes += bytes;
        last.settle.push({ resolve, reject });
      } else queue.push({ items: [item], bytes, settle: [{ resolve, reject }] });
    });
}
