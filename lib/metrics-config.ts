/**
 * Environment variables of the metrics endpoints (parsed with the rest in lib/config.ts).
 * Scrape endpoints listen on loopback unless told otherwise; a token, when set, is required
 * on every scrape; an endpoint reachable from other machines without a token is refused at
 * start-up unless the operator says so (VIGIL_METRICS_ALLOW_UNAUTHENTICATED=true).
 */
import { z } from 'zod';

/** A port, or "off" for no listener. */
const portOrOff = z.union([
  z.literal('off'),
  z.coerce
    .number({ error: 'must be a port number (1-65535) or "off"' })
    .int('must be a port number (1-65535) or "off"')
    .min(1, 'must be a port number (1-65535) or "off"')
    .max(65535, 'must be a port number (1-65535) or "off"'),
]);

const flag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

export const metricsConfigShape = {
  /** Address both scrape endpoints (API and worker) listen on. */
  VIGIL_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  VIGIL_API_METRICS_PORT: portOrOff.default(9464),
  VIGIL_WORKER_METRICS_PORT: portOrOff.default(9465),
  /** The Temporal SDK's own exporter, always on 127.0.0.1; the worker's endpoint relays it. */
  VIGIL_TEMPORAL_METRICS_PORT: portOrOff.default(9466),
  /** Bearer token every scrape must present; unset: none asked. */
  VIGIL_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  VIGIL_METRICS_ALLOW_UNAUTHENTICATED: flag.default(false),
};

export const metricsConfigSchema = z.object(metricsConfigShape);
export type MetricsConfig = z.infer<typeof metricsConfigSchema>;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** What is wrong with the combination (each problem names its variable). */
export function metricsConfigProblems(c: MetricsConfig): string[] {
  const served = c.VIGIL_API_METRICS_PORT !== 'off' || c.VIGIL_WORKER_METRICS_PORT !== 'off';
  if (!served || isLoopback(c.VIGIL_METRICS_HOST) || c.VIGIL_METRICS_TOKEN || c.VIGIL_METRICS_ALLOW_UNAUTHENTICATED)
    return [];
  return [
    `VIGIL_METRICS_TOKEN: required when VIGIL_METRICS_HOST (${c.VIGIL_METRICS_HOST}) is not a loopback address; ` +
      'set VIGIL_METRICS_ALLOW_UNAUTHENTICATED=true to serve metrics to the network without one',
  ];
}
