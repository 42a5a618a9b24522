/**
 * What the incident workflow knows of incident types and roles: read from configuration
 * when the incident opens and when its type changes, so the rotations' on-call people are
 * those of that moment. Read-only: safe to retry.
 */
import type { ConfigSnapshot } from '../lib/models/config';
import {
  ROLE_REMINDER_MINUTES,
  rotationMembers,
  tierDefaults,
  type CoordinationPlan,
  type PlannedRole,
  type Role,
} from '../domain/coordination';
import { onCallAt, type Schedule } from '../domain/oncall';

/** The primary schedule's on-call person, else the secondary's. */
function rotationOnCall(role: Role, schedules: readonly Schedule[], now: Date): string[] {
  for (const id of [role.rotation?.primaryScheduleId, role.rotation?.secondaryScheduleId]) {
    const schedule = schedules.find((s) => s.id === id);
    const who = schedule ? onCallAt(schedule, now).userIds : [];
    if (who.length > 0) return who;
  }
  return [];
}

export function coordinationPlan(snap: ConfigSnapshot, serviceId: string, now: Date): CoordinationPlan {
  const service = snap.services.find((s) => s.id === serviceId);
  const roles = snap.roles.map((r): PlannedRole => ({
    id: r.id,
    name: r.name,
    rotationOnly: r.rotationOnly,
    communications: r.communications,
    assignOnSeverities: r.assignOnSeverities,
    members: rotationMembers(r, snap.schedules),
    onCall: rotationOnCall(r, snap.schedules, now),
  }));
  const types = snap.incidentTypes.map(({ id, name, escalationPolicyId, severityFloor, requiredRoles }) => ({
    id,
    name,
    requiredRoles,
    ...(escalationPolicyId ? { escalationPolicyId } : {}),
    ...(severityFloor ? { severityFloor } : {}),
  }));
  const severityFloor = service?.severityFloor ?? tierDefaults(service?.tier).severityFloor;
  return { types, roles, ...(severityFloor ? { severityFloor } : {}), reminderMinutes: ROLE_REMINDER_MINUTES };
}

export function createCoordinationActivities(deps: { loadConfigSnapshot: () => Promise<ConfigSnapshot> }) {
  return {
    /** Types, roles (with their rotations' people now) and the service's severity floor. */
    async loadCoordinationPlan(input: { serviceId: string }): Promise<CoordinationPlan> {
      return coordinationPlan(await deps.loadConfigSnapshot(), input.serviceId, new Date());
    },
  };
}
