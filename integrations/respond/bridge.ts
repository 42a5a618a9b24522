/**
 * The incident's conference bridge for the pages that show it (respond link, console), as
 * configuration names it now: the incident type's, else the service's, else the team's.
 */
import type { ConfigStore } from '../../api/config-store';
import { configuredBridge, type BridgeLink } from '../../domain/coordination/bridge';
import type { IncidentState } from '../../domain/incident/incident';

/** Undefined when none is configured; a configuration read that fails leaves it off the page, never the page itself. */
export async function bridgeOnPage(
  config: Pick<ConfigStore, 'list'> | undefined,
  s: Pick<IncidentState, 'incidentId' | 'number' | 'service' | 'incidentType'>,
): Promise<BridgeLink | undefined> {
  try {
    if (!config) return undefined;
    const [services, teams, incidentTypes] = await Promise.all([
      config.list('service'),
      config.list('team'),
      config.list('incidentType'),
    ]);
    const data = <T>(entities: Array<{ data: T }>) => entities.map((e) => e.data);
    return configuredBridge({ services: data(services), teams: data(teams), incidentTypes: data(incidentTypes) }, s);
  } catch {
    return undefined;
  }
}
