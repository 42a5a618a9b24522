/**
 * Atlassian Statuspage's public API v2 shapes (summary.json, status.json, components.json,
 * incidents.json, scheduled-maintenances.json), with its field names and value sets, so
 * tools that read a Statuspage page read this one. Groups are components with
 * `group: true` listing their members, as Statuspage sends them.
 */
import type { ComponentStatus } from './page';
import type { PageIncidentRecord, PageUpdateRecord } from './records';
import type { ComponentView, MaintenanceView, PageView } from './view';

const MOST_RECENT = 50;

export const groupId = (name: string) =>
  `group-${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;

export function v2Page(v: PageView) {
  return { id: v.page.id, name: v.page.name, url: v.url, time_zone: v.page.timeZone, updated_at: v.updatedAt };
}

function v2Component(v: PageView, c: ComponentView) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: v.configuredAt,
    updated_at: v.updatedAt,
    position: c.position,
    description: c.description ?? null,
    showcase: true,
    start_date: null,
    group_id: c.group === undefined ? null : groupId(c.group),
    page_id: v.page.id,
    group: false,
    only_show_if_degraded: c.onlyShowIfDegraded,
  };
}

const WORST_FIRST: readonly ComponentStatus[] = [
  'major_outage',
  'partial_outage',
  'degraded_performance',
  'under_maintenance',
];

function v2Groups(v: PageView) {
  const names = [...new Set(v.components.flatMap((c) => (c.group === undefined ? [] : [c.group])))];
  return names.map((name, i) => {
    const members = v.components.filter((c) => c.group === name);
    const status = WORST_FIRST.find((s) => members.some((m) => m.status === s)) ?? 'operational';
    return {
      ...v2Component(v, {
        ...(members[0] as ComponentView),
        id: groupId(name),
        name,
        status,
        position: v.components.length + i + 1,
        description: undefined,
        group: undefined,
      }),
      group: true,
      components: members.map((m) => m.id),
    };
  });
}

export function v2Components(v: PageView) {
  return [...v.components.map((c) => v2Component(v, c)), ...v2Groups(v)];
}

function affected(v: PageView, previous: Map<string, ComponentStatus>, u: PageUpdateRecord) {
  if (!u.components || Object.keys(u.components).length === 0) return null;
  return Object.entries(u.components).map(([code, status]) => {
    const old = previous.get(code) ?? 'operational';
    previous.set(code, status);
    return {
      code,
      name: v.page.components.find((c) => c.id === code)?.name ?? code,
      old_status: old,
      new_status: status,
    };
  });
}

function v2Updates(v: PageView, incidentId: string, updates: readonly PageUpdateRecord[]) {
  const previous = new Map<string, ComponentStatus>();
  const shaped = updates.map((u) => ({
    id: u.id,
    status: u.status,
    body: u.body,
    incident_id: incidentId,
    created_at: u.createdAt,
    updated_at: u.createdAt,
    display_at: u.displayAt,
    affected_components: affected(v, previous, u),
  }));
  return shaped.reverse(); // Statuspage lists the newest update first
}

function incidentComponents(v: PageView, ids: readonly string[]) {
  return v2Components(v).filter((c) => ids.includes(c.id));
}

export function v2Incident(v: PageView, i: PageIncidentRecord) {
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    monitoring_at: i.monitoringAt ?? null,
    resolved_at: i.resolvedAt ?? null,
    impact: i.impact,
    shortlink: `${v.url}#incident-${i.id}`,
    started_at: i.createdAt,
    page_id: v.page.id,
    incident_updates: v2Updates(v, i.id, i.updates),
    components: incidentComponents(v, Object.keys(i.components)),
  };
}

export function v2Maintenance(v: PageView, m: MaintenanceView) {
  const update = {
    id: `${m.id}-announced`,
    status: 'scheduled' as const,
    body: m.body,
    incident_id: m.id,
    created_at: m.createdAt,
    updated_at: m.createdAt,
    display_at: m.createdAt,
    affected_components: null,
  };
  return {
    id: m.id,
    name: m.name,
    status: m.status,
    created_at: m.createdAt,
    updated_at: m.createdAt,
    monitoring_at: null,
    resolved_at: m.status === 'completed' ? m.scheduledUntil : null,
    impact: 'maintenance' as const,
    shortlink: `${v.url}#maintenance-${m.id}`,
    started_at: m.scheduledFor,
    page_id: v.page.id,
    incident_updates: [update],
    components: incidentComponents(v, m.components),
    scheduled_for: m.scheduledFor,
    scheduled_until: m.scheduledUntil,
  };
}

const unresolved = (v: PageView) => v.incidents.filter((i) => i.status !== 'resolved');
const activeOrUpcoming = (m: MaintenanceView) => m.status !== 'completed';

/** Every read format of the API, by its path under `/api/v2/`. */
export const V2_FORMATS = {
  'summary.json': (v: PageView) => ({
    page: v2Page(v),
    components: v2Components(v),
    incidents: unresolved(v).map((i) => v2Incident(v, i)),
    scheduled_maintenances: v.maintenances.filter(activeOrUpcoming).map((m) => v2Maintenance(v, m)),
    status: { indicator: v.indicator, description: v.description },
  }),
  'status.json': (v: PageView) => ({ page: v2Page(v), status: { indicator: v.indicator, description: v.description } }),
  'components.json': (v: PageView) => ({ page: v2Page(v), components: v2Components(v) }),
  'incidents.json': (v: PageView) => ({
    page: v2Page(v),
    incidents: v.incidents.slice(0, MOST_RECENT).map((i) => v2Incident(v, i)),
  }),
  'incidents/unresolved.json': (v: PageView) => ({
    page: v2Page(v),
    incidents: unresolved(v).map((i) => v2Incident(v, i)),
  }),
  'scheduled-maintenances.json': (v: PageView) => ({
    page: v2Page(v),
    scheduled_maintenances: [...v.maintenances]
      .reverse()
      .slice(0, MOST_RECENT)
      .map((m) => v2Maintenance(v, m)),
  }),
  'scheduled-maintenances/upcoming.json': (v: PageView) => ({
    page: v2Page(v),
    scheduled_maintenances: v.maintenances.filter((m) => m.status === 'scheduled').map((m) => v2Maintenance(v, m)),
  }),
  'scheduled-maintenances/active.json': (v: PageView) => ({
    page: v2Page(v),
    scheduled_maintenances: v.maintenances
      .filter((m) => m.status === 'in_progress' || m.status === 'verifying')
      .map((m) => v2Maintenance(v, m)),
  }),
} as const;

export type V2Format = keyof typeof V2_FORMATS;
