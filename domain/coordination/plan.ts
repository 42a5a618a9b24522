/**
 * What the incident workflow knows of types and roles: loaded with the service plan by the
 * coordination activity (activities/coordination.ts), recorded in history with it.
 */
import type { IncidentState } from '../incident/incident';
import type { Severity } from '../incident/severity-levels';
import type { PagePlan } from '../status-page/publication';
import type { IncidentType } from './incident-type';
import { rolesNeeded, type Role } from './role';

export interface PlannedRole extends Pick<Role, 'id' | 'name' | 'rotationOnly' | 'communications'> {
  assignOnSeverities: Severity[];
  /** Everyone on the rotation's schedules (who may hold it when `rotationOnly`). */
  members: string[];
  /** Who takes it now: the primary schedule's on-call person, else the secondary's; empty without a rotation. */
  onCall: string[];
}

export interface CoordinationPlan {
  types: Array<Pick<IncidentType, 'id' | 'name' | 'escalationPolicyId' | 'severityFloor' | 'requiredRoles'>>;
  roles: PlannedRole[];
  /** The service's floor (its own, else its tier's): incidents are raised to it on open. */
  severityFloor?: Severity;
  /** How often an unfilled role reminds the incident's holder. */
  reminderMinutes: number;
  /**
   * The status pages the service's incidents may publish on, looked up with the plan (no
   * activity of its own). Absent in plans recorded before: those runs ask planStatusPages.
   */
  statusPages?: PagePlan[];
  /**
   * Whether the service lists stakeholders (emails or Slack channels) to tell. False: no
   * message is composed (nobody would hear it). Absent in plans recorded before: composed.
   */
  stakeholderLists?: boolean;
}

/** Minutes between reminders of an unfilled role. */
export const ROLE_REMINDER_MINUTES = 10;

export const typeOf = (plan: CoordinationPlan, id: string | undefined) => plan.types.find((t) => t.id === id);
export const roleOf = (plan: CoordinationPlan, id: string) => plan.roles.find((r) => r.id === id);

/** Who holds the incident's communications role (the first such role held), if anyone. */
export function communicationsLead(run: {
  coordination: CoordinationPlan | undefined;
  state: Pick<IncidentState, 'roles'>;
}): string | undefined {
  const roles = run.coordination?.roles.filter((r) => r.communications).map((r) => r.id) ?? [];
  return run.state.roles?.find((h) => roles.includes(h.roleId))?.userId;
}

/** Roles the incident needs now: its type's and those of its severity. */
export function neededRoles(plan: CoordinationPlan, severity: Severity, typeId: string | undefined): string[] {
  return rolesNeeded(plan.roles, severity, typeOf(plan, typeId)?.requiredRoles).filter((id) => roleOf(plan, id));
}
