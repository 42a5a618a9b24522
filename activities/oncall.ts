import { loadConfigSnapshot, type ConfigSnapshot } from '../lib/models/config';
import { IncidentNumberModel } from '../lib/models/incident-number';
import type { Logger } from '../lib/logger';
import { inMaintenance, servicePolicyId, type User } from '../domain/config';
import {
  severityTargets,
  SEVERITIES,
  type Recipient,
  type Recipients,
  type ServicePlan,
  type Severity,
  type SeverityTargets,
} from '../domain/incident';
import { resolveLevel } from '../domain/oncall';

const DUPLICATE_KEY = 11000;

function toRecipient(users: readonly User[], userId: string): Recipient | undefined {
  const user = users.find((u) => u.id === userId);
  if (!user) return undefined;
  const rules = user.notificationRules
    .map((r) => ({ delayMinutes: r.delayMinutes, method: user.contactMethods.find((m) => m.id === r.contactMethodId) }))
    .filter((r): r is { delayMinutes: number; method: User['contactMethods'][number] } => r.method !== undefined)
    .sort((a, b) => a.delayMinutes - b.delayMinutes)
    .map((r) => ({
      delayMinutes: r.delayMinutes,
      contactMethod: { id: r.method.id, type: r.method.type, address: r.method.address },
    }));
  return { userId, name: user.name, timeZone: user.timezone, rules };
}

function recipientsFor(snap: ConfigSnapshot, userIds: readonly string[], problems: string[]): Recipients {
  const recipients: Recipient[] = [];
  for (const id of userIds) {
    const r = toRecipient(snap.users, id);
    if (r) recipients.push(r);
    else problems.push(`user "${id}" does not exist`);
  }
  return { recipients, problems };
}

/**
 * What the incident workflow needs from configuration. Read at the moment of each call,
 * so changes to schedules and policies apply to running incidents at their next page.
 * All activities here are read-only or idempotent: safe to retry (profile "persist").
 */
export function createOnCallActivities(deps: { log: Logger; minuteMs: number }) {
  return {
    async loadServicePlan(input: { serviceId: string; policyId?: string }): Promise<ServicePlan> {
      const snap = await loadConfigSnapshot();
      const service = snap.services.find((s) => s.id === input.serviceId);
      // A service that names a team but no policy is paged by the team's default policy.
      const policyId = input.policyId ?? (service && servicePolicyId(service, snap.teams));
      const policy = snap.escalationPolicies.find((p) => p.id === policyId);
      const targets = Object.fromEntries(
        SEVERITIES.map((sev) => [sev, severityTargets(sev, service?.severityOverrides)]),
      ) as Record<Severity, SeverityTargets>;
      return {
        found: Boolean(service),
        serviceName: service?.name,
        ...(service ? { tier: service.tier } : {}),
        teamId: service?.teamId,
        policy,
        targets,
        inMaintenance: service ? inMaintenance(service, new Date()) : false,
        autoResolve: service?.autoResolve ?? { mode: 'never' },
        knownUserIds: snap.users.map((u) => u.id),
        knownPolicyIds: snap.escalationPolicies.map((p) => p.id),
        minuteMs: deps.minuteMs,
      };
    },

    /** Who a policy level pages now (schedules resolved at this instant), or named people, or a team. */
    async resolveRecipients(input: {
      policyId?: string;
      level?: number;
      userIds?: string[];
      teamId?: string;
    }): Promise<Recipients> {
      const snap = await loadConfigSnapshot();
      const problems: string[] = [];
      if (input.userIds) return recipientsFor(snap, input.userIds, problems);
      if (input.teamId) {
        const team = snap.teams.find((t) => t.id === input.teamId);
        if (!team) problems.push(`team "${input.teamId}" does not exist`);
        return recipientsFor(snap, team?.members.map((m) => m.userId) ?? [], problems);
      }
      const policy = snap.escalationPolicies.find((p) => p.id === input.policyId);
      if (!policy || input.level === undefined || !policy.levels[input.level]) {
        return {
          recipients: [],
          problems: [`escalation policy "${input.policyId}" has no level ${(input.level ?? 0) + 1}`],
        };
      }
      const level = resolveLevel(policy, input.level, snap, new Date());
      for (const t of level.unresolved) problems.push(`${t.type} "${t.id}" does not exist`);
      for (const t of level.empty) problems.push(`${t.type} "${t.id}" has nobody to page`);
      return recipientsFor(snap, level.userIds, problems);
    },

    /** The incident's number: the same on every retry, never shared (see IncidentNumberModel). */
    async allocateIncidentNumber(input: { incidentKey: string }): Promise<number> {
      for (let attempt = 0; attempt < 50; attempt++) {
        const mine = await IncidentNumberModel.findOne({ incidentKey: input.incidentKey }).lean();
        if (mine) return mine._id;
        const last = await IncidentNumberModel.findOne({}).sort({ _id: -1 }).lean();
        const next = (last?._id ?? 0) + 1;
        try {
          await IncidentNumberModel.create({ _id: next, incidentKey: input.incidentKey, createdAt: new Date() });
          return next;
        } catch (err) {
          if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
          deps.log.debug({ next }, 'incident number taken concurrently; retrying');
        }
      }
      throw new Error('could not allocate an incident number after 50 attempts');
    },
  };
}

export type OnCallActivities = ReturnType<typeof createOnCallActivities>;
