/**
 * How a resolved incident is classified by whoever resolves it: it needed people
 * (`actionable`), nothing was wrong (`false_positive`), or something was wrong but did not
 * need anyone (`noise`). Reports turn these into the false-positive and noise rates; an
 * incident resolved without one counts as unclassified, never as actionable.
 *
 * Zod-free on purpose: workflow code imports it (test/workflows/bundle.test.ts); the schema
 * is in classification-schema.ts.
 */
import type { IncidentCommand } from './incident';

export const RESOLUTION_CLASSIFICATIONS = ['actionable', 'false_positive', 'noise'] as const;
export type ResolutionClassification = (typeof RESOLUTION_CLASSIFICATIONS)[number];

export function isResolutionClassification(value: unknown): value is ResolutionClassification {
  return (RESOLUTION_CLASSIFICATIONS as readonly unknown[]).includes(value);
}

/** A resolve may say what the incident turned out to be. */
export interface ResolveCommand extends IncidentCommand {
  classification?: ResolutionClassification;
}

/** Why a resolve's classification is refused (callers other than the API send raw values). */
export function refuseClassification(value: unknown): string | undefined {
  if (value === undefined || isResolutionClassification(value)) return undefined;
  return `classification must be one of: ${RESOLUTION_CLASSIFICATIONS.join(', ')}`;
}
