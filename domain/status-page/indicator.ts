/**
 * The page's overall status as Statuspage computes it: the worst of what its components
 * show and the impact of its unresolved incidents, on Statuspage's scale none < minor <
 * major < critical, with Statuspage's own descriptions.
 */
import type { ComponentStatus, Impact } from './page';

export type Indicator = Impact;

const ORDER: readonly Indicator[] = ['none', 'minor', 'major', 'critical'];

export const COMPONENT_INDICATOR: Readonly<Record<ComponentStatus, Indicator>> = {
  operational: 'none',
  under_maintenance: 'none',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

export const INDICATOR_DESCRIPTION: Readonly<Record<Indicator, string>> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
};

export function worstIndicator(indicators: Iterable<Indicator>): Indicator {
  let worst = 0;
  for (const i of indicators) worst = Math.max(worst, ORDER.indexOf(i));
  return ORDER[worst] ?? 'none';
}

export function overallStatus(
  components: readonly ComponentStatus[],
  unresolvedImpacts: readonly Impact[],
): { indicator: Indicator; description: string } {
  const indicator = worstIndicator([...components.map((s) => COMPONENT_INDICATOR[s]), ...unresolvedImpacts]);
  const maintenance = indicator === 'none' && components.includes('under_maintenance');
  return { indicator, description: maintenance ? 'Service Under Maintenance' : INDICATOR_DESCRIPTION[indicator] };
}
