/**
 * Escalation policies: who is paged, level by level, until someone acknowledges. Semantic
 * checks that need other entities (unknown ids, levels that can never fire) live in
 * ./policy-validation; this schema only checks shape.
 */
import { z } from 'zod';
import { IdSchema, NameSchema, strictObject } from '../common/fields';

export const TARGET_TYPES = ['user', 'schedule', 'team'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export const PolicyTargetSchema = strictObject({
  type: z.enum(TARGET_TYPES, { error: () => `type must be one of: ${TARGET_TYPES.join(', ')}` }),
  id: IdSchema,
});
export type PolicyTarget = z.infer<typeof PolicyTargetSchema>;

export const EscalationLevelSchema = strictObject({
  /** Minutes to wait for an acknowledgement before paging the next level. */
  delayMinutes: z.int().min(0, 'must be 0 or more minutes'),
  targets: z.array(PolicyTargetSchema),
});
export type EscalationLevel = z.infer<typeof EscalationLevelSchema>;

export const MAX_POLICY_LOOPS = 9;

export const EscalationPolicySchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  levels: z.array(EscalationLevelSchema).min(1, 'a policy needs at least one level'),
  /** Extra passes over all levels after the first (0 = run once). */
  loops: z.int().min(0).max(MAX_POLICY_LOOPS, `must be 0..${MAX_POLICY_LOOPS}`).default(0),
  /** An acknowledged incident still unresolved after this long is triggered again. */
  ackTimeoutMinutes: z.int().min(1, 'must be at least 1 minute').optional(),
});
export type EscalationPolicy = z.infer<typeof EscalationPolicySchema>;
