/**
 * Alertmanager (webhook version "4") and Grafana unified alerting (version "1", the same
 * shape plus Grafana's fields) notifications: parsed, then split into incident deliveries
 * by the integration's mapping. Pure: no I/O, no clock.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ResolvedMapping } from '../../domain/config/integration-mapping';
import { incidentTypeFrom, serviceIdFrom } from '../../domain/config/integration-mapping';
import type { IncidentDelivery } from './delivery';
import { boundedKey, mapSeverity, worstSeverity } from './fields';

export type AlertGroupFormat = 'alertmanager' | 'grafana';

/** The `version` each format posts. */
export const FORMAT_VERSION: Readonly<Record<AlertGroupFormat, string>> = { alertmanager: '4', grafana: '1' };

const stringMap = z.record(z.string(), z.string({ error: 'must be a string' }), {
  error: 'must be an object of strings',
});

const groupAlertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved'], { error: 'must be "firing" or "resolved"' }),
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().trim().min(1, 'must not be empty').max(128).optional(),
});
export type GroupAlert = z.infer<typeof groupAlertSchema>;

export const alertGroupSchema = z.looseObject(
  {
    version: z.string({ error: 'must be a string' }).optional(),
    groupKey: z.string({ error: 'must be a string' }).min(1).optional(),
    status: z.enum(['firing', 'resolved'], { error: 'must be "firing" or "resolved"' }).optional(),
    receiver: z.string().optional(),
    groupLabels: stringMap.default({}),
    commonLabels: stringMap.default({}),
    commonAnnotations: stringMap.default({}),
    externalURL: z.string().optional(),
    truncatedAlerts: z.int().min(0).optional(),
    title: z.string().optional(),
    alerts: z
      .array(groupAlertSchema, { error: 'must be an array of alerts' })
      .min(1, 'must contain at least one alert'),
  },
  { error: (issue) => (issue.input === undefined ? 'request body must be a JSON object' : undefined) },
);
export type AlertGroup = z.infer<typeof alertGroupSchema>;

export interface GroupContext {
  format: AlertGroupFormat;
  mapping: ResolvedMapping;
  /** The service of the integration key in the URL; without one, a label must name it. */
  service?: string;
}

export type FieldIssue = { path: string; message: string };
export type MapResult = { ok: true; deliveries: IncidentDelivery[] } | { ok: false; issues: FieldIssue[] };

/** Details keep at most this many alerts of a group (all are tracked by fingerprint). */
const DETAIL_ALERTS = 20;

interface Keyed {
  alert: GroupAlert;
  fingerprint: string;
  service: string;
  dedupKey: string;
}

/** Splits a notification into one delivery per incident (service + dedup key), or names what is wrong. */
export function mapAlertGroup(group: AlertGroup, ctx: GroupContext): MapResult {
  const issues = versionIssues(group, ctx.format);
  const keyed: Keyed[] = [];
  group.alerts.forEach((alert, i) => {
    const label = ctx.mapping.serviceLabel;
    const service = (label ? serviceIdFrom(alert.labels[label]) : undefined) ?? ctx.service;
    if (!service) {
      issues.push({
        path: `alerts.${i}.labels.${label ?? 'service'}`,
        message: 'must name a service id (a slug), or post to the URL with a service integration key',
      });
      return;
    }
    const fingerprint = alert.fingerprint ?? labelFingerprint(alert.labels);
    keyed.push({ alert, fingerprint, service, dedupKey: dedupKeyOf(group, alert, fingerprint, ctx.mapping) });
  });
  if (issues.length > 0) return { ok: false, issues };
  const buckets = new Map<string, Keyed[]>();
  for (const k of keyed) {
    const id = `${k.service}\u0000${k.dedupKey}`;
    buckets.set(id, [...(buckets.get(id) ?? []), k]);
  }
  return { ok: true, deliveries: [...buckets.values()].map((b) => toDelivery(group, b, ctx)) };
}

function versionIssues(group: AlertGroup, format: AlertGroupFormat): FieldIssue[] {
  const expected = FORMAT_VERSION[format];
  if (group.version === undefined || group.version === expected) return [];
  const hint =
    format === 'alertmanager' && group.version === '1' ? '; Grafana posts version "1": use the grafana URL' : '';
  return [{ path: 'version', message: `must be "${expected}" for ${format} (got "${group.version}")${hint}` }];
}

function dedupKeyOf(group: AlertGroup, alert: GroupAlert, fingerprint: string, mapping: ResolvedMapping): string {
  if (mapping.dedupKeyLabels) return boundedKey(labelSet(alert.labels, mapping.dedupKeyLabels));
  if (mapping.grouping === 'alert') return fingerprint;
  return boundedKey(group.groupKey ?? labelSet(group.groupLabels, Object.keys(group.groupLabels).sort()));
}

/** `{a="1",b="2"}`, the way Alertmanager writes label sets. */
function labelSet(labels: Record<string, string>, names: readonly string[]): string {
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n] ?? '')}`).join(',')}}`;
}

/** For senders that omit `fingerprint`: a hash of the sorted label set (16 hex, as Alertmanager). */
export function labelFingerprint(labels: Record<string, string>): string {
  const set = labelSet(labels, Object.keys(labels).sort());
  return createHash('sha256').update(set).digest('hex').slice(0, 16);
}

function toDelivery(group: AlertGroup, bucket: Keyed[], ctx: GroupContext): IncidentDelivery {
  const first = bucket[0] as Keyed;
  const firing = bucket.filter((k) => k.alert.status === 'firing');
  const severityLabel = ctx.mapping.severityLabel ?? 'severity';
  const rated = (firing.length > 0 ? firing : bucket).map((k) =>
    mapSeverity(k.alert.labels[severityLabel], ctx.mapping),
  );
  const unmapped = [...new Set(rated.flatMap((r) => (r.unmapped === undefined ? [] : [r.unmapped])))];
  return {
    source: ctx.format,
    service: first.service,
    dedupKey: first.dedupKey,
    summary: summaryOf(group, (firing[0] ?? first).alert, ctx),
    severity: worstSeverity(rated.map((r) => r.severity)),
    details: {
      receiver: group.receiver,
      groupKey: group.groupKey,
      externalURL: group.externalURL,
      commonLabels: group.commonLabels,
      alerts: bucket.slice(0, DETAIL_ALERTS).map((k) => ({ ...k.alert, fingerprint: k.fingerprint })),
      ...omitted(bucket.length, group.truncatedAlerts),
      ...(unmapped.length > 0 ? { unmappedSeverities: unmapped } : {}),
    },
    alerts: bucket.map((k) => ({ fingerprint: k.fingerprint, status: k.alert.status })),
    ...typeOf(group, (firing[0] ?? first).alert, ctx.mapping),
    ...startedAtOf(firing),
  };
}

function typeOf(group: AlertGroup, alert: GroupAlert, mapping: ResolvedMapping): { incidentType?: string } {
  const named = alert.labels[mapping.typeLabel] ?? group.commonLabels[mapping.typeLabel];
  const incidentType = incidentTypeFrom(named, mapping);
  return incidentType ? { incidentType } : {};
}

/** The earliest real `startsAt` of the firing alerts (Alertmanager writes year 1 for "unset"). */
function startedAtOf(firing: readonly Keyed[]): { startedAt?: string } {
  const starts = firing.flatMap((k) => {
    const ms = k.alert.startsAt ? Date.parse(k.alert.startsAt) : NaN;
    return Number.isFinite(ms) && ms > 0 ? [ms] : [];
  });
  return starts.length > 0 ? { startedAt: new Date(Math.min(...starts)).toISOString() } : {};
}

function omitted(count: number, truncatedBySender = 0): { truncatedAlerts?: number } {
  const truncatedAlerts = Math.max(0, count - DETAIL_ALERTS) + truncatedBySender;
  return truncatedAlerts > 0 ? { truncatedAlerts } : {};
}

/** Field by field: the group's common annotations, the alert's annotations, then its labels. */
function summaryOf(group: AlertGroup, alert: GroupAlert, ctx: GroupContext): string {
  for (const field of ctx.mapping.summaryFields) {
    const value = group.commonAnnotations[field] ?? alert.annotations[field] ?? alert.labels[field];
    if (value?.trim()) return value.trim().slice(0, 1024);
  }
  const fallback = group.title?.trim() || `${ctx.format} alert ${alert.labels.alertname ?? ''}`.trim();
  return fallback.slice(0, 1024);
}
