/**
 * A token bucket per key (PagerDuty limits each routing key): `burst` events at once, then
 * `perMinute` spread evenly. Memory is bounded: past `maxKeys`, buckets that have refilled
 * completely (they carry no state worth keeping) are dropped, then the oldest.
 */
export interface RateLimiter {
  /** Takes a token for the key: allowed, or how long until the next token. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterMs: number };
}

export interface RateLimitOptions {
  perMinute: number;
  burst?: number;
  maxKeys?: number;
  now?: () => number;
}

export function createRateLimiter(opts: RateLimitOptions): RateLimiter {
  const capacity = opts.burst ?? opts.perMinute;
  const perMs = opts.perMinute / 60_000;
  const maxKeys = opts.maxKeys ?? 10_000;
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const level = (b: { tokens: number; at: number }, t: number) => Math.min(capacity, b.tokens + (t - b.at) * perMs);

  function evict(t: number): void {
    for (const [key, b] of buckets) if (level(b, t) >= capacity) buckets.delete(key);
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  }

  return {
    take(key) {
      const t = now();
      const bucket = buckets.get(key);
      const tokens = bucket ? level(bucket, t) : capacity;
      if (tokens < 1) return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
      if (!bucket && buckets.size >= maxKeys) evict(t);
      buckets.set(key, { tokens: tokens - 1, at: t });
      return { allowed: true };
    },
  };
}
