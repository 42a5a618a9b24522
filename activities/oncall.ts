import { loadConfigSnapshot as loadConfigFromStore, type ConfigSnapshot } from '../lib/models/config';
import { createCoordinationActivities } from './coordination';
import { numberAllocator } from './incident-number';
import { Context } from '@temporalio/activity';
import type { Logger } from '../lib/logger';
import type { WorkerMetrics } from '../lib/metrics';
import { toEpochMs } from '../domain/common/fields';
import { inMaintenance, servicePolicyId, type Service, type User } from '../domain/config';
import {
  MAINTENANCE_HORIZON_DAYS,
  severityTargets,
  SEVERITIES,
  type Recipient,
  type Recipients,
  type ServicePlan,
  type Severity,
  type SeverityTargets,
  type WindowInstants,
} from '../domain/incident';
import { resolveLevel } from '../domain/oncall';
import { channelRule } from '../domain/coordination/incident-channel';
import { planBridges } from '../domain/coordination/bridge';

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

/** The service's windows overlapping [now, now + horizon), as ISO instants, in start order. */
function windowsAhead(service: Pick<Service, 'maintenanceWindows'>, now: Date): WindowInstants[] {
  const from = now.getTime();
  const to = from + MAINTENANCE_HORIZON_DAYS * 24 * 3_600_000;
  return service.maintenanceWindows
    .map((w) => ({ start: toEpochMs(w.start), end: toEpochMs(w.end) }))
    .filter((w) => w.end > from && w.start < to)
    .sort((a, b) => a.start - b.start)
    .map((w) => ({ start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() }));
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

/** Who a policy's level pages at this instant, with what could not be resolved. */
function levelRecipients(snap: ConfigSnapshot, policyId: string | undefined, index: number | undefined): Recipients {
  const policy = snap.escalationPolicies.find((p) => p.id === policyId);
  if (!policy || index === undefined || !policy.levels[index]) {
    return { recipients: [], problems: [`escalation policy "${policyId}" has no level ${(index ?? 0) + 1}`] };
  }
  const level = resolveLevel(policy, index, snap, new Date());
  const problems = [
    ...level.unresolved.map((t) => `${t.type} "${t.id}" does not exist`),
    ...level.empty.map((t) => `${t.type} "${t.id}" has nobody to page`),
  ];
  return recipientsFor(snap, level.userIds, problems);
}

/** The service's channel rule and bridges (its own, its team's, the incident types'). */
export function channelAndBridges(
  service: Service,
  snap: ConfigSnapshot,
): Pick<ServicePlan, 'incidentChannel' | 'bridges'> {
  const bridges = planBridges(service, snap.teams, snap.incidentTypes);
  return { incidentChannel: channelRule(service), ...(bridges ? { bridges } : {}) };
}

/** First attempt only: a retry's delay is the activity's, not the timer's. */
export function observeLateness(
  metrics: Pick<WorkerMetrics, 'escalationLateness'> | undefined,
  dueAt: string | undefined,
) {
  const due = dueAt === undefined ? NaN : Date.parse(dueAt);
  if (!metrics || !Number.isFinite(due) || attempt() > 1) return;
  metrics.escalationLateness.observe(Math.max(0, Date.now() - due) / 1000);
}

function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // called outside an activity (tests)
  }
}

/**
 * What the incident workflow needs from configuration. Read at the moment of each call,
 * so changes to schedules and policies apply to running incidents at their next page.
 * All activities here are read-only or idempotent: safe to retry (profile "persist").
 */
export function createOnCallActivities(deps: {
  log: Logger;
  minuteMs: number;
  metrics?: Pick<WorkerMetrics, 'escalationLateness'>;
  /** VIGIL_PUBLIC_URL, for links in the stakeholders' messages. */
  publicUrl?: string;
  /** Where configuration is read (default: MongoDB at every call); the worker keeps it by revision. */
  loadConfig?: () => Promise<ConfigSnapshot>;
}) {
  const loadConfigSnapshot = coalesce(deps.loadConfig ?? loadConfigFromStore);
  const takeNumber = numberAllocator(deps.log);
  return {
    ...createCoordinationActivities({ loadConfigSnapshot, publicUrl: deps.publicUrl }),
    /** The plan; with `withFirstLevel`, also who level 1 pages now (one read instead of two before a first page). */
    async loadServicePlan(input: {
      serviceId: string;
      policyId?: string;
      withFirstLevel?: boolean;
    }): Promise<ServicePlan> {
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
        ...(service ? channelAndBridges(service, snap) : {}),
        teamId: service?.teamId,
        policy,
        targets,
        inMaintenance: service ? inMaintenance(service, new Date()) : false,
        maintenanceWindows: service ? windowsAhead(service, new Date()) : [],
        autoResolve: service?.autoResolve ?? { mode: 'never' },
        knownUserIds: snap.users.map((u) => u.id),
        knownPolicyIds: snap.escalationPolicies.map((p) => p.id),
        minuteMs: deps.minuteMs,
        ...(input.withFirstLevel && policy ? { firstLevel: levelRecipients(snap, policy.id, 0) } : {}),
      };
    },

    /** Who a policy level pages now (schedules resolved at this instant), or named people, or a team. */
    async resolveRecipients(input: {
      policyId?: string;
      level?: number;
      userIds?: string[];
      teamId?: string;
      /** Set when an escalation timer ran out: when it was due (ISO); observed once as its lateness. */
      dueAt?: string;
    }): Promise<Recipients> {
      observeLateness(deps.metrics, input.dueAt);
      const snap = await loadConfigSnapshot();
      const problems: string[] = [];
      if (input.userIds) return recipientsFor(snap, input.userIds, problems);
      if (input.teamId) {
        const team = snap.teams.find((t) => t.id === input.teamId);
        if (!team) problems.push(`team "${input.teamId}" does not exist`);
        return recipientsFor(snap, team?.members.map((m) => m.userId) ?? [], problems);
      }
      return levelRecipients(snap, input.policyId, input.level);
    },

    /** The incident's number: the same on every retry, never shared (see IncidentNumberModel). */
    async allocateIncidentNumber(input: { incidentKey: string }): Promise<number> {
      // Only a retry (or a later run of the same incident) can find a number already given.
      return takeNumber(input.incidentKey, { firstAsk: attempt() === 1 });
    },
  };
}

/**
 * Shares reads between concurrent callers without serving anything stale: a caller gets a
 * read that started after it asked. Callers arriving while a read runs share the next one,
 * so a storm of new incidents costs a read per read-time, not one per incident (FerretDB
 * was spending as much CPU on these as Temporal on the workflows).
 */
export function coalesce<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = () => {
    const p = read().finally(() => {
      if (running === p) running = undefined;
    });
    running = p;
    return p;
  };
  return () => {
    if (!running) return start();
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}

export type OnCallActivities = ReturnType<typeof createOnCallActivities>;
