/**
 * PagerDuty Events API v2: events and change events parsed with PagerDuty's own error
 * strings ("'payload.summary' is missing or blank"), and a trigger mapped to a delivery.
 * Pure: no I/O, no clock.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { specHash } from '../../lib/models/config';
import { incidentTypeFrom, serviceIdFrom, type ResolvedMapping } from '../../domain/config/integration-mapping';
import type { IncidentDelivery } from './delivery';
import { mapSeverity } from './fields';

export const PD_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export const PD_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;

const text = (max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'is missing or blank' : 'must be a string') })
    .regex(/\S/, 'is missing or blank') // not blank, stated where JSON Schema sees it (min(1) after trim is not)
    .trim()
    .max(max, `must be at most ${max} characters`);
const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' });
const links = z
  .array(z.looseObject({ href: text(2048), text: z.string().optional() }), { error: 'must be an array' })
  .max(50);
const images = z
  .array(z.looseObject({ src: text(2048), href: z.string().optional(), alt: z.string().optional() }), {
    error: 'must be an array',
  })
  .max(50);
const details = z.record(z.string(), z.unknown(), { error: 'must be an object' });
const routingKey = z.string({ error: 'is missing or blank' }).length(32, 'must be a 32-character integration key');

export const eventSchema = z.looseObject({
  routing_key: routingKey,
  event_action: z.enum(PD_ACTIONS, { error: `must be one of ${PD_ACTIONS.join(', ')}` }),
  dedup_key: text(255).optional(),
  client: z.string().max(1024).optional(),
  client_url: z.string().max(2048).optional(),
  links: links.optional(),
  images: images.optional(),
  payload: z.unknown().optional(),
});

export const triggerPayloadSchema = z.looseObject(
  {
    summary: text(1024),
    source: text(255),
    severity: z.enum(PD_SEVERITIES, { error: `must be one of ${PD_SEVERITIES.join(', ')}` }),
    timestamp: timestamp.optional(),
    component: z.string().max(255).optional(),
    group: z.string().max(255).optional(),
    class: z.string().max(255).optional(),
    custom_details: z.unknown().optional(),
  },
  { error: (issue) => (issue.input === undefined ? 'is missing (required for trigger)' : 'must be an object') },
);

export type PagerDutyEvent = z.infer<typeof eventSchema> & { payload?: z.infer<typeof triggerPayloadSchema> };

export const changeSchema = z.looseObject({
  routing_key: routingKey,
  payload: z.looseObject(
    {
      summary: text(1024),
      source: z.string().max(255).optional(),
      timestamp: timestamp.optional(),
      custom_details: details.optional(),
    },
    { error: (issue) => (issue.input === undefined ? 'is missing or blank' : 'must be an object') },
  ),
  links: links.optional(),
  images: images.optional(),
});
export type PagerDutyChange = z.infer<typeof changeSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** PagerDuty's wording: `'field.path' rule`. */
function pdErrors(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map(
    (i) => `'${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || 'event'}' ${i.message}`,
  );
}

const notObject = (body: unknown) => typeof body !== 'object' || body === null || Array.isArray(body);

export function parseEvent(body: unknown): Parsed<PagerDutyEvent> {
  if (notObject(body)) return { ok: false, errors: ["'event' must be a JSON object"] };
  const base = eventSchema.safeParse(body);
  if (!base.success) return { ok: false, errors: pdErrors(base.error) };
  const event = base.data;
  if (event.event_action !== 'trigger') {
    // Acknowledge and resolve act on an existing alert: only the key matters, any payload is ignored.
    if (event.dedup_key === undefined)
      return { ok: false, errors: [`'dedup_key' is missing or blank (required for ${event.event_action})`] };
    return { ok: true, value: { ...event, payload: undefined } };
  }
  const payload = triggerPayloadSchema.safeParse(event.payload);
  if (!payload.success) return { ok: false, errors: pdErrors(payload.error, 'payload') };
  return { ok: true, value: { ...event, payload: payload.data } };
}

export function parseChange(body: unknown): Parsed<PagerDutyChange> {
  if (notObject(body)) return { ok: false, errors: ["'event' must be a JSON object"] };
  const parsed = changeSchema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: pdErrors(parsed.error) };
}

/**
 * The dedup key of a trigger that sends none: derived from what the alert is (not when),
 * so a retried POST reaches the same incident instead of opening a second one.
 */
export function generatedDedupKey(routingKey: string, p: NonNullable<PagerDutyEvent['payload']>): string {
  const hash = createHash('sha256');
  for (const part of [routingKey, p.summary, p.source, p.component ?? '', p.group ?? '', p.class ?? ''])
    hash.update(part).update('\u0000');
  return hash.digest('hex').slice(0, 32);
}

/**
 * A trigger as a delivery. Its one "source alert" is a hash of the whole event: a re-sent
 * identical event changes nothing, while a new occurrence (new timestamp or details) counts.
 */
export function mapTrigger(
  event: PagerDutyEvent,
  dedupKey: string,
  serviceId: string,
  mapping: ResolvedMapping,
): IncidentDelivery {
  const p = event.payload;
  if (!p) throw new TypeError('mapTrigger needs a parsed trigger');
  const custom =
    typeof p.custom_details === 'object' && p.custom_details !== null
      ? (p.custom_details as Record<string, unknown>)
      : {};
  const label = (name: string | undefined) => (name === undefined ? undefined : custom[name]);
  const rated = mapSeverity(label(mapping.severityLabel) ?? p.severity, mapping); // a named field wins when present
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    source: p.source,
    service: serviceIdFrom(label(mapping.serviceLabel)) ?? serviceId,
    dedupKey,
    summary: p.summary,
    severity: rated.severity,
    details: defined({
      customDetails: p.custom_details,
      component: p.component,
      group: p.group,
      class: p.class,
      timestamp: p.timestamp,
      client: event.client,
      clientUrl: event.client_url,
      links: event.links,
      images: event.images,
      pagerdutySeverity: p.severity,
      unmappedSeverities: rated.unmapped === undefined ? undefined : [rated.unmapped],
    }),
    alerts: [{ fingerprint: specHash({ ...event, routing_key: undefined }).slice(0, 32), status: 'firing' }],
    ...defined({ incidentType: incidentTypeFrom(label(mapping.typeLabel), mapping) }),
    ...(p.timestamp ? { startedAt: new Date(p.timestamp).toISOString() } : {}),
  };
}
