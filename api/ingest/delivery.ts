/**
 * What every inbound format is mapped to: one delivery per incident (service + dedup key)
 * naming the source's alerts by fingerprint, handed to Temporal. Answers only once every
 * delivery has been recorded, so an accepted notification is never lost; a failure makes
 * the sender retry the whole notification, which the fingerprints make harmless.
 */
import type { Severity } from '../../domain/incident/severity';
import type { SourceAlertRef } from '../../domain/incident/source-alerts';
import type { IncidentGateway } from '../incident-gateway';

export interface IncidentDelivery {
  source: string;
  service: string;
  dedupKey: string;
  summary: string;
  severity: Severity;
  details: Record<string, unknown>;
  alerts: SourceAlertRef[];
  /** The incident type the payload names (domain/config/integration-mapping.ts, typeLabel / defaultType). */
  incidentType?: string;
  /** When the earliest firing alert started at its source (ISO), when the source says. */
  startedAt?: string;
}

export interface DeliveryOutcome {
  incidentId: string;
  service: string;
  dedupKey: string;
  /** Some alert fires (opens or adds to the incident); otherwise it reports resolutions only. */
  firing: boolean;
  /** False when only resolutions were reported and no incident was open for them. */
  delivered: boolean;
}

/** Signals at most this many incidents at once (a per-alert grouping may name hundreds). */
const CONCURRENCY = 8;

export async function deliver(
  incidents: IncidentGateway,
  d: IncidentDelivery,
  receivedAt: string,
): Promise<DeliveryOutcome> {
  const base = { service: d.service, dedupKey: d.dedupKey };
  if (d.alerts.some((a) => a.status === 'firing')) {
    const { incidentId } = await incidents.ingest({
      source: d.source,
      dedupKey: d.dedupKey,
      service: d.service,
      summary: d.summary,
      severity: d.severity,
      details: d.details,
      receivedAt,
      sourceAlerts: d.alerts,
      ...(d.incidentType ? { incidentType: d.incidentType } : {}),
      ...(d.startedAt ? { startedAt: d.startedAt } : {}),
    });
    return { ...base, incidentId, firing: true, delivered: true };
  }
  const fingerprints = d.alerts.map((a) => a.fingerprint);
  const { incidentId, delivered } = await incidents.sourceResolved(d.service, d.dedupKey, d.source, fingerprints);
  return { ...base, incidentId, firing: false, delivered };
}

/** Delivers all; if any fails, throws its error after the others have been attempted. */
export async function deliverAll(
  incidents: IncidentGateway,
  deliveries: IncidentDelivery[],
  receivedAt: string,
): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  let failure: unknown;
  for (let i = 0; i < deliveries.length; i += CONCURRENCY) {
    const batch = await Promise.allSettled(
      deliveries.slice(i, i + CONCURRENCY).map((d) => deliver(incidents, d, receivedAt)),
    );
    for (const r of batch) {
      if (r.status === 'fulfilled') outcomes.push(r.value);
      else failure ??= r.reason;
    }
  }
  if (failure !== undefined) throw failure;
  return outcomes;
}
