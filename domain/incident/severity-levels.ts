/**
 * Severity: canonical SEV1 (worst) .. SEV4, the spellings alert sources use for them, and
 * the response targets each severity carries. Unknown spellings are refused, never guessed:
 * paging someone at 3 a.m. for a typo'd "urgnet" is worse than a 400 that lists the options.
 *
 * Zod-free on purpose: workflow code imports it, and every workflow instance evaluates its
 * modules afresh (test/workflows/bundle.test.ts). The schemas are in severity.ts.
 */
import type { SeverityOverrides, SeverityTargets } from './severity';

export type { SeverityOverrides, SeverityTargets };

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Accepted spellings per severity, as shown to users. Matching is case-insensitive after
 * trimming. P0..P3 follow the seeds' runbook (P0 = critical); critical/high/medium/low the
 * seeds' classification; critical/error/warning/info are PagerDuty Events v2 severities.
 */
export const SEVERITY_ALIASES: Readonly<Record<Severity, readonly string[]>> = {
  SEV1: ['SEV1', 'sev-1', 'sev 1', '1', 'P0', 'critical'],
  SEV2: ['SEV2', 'sev-2', 'sev 2', '2', 'P1', 'high', 'error'],
  SEV3: ['SEV3', 'sev-3', 'sev 3', '3', 'P2', 'medium', 'warning'],
  SEV4: ['SEV4', 'sev-4', 'sev 4', '4', 'P3', 'low', 'info'],
};

export const ACCEPTED_SEVERITIES: readonly string[] = SEVERITIES.flatMap((sev) => SEVERITY_ALIASES[sev]);

const BY_ALIAS: ReadonlyMap<string, Severity> = new Map(
  SEVERITIES.flatMap((sev) => SEVERITY_ALIASES[sev].map((alias) => [alias.toLowerCase(), sev] as const)),
);

/** Canonical severity for any accepted spelling, or undefined (never a guess). */
export function normalizeSeverity(input: string | number): Severity | undefined {
  return BY_ALIAS.get(String(input).trim().toLowerCase());
}

/**
 * Defaults from the seed runbooks: acknowledge within 5 min / 15 min / 1 h / 4 h and
 * resolve within 4 h / 8 h / 24 h / 72 h. SEV1 status updates every 15 min, as the seeds'
 * P0 template promises. The seeds give SEV2 no cadence; 30 min is our choice, matching the
 * seeds' "next update in 30 minutes" customer template. SEV3/SEV4 have no update cadence.
 */
export const DEFAULT_SEVERITY_TARGETS: Readonly<Record<Severity, SeverityTargets>> = {
  SEV1: { ackWithinMinutes: 5, resolveWithinMinutes: 4 * 60, updateEveryMinutes: 15 },
  SEV2: { ackWithinMinutes: 15, resolveWithinMinutes: 8 * 60, updateEveryMinutes: 30 },
  SEV3: { ackWithinMinutes: 60, resolveWithinMinutes: 24 * 60 },
  SEV4: { ackWithinMinutes: 4 * 60, resolveWithinMinutes: 72 * 60 },
};

/** Targets for a severity: the defaults with a service's overrides laid over them. */
export function severityTargets(severity: Severity, overrides?: SeverityOverrides): SeverityTargets {
  const base = DEFAULT_SEVERITY_TARGETS[severity];
  const over = overrides?.[severity] ?? {};
  const updateEveryMinutes = over.updateEveryMinutes ?? base.updateEveryMinutes;
  return {
    ackWithinMinutes: over.ackWithinMinutes ?? base.ackWithinMinutes,
    resolveWithinMinutes: over.resolveWithinMinutes ?? base.resolveWithinMinutes,
    ...(updateEveryMinutes === undefined ? {} : { updateEveryMinutes }),
  };
}
