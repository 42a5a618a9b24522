/**
 * Types and roles on the incident: the pure transitions the workflow applies, and why a
 * command is refused. A role has at most one holder; assigning it to someone else hands it over.
 */
import { recordEvent } from '../incident/commands';
import { commandEvent, type IncidentCommand, type IncidentState } from '../incident/incident';
import { neededRoles, roleOf, typeOf, type CoordinationPlan } from './plan';

export interface RoleHolder {
  roleId: string;
  userId: string;
  /** When they took it, and who gave it to them. */
  since: string;
  by: string;
}

export interface SetTypeCommand extends IncidentCommand {
  type: string;
}
export interface AssignRoleCommand extends IncidentCommand {
  roleId: string;
  userId: string;
}
export interface ReleaseRoleCommand extends IncidentCommand {
  roleId: string;
}

/** The failure type of a refusal about what the caller named (the API answers 422). */
export const COORDINATION_REFUSED = 'CoordinationRefused';

const list = (ids: string[]) => (ids.length > 0 ? ids.join(', ') : 'none configured');

/** What the caller named that does not exist or may not hold the role (an input problem, 422). */
export function badCoordinationInput(
  cmd: Partial<SetTypeCommand & AssignRoleCommand>,
  plan: CoordinationPlan,
  knownUserIds: readonly string[],
): string | undefined {
  if (cmd.type !== undefined && !typeOf(plan, cmd.type)) {
    return `unknown incident type "${cmd.type}"; known: ${list(plan.types.map((t) => t.id))}`;
  }
  if (cmd.roleId === undefined) return undefined;
  const role = roleOf(plan, cmd.roleId);
  if (!role) return `unknown role "${cmd.roleId}"; known: ${list(plan.roles.map((r) => r.id))}`;
  if (cmd.userId === undefined) return undefined;
  if (!knownUserIds.includes(cmd.userId)) return `unknown user "${cmd.userId}"`;
  if (role.rotationOnly && !role.members.includes(cmd.userId)) {
    return `user "${cmd.userId}" is not on the rotation of role "${cmd.roleId}"`;
  }
  return undefined;
}

/** Why the command does not fit the incident as it is (a conflict, 409). */
export function refuseCoordination(
  state: IncidentState,
  cmd: Partial<SetTypeCommand & AssignRoleCommand>,
): string | undefined {
  if (state.status === 'resolved') return `incident is already resolved (by ${state.resolvedBy})`;
  if (cmd.type !== undefined)
    return state.incidentType === cmd.type ? `incident type is already "${cmd.type}"` : undefined;
  if (cmd.roleId === undefined) return undefined;
  const holder = holderOf(state, cmd.roleId);
  if (cmd.userId === undefined) return holder ? undefined : `nobody holds role "${cmd.roleId}"`;
  return holder?.userId === cmd.userId ? `${cmd.userId} already holds role "${cmd.roleId}"` : undefined;
}

export const holderOf = (state: IncidentState, roleId: string): RoleHolder | undefined =>
  state.roles?.find((r) => r.roleId === roleId);

/** The type is set; `why` adds what it changes (its policy, its floor) to the timeline entry. */
export function setType(state: IncidentState, cmd: SetTypeCommand, now: string, why = ''): IncidentState {
  const from = state.incidentType;
  const message = `${from ? `Type changed ${from} -> ${cmd.type}` : `Type set to ${cmd.type}`} by ${cmd.by}${why}`;
  const event = commandEvent('type_set', message, cmd, now);
  return recordEvent(state, { ...event, data: { ...event.data, from, to: cmd.type } }, { incidentType: cmd.type });
}

export function assignRole(state: IncidentState, cmd: AssignRoleCommand, now: string): IncidentState {
  const before = holderOf(state, cmd.roleId);
  const message = before
    ? `Role ${cmd.roleId} handed over ${before.userId} -> ${cmd.userId} by ${cmd.by}`
    : `Role ${cmd.roleId} assigned to ${cmd.userId} by ${cmd.by}`;
  const event = commandEvent('role_assigned', message, cmd, now);
  const holder: RoleHolder = { roleId: cmd.roleId, userId: cmd.userId, since: now, by: cmd.by };
  const roles = [...(state.roles ?? []).filter((r) => r.roleId !== cmd.roleId), holder];
  const data = { ...event.data, roleId: cmd.roleId, userId: cmd.userId, ...(before ? { from: before.userId } : {}) };
  return recordEvent(state, { ...event, data }, { roles });
}

export function releaseRole(state: IncidentState, cmd: ReleaseRoleCommand, now: string): IncidentState {
  const before = holderOf(state, cmd.roleId);
  const event = commandEvent('role_released', `Role ${cmd.roleId} released by ${cmd.by}`, cmd, now);
  const data = { ...event.data, roleId: cmd.roleId, ...(before ? { userId: before.userId } : {}) };
  return recordEvent(state, { ...event, data }, { roles: (state.roles ?? []).filter((r) => r.roleId !== cmd.roleId) });
}

/** Roles the incident needs that nobody holds. */
export function unfilledRoles(state: IncidentState, plan: CoordinationPlan): string[] {
  return neededRoles(plan, state.severity, state.incidentType).filter((id) => !holderOf(state, id));
}
