/**
 * The bridge: a conference link per incident type, service or team, as a fixed URL or a
 * logic-less URL template (`{number}`, `{incidentId}`, `{service}`; nothing else), shown in
 * every page, the incident channel and the incident page.
 *
 * Zod-free on purpose: workflow code imports it (test/workflows/bundle.test.ts); BridgeSchema is
 * in schemas.ts.
 */
import type { Bridge } from './schemas';

export type { Bridge };

export const BRIDGE_PLACEHOLDERS = ['number', 'incidentId', 'service'] as const;
export type BridgePlaceholder = (typeof BRIDGE_PLACEHOLDERS)[number];

/** The template with its placeholders filled, each URI-encoded. */
export function renderBridgeTemplate(template: string, values: Record<BridgePlaceholder, string>): string {
  return template.replace(/\{(number|incidentId|service)\}/g, (_, name: BridgePlaceholder) =>
    encodeURIComponent(values[name]),
  );
}

export interface BridgeLink {
  url: string;
  title: string;
}

/**
 * The incident's bridge: the type's, else the service's, else the team's; undefined when
 * none names one.
 */
export function bridgeFor(
  sources: { type?: Bridge; service?: Bridge; team?: Bridge },
  incident: { number?: number; incidentId: string; service: string },
): BridgeLink | undefined {
  const bridge = sources.type ?? sources.service ?? sources.team;
  if (!bridge) return undefined;
  const values = { number: String(incident.number ?? ''), incidentId: incident.incidentId, service: incident.service };
  const url = bridge.url ?? renderBridgeTemplate(bridge.urlTemplate ?? '', values);
  return { url, title: bridge.title ?? 'Bridge call' };
}

/** A service plan's bridges: its own, its team's, and each incident type's that names one. */
export interface PlanBridges {
  service?: Bridge;
  team?: Bridge;
  /** By incident type id. */
  types?: Readonly<Record<string, Bridge>>;
}

/** The incident's bridge from its plan, by its type (when it has one) first. */
export function incidentBridge(
  bridges: PlanBridges | undefined,
  incident: { number?: number; incidentId: string; service: string; incidentType?: string },
): BridgeLink | undefined {
  if (!bridges) return undefined;
  const type = incident.incidentType === undefined ? undefined : bridges.types?.[incident.incidentType];
  return bridgeFor({ ...(type ? { type } : {}), service: bridges.service, team: bridges.team }, incident);
}

interface WithBridge {
  id: string;
  bridge?: Bridge;
}

/** The bridges configuration gives a service: its own, its team's, each incident type's; undefined when none. */
export function planBridges(
  service: { teamId?: string; bridge?: Bridge },
  teams: readonly WithBridge[],
  types: readonly WithBridge[],
): PlanBridges | undefined {
  const team = teams.find((t) => t.id === service.teamId)?.bridge;
  const byType = Object.fromEntries(types.flatMap((t) => (t.bridge ? [[t.id, t.bridge]] : [])));
  const bridges: PlanBridges = {
    ...(service.bridge ? { service: service.bridge } : {}),
    ...(team ? { team } : {}),
    ...(Object.keys(byType).length > 0 ? { types: byType } : {}),
  };
  return Object.keys(bridges).length > 0 ? bridges : undefined;
}

/** The incident's bridge as configuration gives it now (pages that show an incident). */
export function configuredBridge(
  config: {
    services: ReadonlyArray<WithBridge & { teamId?: string }>;
    teams: readonly WithBridge[];
    incidentTypes: readonly WithBridge[];
  },
  incident: { number?: number; incidentId: string; service: string; incidentType?: string },
): BridgeLink | undefined {
  const service = config.services.find((s) => s.id === incident.service);
  return service ? incidentBridge(planBridges(service, config.teams, config.incidentTypes), incident) : undefined;
}
