/**
 * What the incident workflow's parts share: the current state with one way to change it,
 * the service plan, and the activity stubs. Workflow code only (deterministic).
 */
import { ApplicationFailure, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { NotifyActivities } from '../activities/notify';
import type { OnCallActivities } from '../activities/oncall';
import { LOOKUP_PROFILE, NOTIFY_PROFILE } from './activity-profiles';
import { IncidentAcknowledgedByKey, IncidentSeverityKey, IncidentStatusKey } from './contract';
import type { IncidentState } from '../domain/incident/incident';
import { notifyTaskQueue } from '../domain/incident/notification';
import type { ServicePlan } from '../domain/incident/plan';
import { postedMessagesOf, type PostedMessage } from '../domain/incident/posted-message';

export const oncall = proxyActivities<OnCallActivities>(LOOKUP_PROFILE);
/** Sends on the incident's own task queue: plans that predate per-channel queues, and tests. */
export const notify = proxyActivities<NotifyActivities>(NOTIFY_PROFILE);
const channelNotify = new Map<string, NotifyActivities>();

/**
 * The notify stub for one channel type. When the plan says the worker serves per-channel
 * queues (ServicePlan.notifyTaskQueues, recorded in history with the plan, so replay
 * takes the same branch), sends go to `<incident task queue>-notify-<type>`, where a
 * channel's own worker and rate limit keep one channel's trouble from delaying another;
 * otherwise to the incident's task queue.
 */
export function notifyFor(plan: ServicePlan, channelType: string): NotifyActivities {
  if (!plan.notifyTaskQueues) return notify;
  const taskQueue = notifyTaskQueue(workflowInfo().taskQueue, channelType);
  let stub = channelNotify.get(taskQueue);
  if (!stub) {
    stub = proxyActivities<NotifyActivities>({ ...NOTIFY_PROFILE, taskQueue });
    channelNotify.set(taskQueue, stub);
  }
  return stub;
}

export interface Ctx {
  /** The incident; throws before the first alert has opened it. */
  state(): IncidentState;
  opened(): boolean;
  /** Opens the incident (first alert). */
  open(state: IncidentState): void;
  /** Applies a pure transition; keeps search attributes in step with status and severity. */
  apply(fn: (s: IncidentState) => IncidentState): void;
  plan: ServicePlan;
  /** Bumped by the escalate update: the current step ends now. */
  manualEscalations: number;
  /** Bumped by a severity change: SLA timers re-plan. */
  severityVersion: number;
  /** Posted messages that can be updated in place (messages.ts). */
  messages: PostedMessage[];
  /** Sends in flight: the incident ends only after their messages are recorded and updated. */
  sending: number;
}

export function createCtx(initial: IncidentState | undefined, plan: ServicePlan): Ctx {
  let state = initial;
  const current = (): IncidentState => {
    if (!state) throw ApplicationFailure.nonRetryable('incident has not been opened yet', 'NotOpen');
    return state;
  };
  return {
    state: current,
    opened: () => state !== undefined,
    open(s) {
      state = s;
    },
    apply(fn) {
      const before = current();
      const after = fn(before);
      state = after;
      const updates = [];
      if (after.status !== before.status) updates.push({ key: IncidentStatusKey, value: after.status });
      if (after.severity !== before.severity) updates.push({ key: IncidentSeverityKey, value: after.severity });
      if (after.acknowledgedBy !== before.acknowledgedBy) {
        updates.push({ key: IncidentAcknowledgedByKey, value: after.acknowledgedBy ?? null });
      }
      if (updates.length > 0) upsertSearchAttributes(updates as Parameters<typeof upsertSearchAttributes>[0]);
    },
    plan,
    manualEscalations: 0,
    severityVersion: 0,
    messages: initial ? postedMessagesOf(initial) : [],
    sending: 0,
  };
}

export const nowIso = (): string => new Date().toISOString(); // workflow time: replay-safe
export const nowMs = (): number => Date.now();
export const workflowId = (): string => workflowInfo().workflowId;
