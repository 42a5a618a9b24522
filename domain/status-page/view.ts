/**
 * One page as people and tools read it, built from the page's configuration, the services
 * linked to it, and its stored incidents: what each component shows now (coalesced over
 * the quiet period), 90 days of history per component, the overall indicator, the
 * incidents people may see (held ones left out), and the maintenances it announces (its
 * own and its services' maintenance windows).
 */
import {
  componentsForService,
  type ComponentStatus,
  type PageComponent,
  type ServiceLink,
  type StatusPage,
} from './page';
import { calendar, shownStatus, historyBars, type DayBar, type StatusSpan } from './component-status';
import { overallStatus, type Indicator } from './indicator';
import { maintenanceStatus, type MaintenanceRecord, type PageIncidentRecord } from './records';
import type { MaintenanceStatus } from './page';

export const HISTORY_DAYS = 90;

export interface ComponentView extends PageComponent {
  position: number;
  status: ComponentStatus;
  history: DayBar[];
}

export type MaintenanceView = MaintenanceRecord & { status: MaintenanceStatus };

export interface PageView {
  page: StatusPage;
  url: string;
  now: string;
  /** When the page's configuration last changed: its components' created_at. */
  configuredAt: string;
  updatedAt: string;
  indicator: Indicator;
  description: string;
  components: ComponentView[];
  /** Visible incidents, newest first. */
  incidents: PageIncidentRecord[];
  /** Scheduled for first. */
  maintenances: MaintenanceView[];
}

export interface ViewInput {
  page: StatusPage;
  services: readonly ServiceLink[];
  incidents: readonly PageIncidentRecord[];
  url: string;
  nowMs: number;
  /** The page's configuration last changed (its stored updatedAt). */
  configuredAt: string;
}

/** The page's own maintenances and its services' windows, as maintenance records. */
export function maintenancesOf(
  page: StatusPage,
  services: readonly ServiceLink[],
  configuredAt: string,
): MaintenanceRecord[] {
  const own = page.maintenances.map((m) => ({
    id: m.id,
    name: m.name,
    components: m.components,
    scheduledFor: m.start,
    scheduledUntil: m.end,
    body: m.body ?? `Scheduled maintenance of ${m.name}.`,
    createdAt: configuredAt,
  }));
  const fromServices = services.flatMap((service) => {
    const components = componentsForService(page, service).map((c) => c.id);
    if (components.length === 0) return [];
    return (service.maintenanceWindows ?? []).map((w) => ({
      id: `${service.id}-${Date.parse(w.start).toString(36)}`,
      name: `Scheduled maintenance: ${service.name ?? service.id}`,
      components,
      scheduledFor: w.start,
      scheduledUntil: w.end,
      body: w.reason ?? `${service.name ?? service.id} is under scheduled maintenance.`,
      createdAt: configuredAt,
    }));
  });
  return [...own, ...fromServices].sort((a, b) => Date.parse(a.scheduledFor) - Date.parse(b.scheduledFor));
}

function spansOf(
  componentId: string,
  incidents: readonly PageIncidentRecord[],
  maintenances: readonly MaintenanceRecord[],
  nowMs: number,
): StatusSpan[] {
  const spans: StatusSpan[] = [];
  for (const i of incidents) {
    const status = i.components[componentId];
    if (status === undefined) continue;
    spans.push({ from: Date.parse(i.createdAt), to: i.resolvedAt ? Date.parse(i.resolvedAt) : Infinity, status });
  }
  for (const m of maintenances) {
    if (!m.components.includes(componentId)) continue;
    const from = Date.parse(m.scheduledFor);
    if (from <= nowMs) spans.push({ from, to: Date.parse(m.scheduledUntil), status: 'under_maintenance' });
  }
  return spans;
}

export function buildPageView(input: ViewInput): PageView {
  const { page, nowMs } = input;
  const visible = input.incidents.filter((i) => !i.held);
  const maintenances = maintenancesOf(page, input.services, input.configuredAt);
  const quietMs = page.quietMinutes * 60_000;
  const days = calendar(nowMs, page.timeZone, HISTORY_DAYS);
  const components = page.components.map((c, position) => {
    const spans = spansOf(c.id, visible, maintenances, nowMs);
    return {
      ...c,
      position: position + 1,
      status: shownStatus(spans, quietMs, nowMs),
      history: historyBars(spans, nowMs, page.timeZone, HISTORY_DAYS, days),
    };
  });
  const unresolved = visible.filter((i) => i.status !== 'resolved');
  const overall = overallStatus(
    components.map((c) => c.status),
    unresolved.map((i) => i.impact),
  );
  const latest = [input.configuredAt, ...visible.map((i) => i.updatedAt)].sort().at(-1) as string;
  return {
    page,
    url: input.url,
    now: new Date(nowMs).toISOString(),
    configuredAt: input.configuredAt,
    updatedAt: latest,
    ...overall,
    components,
    incidents: [...visible].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)),
    maintenances: maintenances.map((m) => ({ ...m, status: maintenanceStatus(m, nowMs) })),
  };
}
