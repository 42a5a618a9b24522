import { createHash } from 'node:crypto';

/**
 * The incident workflow id for an alert: a pure function of service + dedup key, so a
 * repeated alert or a retried POST can only ever reach the same incident. The service
 * stays readable in the Temporal UI; the key is hashed (any characters, up to 255).
 */
export function incidentWorkflowId(service: string, dedupKey: string): string {
  const hash = createHash('sha256').update(service).update('\u0000').update(dedupKey).digest('hex');
  return `incident-${service}-${hash.slice(0, 24)}`;
}

/** Default grouping key when a source sends none: same source + summary = same incident. */
export function defaultDedupKey(source: string, summary: string): string {
  return createHash('sha256').update(source).update('\u0000').update(summary).digest('hex').slice(0, 32);
}

export const INCIDENT_ID_PATTERN = /^incident-[a-z0-9][a-z0-9_-]{0,62}-[0-9a-f]{24}$/;
