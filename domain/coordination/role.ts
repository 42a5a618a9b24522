/**
 * Response roles (incident commander, communications lead, scribe, ...). Each may have a
 * rotation: a primary and a secondary schedule, whose on-call person takes the role when a
 * rule assigns it. A role can be limited to the people of its rotation.
 *
 * Zod-free on purpose: workflow code imports it (test/workflows/bundle.test.ts); RoleSchema is
 * in schemas.ts.
 */
import type { Schedule } from '../oncall/schedule';
import type { Severity } from '../incident/severity-levels';
import type { Role } from './schemas';

export type { Role };

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
