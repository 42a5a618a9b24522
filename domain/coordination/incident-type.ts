/**
 * Incident types (outage, security, ...): what kind of trouble an incident is. A type may
 * page by its own escalation policy instead of the service's (also when set mid-incident:
 * paging starts over on it from level 1), raise the severity to a floor, name the roles
 * the response needs and the communication templates it uses.
 */
import { z } from 'zod';
import { IdSchema, NameSchema, reportDuplicates, strictObject } from '../common/fields';
import { SeveritySchema } from '../incident/severity';
import { BridgeSchema } from './schemas';

export const IncidentTypeSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  description: z.string().trim().max(1000).optional(),
  /** Replaces the service's policy while the incident has this type ("security -> security lead -> CISO"). */
  escalationPolicyId: IdSchema.optional(),
  /** An incident of this type is at least this severe (SEV1 is the most severe). */
  severityFloor: SeveritySchema.optional(),
  /** Roles the response needs: assigned from their rotations on open, and reminded until held. */
  requiredRoles: z.array(IdSchema).default([]),
  /** Templates preferred for this type's messages (over the general ones of the same kind and audience). */
  templates: z.array(IdSchema).default([]),
  /** The type's conference bridge: before the service's and the team's. */
  bridge: BridgeSchema.optional(),
}).superRefine((t, ctx) => {
  reportDuplicates(
    ctx,
    t.requiredRoles,
    (r) => r,
    (i) => ['requiredRoles', i],
    'role',
  );
});
export type IncidentType = z.infer<typeof IncidentTypeSchema>;
