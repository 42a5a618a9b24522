/**
 * Response roles (incident commander, communications lead, scribe, ...). Each may have a
 * rotation: a primary and a secondary schedule, whose on-call person takes the role when a
 * rule assigns it. A role can be limited to the people of its rotation.
 */
import { z } from 'zod';
import { IdSchema, NameSchema, strictObject } from '../common/fields';
import type { Schedule } from '../oncall/schedule';
import { SeveritySchema, type Severity } from '../incident/severity';

export const RoleRotationSchema = strictObject({
  primaryScheduleId: IdSchema,
  /** Takes the role when the primary schedule has nobody on call. */
  secondaryScheduleId: IdSchema.optional(),
});

export const RoleSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  description: z.string().trim().max(1000).optional(),
  rotation: RoleRotationSchema.optional(),
  /** Only people on the rotation's schedules may hold the role (needs a rotation). */
  rotationOnly: z.boolean().default(false),
  /** The holder is reminded of the stakeholder-update cadence (the communications lead). */
  communications: z.boolean().default(false),
  /** Assigned (and paged) on open for incidents of these severities, whatever their type. */
  assignOnSeverities: z.array(SeveritySchema).default([]),
}).superRefine((role, ctx) => {
  if (role.rotationOnly && !role.rotation) {
    ctx.addIssue({ code: 'custom', path: ['rotationOnly'], message: 'needs a rotation to limit the role to' });
  }
});
export type Role = z.infer<typeof RoleSchema>;

/** Everyone a schedule can put on call: its layers' participants and its overrides' people. */
export function scheduleMembers(schedule: Pick<Schedule, 'layers' | 'overrides'>): string[] {
  const ids = [...schedule.layers.flatMap((l) => l.participants), ...schedule.overrides.map((o) => o.userId)];
  return [...new Set(ids)];
}

/** The people of a role's rotation (both schedules); empty without a rotation. */
export function rotationMembers(role: Pick<Role, 'rotation'>, schedules: readonly Schedule[]): string[] {
  const ids = [role.rotation?.primaryScheduleId, role.rotation?.secondaryScheduleId];
  const found = schedules.filter((s) => ids.includes(s.id));
  return [...new Set(found.flatMap(scheduleMembers))];
}

/**
 * The roles an incident needs: those its type requires, then those assigned by severity,
 * in that order, without repeats.
 */
export function rolesNeeded(
  roles: ReadonlyArray<Pick<Role, 'id' | 'assignOnSeverities'>>,
  severity: Severity,
  typeRoles: readonly string[] = [],
): string[] {
  const bySeverity = roles.filter((r) => r.assignOnSeverities.includes(severity)).map((r) => r.id);
  return [...new Set([...typeRoles, ...bySeverity])];
}
