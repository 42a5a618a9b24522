import { z } from 'zod';
import { defineRoute, ok } from '../http/route';

const CheckSchema = z.object({ ok: z.boolean(), error: z.string().optional() });
export const ReadinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  /** One per dependency (temporal, mongodb). */
  checks: z.record(z.string(), CheckSchema),
});

/** `/healthz`: the process answers. `/readyz`: every dependency answers within 2 s. */
export const healthRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tag: 'Health',
    auth: 'public',
    summary: 'Liveness',
    responses: { 200: ok('The process answers', z.object({ status: z.literal('ok') })) },
    handler: (_input, _services, { reply }) => reply(200, { status: 'ok' }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    tag: 'Health',
    auth: 'public',
    summary: 'Readiness: Temporal and MongoDB answer within 2 s',
    responses: {
      200: ok('Every dependency answers', ReadinessSchema),
      503: ok("A dependency does not answer: each check's error", ReadinessSchema),
    },
    handler: async (_input, { readiness }, { reply }) => {
      const results = await Promise.all(
        Object.entries(readiness).map(async ([name, check]) => {
          try {
            await withTimeout(check(), 2_000);
            return [name, { ok: true }] as const;
          } catch (err) {
            return [name, { ok: false, error: err instanceof Error ? err.message : String(err) }] as const;
          }
        }),
      );
      const checks = Object.fromEntries(results);
      return results.every(([, r]) => r.ok)
        ? reply(200, { status: 'ready', checks })
        : reply(503, { status: 'not_ready', checks });
    },
  }),
];

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
