import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../api/ingest/rate-limit';

describe('per-key token bucket', () => {
  it('allows a burst, refuses the next with the wait, and refills at the rate', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 3, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('k').allowed)).toEqual([true, true, true]);
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterMs: 1000 });
    t = 999;
    expect(limiter.take('k').allowed).toBe(false);
    t = 1000;
    expect(limiter.take('k').allowed).toBe(true);
  });

  it('keeps keys apart', () => {
    const limiter = createRateLimiter({ perMinute: 1, now: () => 0 });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('bounds its memory without forgetting a drained bucket before full ones', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 1, maxKeys: 3, now: () => t });
    limiter.take('drained');
    t = 120_000; // 'drained' has refilled: forgettable
    limiter.take('x');
    limiter.take('y');
    limiter.take('z'); // over the bound: full buckets go first
    expect(limiter.take('x').allowed).toBe(false); // x was kept with its spent token
  });
});
