/**
 * The fields a communication template reads, from the incident state. Times are ISO
 * instants in UTC; `nextUpdateAt` is now plus the severity's update cadence.
 */
import type { IncidentState } from '../incident/incident';
import type { TemplateView } from './template';

export interface ViewContext {
  now: string;
  serviceName?: string;
  tier?: number;
  updateEveryMinutes?: number;
  /** Display names by user id; ids are shown when a name is unknown. */
  names?: Readonly<Record<string, string>>;
  links?: { incident?: string; review?: string };
}

/** P0..P3 as the seeds' templates write the severities. */
const SEVERITY_LABEL = { SEV1: 'P0', SEV2: 'P1', SEV3: 'P2', SEV4: 'P3' } as const;

export function incidentView(s: IncidentState, ctx: ViewContext): TemplateView {
  const name = (id: string) => ctx.names?.[id] ?? id;
  const holders = (s.roles ?? []).map((r) => ({ role: r.roleId, user: name(r.userId), userId: r.userId }));
  const end = s.resolvedAt ?? ctx.now;
  const every = ctx.updateEveryMinutes;
  const lastNote = [...s.timeline].reverse().find((e) => e.type === 'note');
  return {
    number: s.number === undefined ? '' : String(s.number),
    summary: s.summary,
    service: s.service,
    serviceName: ctx.serviceName ?? s.service,
    tier: ctx.tier === undefined ? '' : String(ctx.tier),
    severity: s.severity,
    severityLabel: SEVERITY_LABEL[s.severity],
    status: s.status,
    type: s.incidentType ?? '',
    startedAt: s.createdAt,
    resolvedAt: s.resolvedAt ?? '',
    duration: durationText(Date.parse(end) - Date.parse(s.createdAt)),
    acknowledgedBy: s.acknowledgedBy ? name(s.acknowledgedBy) : '',
    lastNote: lastNote?.message ?? '',
    updateEveryMinutes: every === undefined ? '' : String(every),
    nextUpdateAt: every === undefined ? '' : new Date(Date.parse(ctx.now) + every * 60_000).toISOString(),
    incidentLink: ctx.links?.incident ?? '',
    reviewLink: ctx.links?.review ?? '',
    roles: holders,
    holder: Object.fromEntries(holders.map((h) => [h.role, h.user])),
  };
}

/** "1 h 05 min", "12 min". */
export function durationText(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}
