/**
 * Counts every request to an ingest route by source and outcome, in one place in front of
 * them all: the outcome is read off the status the route answered with, so a rejected,
 * unauthenticated, rate-limited or unavailable delivery is counted as surely as an accepted one.
 */
import type { RequestHandler } from 'express';
import type { Counter } from 'prom-client';

/** Ingest paths and the source each stands for (others are not counted). */
const SOURCES: ReadonlyArray<[RegExp, string]> = [
  [/^\/v2\/enqueue\/?$/, 'pagerduty'],
  [/^\/v2\/change\/enqueue\/?$/, 'pagerduty_change'],
  [/^\/api\/v1\/alerts\/?$/, 'generic'],
  [/^\/api\/v1\/integrations\/alertmanager(\/[^/]+)?\/?$/, 'alertmanager'],
  [/^\/api\/v1\/integrations\/grafana(\/[^/]+)?\/?$/, 'grafana'],
];

export function ingestSource(path: string): string | undefined {
  return SOURCES.find(([pattern]) => pattern.test(path))?.[1];
}

export function ingestOutcome(status: number): string {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'unknown_integration';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'error';
  return 'invalid';
}

export function countIngest(counter: Counter<'source' | 'outcome'>): RequestHandler {
  return (req, res, next) => {
    const source = req.method === 'POST' ? ingestSource(req.path) : undefined;
    if (source) res.once('finish', () => counter.inc({ source, outcome: ingestOutcome(res.statusCode) }));
    next();
  };
}
