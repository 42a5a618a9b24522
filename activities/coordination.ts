/**
 * What the incident workflow knows of incident types and roles: read from configuration
 * when the incident opens and when its type changes, so the rotations' on-call people are
 * those of that moment. Read-only: safe to retry.
 */
import type { ConfigSnapshot } from '../lib/models/config';
import {
  composeStakeholderMessage,
  ROLE_REMINDER_MINUTES,
  stakeholderRecipients,
  rotationMembers,
  tierDefaults,
  type ComposedMessage,
  type CoordinationPlan,
  type PlannedRole,
  type Role,
  type TemplateKind,
} from '../domain/coordination';
import { onCallAt, type Schedule } from '../domain/oncall';
import { pagePlansForService } from '../domain/status-page/page';
import { severityTargets, type IncidentState } from '../domain/incident';

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
  return {
    types,
    roles,
    ...(severityFloor ? { severityFloor } : {}),
    reminderMinutes: ROLE_REMINDER_MINUTES,
    statusPages: pagePlansForService(snap.statusPages, service),
    stakeholderLists: stakeholderRecipients(service?.stakeholders).length > 0,
  };
}

/** The stakeholders' message of the kind, rendered from configuration as it is now. */
export function stakeholderMessage(
  snap: ConfigSnapshot,
  input: { state: IncidentState; kind: TemplateKind },
  now: Date,
  publicUrl?: string,
): ComposedMessage {
  const s = input.state;
  const service = snap.services.find((x) => x.id === s.service);
  const every = severityTargets(s.severity, service?.severityOverrides).updateEveryMinutes;
  const page = (path: string) => (publicUrl ? new URL(path, publicUrl).href : undefined);
  const incident = page(`/incidents/${encodeURIComponent(s.incidentId)}`);
  return composeStakeholderMessage({ service, templates: snap.templates, types: snap.incidentTypes }, s, input.kind, {
    now: now.toISOString(),
    names: Object.fromEntries(snap.users.map((u) => [u.id, u.name])),
    ...(every === undefined ? {} : { updateEveryMinutes: every }),
    links: { ...(incident ? { incident, review: `${incident}#review` } : {}) },
  });
}

export function createCoordinationActivities(deps: {
  loadConfigSnapshot: () => Promise<ConfigSnapshot>;
  /** VIGIL_PUBLIC_URL: the incident's page in the stakeholders' messages; absent: no link. */
  publicUrl?: string;
}) {
  return {
    /**
     * The stakeholders' message of a kind for the incident (its service's lists, the
     * template of audience stakeholders, rendered), or why nobody hears it. Read-only.
     */
    async composeStakeholderMessage(input: { state: IncidentState; kind: TemplateKind }): Promise<ComposedMessage> {
      return stakeholderMessage(await deps.loadConfigSnapshot(), input, new Date(), deps.publicUrl);
    },
    /** Types, roles (with their rotations' people now) and the service's severity floor. */
    async loadCoordinationPlan(input: { serviceId: string }): Promise<CoordinationPlan> {
      return coordinationPlan(await deps.loadConfigSnapshot(), input.serviceId, new Date());
    },
  };
}
