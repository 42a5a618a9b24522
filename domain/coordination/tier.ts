/**
 * What a service's tier (seed 003's service priority matrix: 1 critical .. 4 low) sets by
 * default: a severity floor for its incidents and the severities its stakeholders hear
 * about. A service may override both.
 */
import { SEVERITIES, type Severity } from '../incident/severity-levels';

export interface TierDefaults {
  /** Incidents of the service are at least this severe; undefined: no floor. */
  severityFloor?: Severity;
  /** Severities whose messages reach the service's stakeholder lists. */
  stakeholderSeverities: readonly Severity[];
}

/**
 * Our reading of the matrix: a critical service's trouble is never below SEV2 and its
 * stakeholders hear of everything but SEV4; a low-tier service sets no floor and its
 * stakeholders hear nothing unless the service lists severities itself.
 */
export const TIER_DEFAULTS: Readonly<Record<1 | 2 | 3 | 4, TierDefaults>> = {
  1: { severityFloor: 'SEV2', stakeholderSeverities: ['SEV1', 'SEV2', 'SEV3'] },
  2: { severityFloor: 'SEV3', stakeholderSeverities: ['SEV1', 'SEV2'] },
  3: { stakeholderSeverities: ['SEV1'] },
  4: { stakeholderSeverities: [] },
};

export function tierDefaults(tier: number | undefined): TierDefaults {
  return TIER_DEFAULTS[tier as 1 | 2 | 3 | 4] ?? { stakeholderSeverities: [] };
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** The most severe of the severity and the floors (SEV1 is the most severe). */
export function atLeast(severity: Severity, ...floors: Array<Severity | undefined>): Severity {
  return floors.reduce<Severity>((worst, f) => (f !== undefined && rank(f) < rank(worst) ? f : worst), severity);
}
