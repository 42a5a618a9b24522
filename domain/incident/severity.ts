/** Severity schemas: API input in any accepted spelling, targets and per-service overrides. */
import { z } from 'zod';
import { strictObject } from '../common/fields';
import { ACCEPTED_SEVERITIES, normalizeSeverity, SEVERITIES } from './severity-levels';

// Workflow code imports these from './severity-levels' (zod-free); other callers may keep using this module.
export * from './severity-levels';

export const SeveritySchema = z.enum(SEVERITIES);

/** Schema for API input: any accepted spelling in, canonical severity out. */
export const SeverityInputSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const severity = normalizeSeverity(value);
  if (severity !== undefined) return severity;
  ctx.addIssue({
    code: 'custom',
    message: `unknown severity "${String(value)}"; accepted: ${ACCEPTED_SEVERITIES.join(', ')}`,
  });
  return z.NEVER;
});

const Minutes = z.int().min(1, 'must be at least 1 minute');

export const SeverityTargetsSchema = strictObject({
  ackWithinMinutes: Minutes,
  resolveWithinMinutes: Minutes,
  /** Cadence of stakeholder status updates; absent = no cadence is enforced. */
  updateEveryMinutes: Minutes.optional(),
});
export type SeverityTargets = z.infer<typeof SeverityTargetsSchema>;

const PartialTargetsSchema = SeverityTargetsSchema.partial();

/** Per-service adjustments, merged field by field over the defaults. */
export const SeverityOverridesSchema = strictObject({
  SEV1: PartialTargetsSchema.optional(),
  SEV2: PartialTargetsSchema.optional(),
  SEV3: PartialTargetsSchema.optional(),
  SEV4: PartialTargetsSchema.optional(),
});
export type SeverityOverrides = z.infer<typeof SeverityOverridesSchema>;
