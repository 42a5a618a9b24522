/**
 * What the incident workflow knows of configuration: the service plan it runs under and
 * the people it pages. The on-call activities build these from MongoDB; the workflow,
 * its tests and the activities share the types from here.
 */
import type { EscalationPolicy } from '../oncall/policy';
import type { PlanBridges } from '../coordination/bridge';
import type { ChannelRule } from '../coordination/incident-channel';
import type { WindowInstants } from './maintenance';
import type { NotificationRecipient } from './notification';
import { DEFAULT_SEVERITY_TARGETS, type Severity, type SeverityTargets } from './severity-levels';

export interface ServicePlan {
  found: boolean;
  serviceName?: string;
  /** The service's tier (1 = critical .. 4 = low); absent in plans recorded before it. */
  tier?: number;
  teamId?: string;
  policy?: EscalationPolicy;
  targets: Record<Severity, SeverityTargets>;
  /** In a window when the plan was loaded (plans recorded before `maintenanceWindows`). */
  inMaintenance: boolean;
  /**
   * The service's windows that overlap the next MAINTENANCE_HORIZON_DAYS, as instants: the
   * workflow follows them with its own clock and re-loads them (maintenance.ts). Absent in
   * plans recorded before them, which keep `inMaintenance` as it was at the start.
   */
  maintenanceWindows?: WindowInstants[];
  autoResolve: { mode: 'never' | 'immediately' | 'after_quiet'; quietMinutes?: number };
  /** Ids a reassign may name, as of now. */
  knownUserIds: string[];
  knownPolicyIds: string[];
  minuteMs: number;
  /**
   * Send each contact type on its own task queue (`<queue>-notify-<type>`). Set by the
   * worker that runs those queues; absent in plans recorded before them (and in tests that
   * run one queue), which keep sending on the incident's queue.
   */
  notifyTaskQueues?: boolean;
  /**
   * Who level 1 of the policy pages, resolved with the plan when the workflow asks for it
   * (`withFirstLevel`), so a new incident's first page needs no lookup of its own.
   */
  firstLevel?: Recipients;
  /**
   * When the incident gets a Slack channel (service setting or tier default); absent in plans
   * recorded before channels, and when the worker has no Slack configured (planForWorker).
   */
  incidentChannel?: ChannelRule;
  /** The service's and its team's bridges, and the incident types' (the incident's type's comes first). */
  bridges?: PlanBridges;
}

/** How far ahead the plan lists maintenance windows. */
export const MAINTENANCE_HORIZON_DAYS = 7;

/** Until the service plan is loaded: page nobody, default SLA targets. */
export const PLACEHOLDER_PLAN: ServicePlan = {
  found: false,
  targets: { ...DEFAULT_SEVERITY_TARGETS },
  inMaintenance: false,
  autoResolve: { mode: 'never' },
  knownUserIds: [],
  knownPolicyIds: [],
  minuteMs: 60_000,
};

/** One person to page and their personal notification rules, in delay order. */
export interface Recipient {
  userId: string;
  name?: string;
  /** user.timezone: the zone the person reads times in. */
  timeZone?: string;
  rules: Array<{ delayMinutes: number; contactMethod: NotificationRecipient['contactMethod'] }>;
}

export interface Recipients {
  recipients: Recipient[];
  /** Targets that named something that does not exist, or resolved to nobody. */
  problems: string[];
}
