/**
 * The incident channel. Once the incident matches its service's channel rule (severity and
 * tier, ServicePlan.incidentChannel; also when raised to such a severity later), a Slack
 * channel `inc-<number>-<slug>` opens with the topic, the bridge and incident page
 * bookmarked and an announcement with the severity's urgency. From then on every timeline
 * entry, whatever its kind, is posted there, the topic follows severity, status and holder,
 * and the people paged are invited.
 *
 * Nothing here stands in front of a page: the activities run on their own task queue, their
 * failures are logged and never retried here beyond the profile, and resolution does not
 * wait for a call in flight. On resolution the channel is handed to its own child workflow
 * (incidentChannelCloseWorkflow, parent close policy abandon), which posts the last entries
 * and archives the channel `archiveAfterMinutes` later; the incident waits only for that
 * child to start.
 */
import {
  CancellationScope,
  ParentClosePolicy,
  isCancellation,
  log,
  proxyActivities,
  sleep,
  startChild,
  workflowInfo,
  condition,
} from '@temporalio/workflow';
import type { IncidentChannelActivities } from '../../activities/incident-channel';
import { INCIDENT_CHANNEL_PROFILE } from '../activity-profiles';
import { incidentBridge } from '../../domain/coordination/bridge';
import {
  incidentChannelTaskQueue,
  type ChannelEntry,
  type SyncChannelInput,
} from '../../domain/coordination/channel-activity';
import {
  ANNOUNCEMENT_URGENCY,
  channelEntryText,
  channelName,
  channelTopic,
  channelWanted,
} from '../../domain/coordination/incident-channel';
import type { IncidentState } from '../../domain/incident/incident';
import type { ServicePlan } from '../../domain/incident/plan';
import type { IncidentRun } from './incident-run';
import { numberSettled } from './preparation';

/** The last entries the close hands over (earlier ones were posted while the incident ran). */
const CLOSE_ENTRIES = 100;

function activitiesFor(taskQueue?: string) {
  return proxyActivities<IncidentChannelActivities>({
    ...INCIDENT_CHANNEL_PROFILE,
    ...(taskQueue ? { taskQueue } : {}),
  });
}

/** The channel queue when the worker serves the per-channel queues (recorded with the plan). */
function channelQueue(plan: ServicePlan): string | undefined {
  return plan.notifyTaskQueues ? incidentChannelTaskQueue(workflowInfo().taskQueue) : undefined;
}

export function channelSyncInput(s: IncidentState, from: number): SyncChannelInput {
  const entries: ChannelEntry[] = s.timeline
    .map((e, index) => ({ index, text: channelEntryText(e) }))
    .slice(Math.max(from, s.timeline.length - CLOSE_ENTRIES));
  // The people paged, the role holders (each assignment and handover), the acknowledger.
  const userIds = [
    ...(s.escalation?.userIds ?? []),
    ...(s.assignedUserIds ?? []),
    ...(s.roles ?? []).map((r) => r.userId),
  ];
  if (s.acknowledgedBy) userIds.push(s.acknowledgedBy.replace(/^user:/, ''));
  return {
    incidentKey: `${s.incidentId}:${s.runKey}`,
    entries,
    topic: channelTopic(s),
    userIds: [...new Set(userIds)],
  };
}

/** Runs `call` until it ends or the incident resolves, whichever is first. */
async function untilResolved<T>(run: IncidentRun, call: () => Promise<T>): Promise<T | undefined> {
  const scope = new CancellationScope();
  const done = scope.run(call).then(
    (value) => ({ value }),
    (err: unknown) => ({ err }),
  );
  const outcome = await Promise.race([done, condition(() => run.state.status === 'resolved').then(() => undefined)]);
  if (!outcome) {
    scope.cancel();
    return undefined;
  }
  if ('err' in outcome) {
    if (!isCancellation(outcome.err)) log.warn('incident channel call failed', { error: String(outcome.err) });
    return undefined;
  }
  return outcome.value;
}

export async function runIncidentChannel(run: IncidentRun): Promise<void> {
  const rule = run.plan.incidentChannel;
  if (!rule) return;
  const resolved = () => run.state.status === 'resolved';
  // The channel is named after the number, which a new incident takes right after its first page.
  await condition(() => resolved() || (channelWanted(rule, run.state.severity) && numberSettled(run)));
  if (resolved()) return;
  const slack = activitiesFor(channelQueue(run.plan));
  const s = run.state;
  const bridge = incidentBridge(run.plan.bridges, s);
  run.channelState = 'open';
  const opened = await untilResolved(run, () =>
    slack.openIncidentChannel({
      incidentKey: `${s.incidentId}:${s.runKey}`,
      incidentId: s.incidentId,
      name: channelName(s.number ?? 0, s.summary),
      topic: channelTopic(s),
      headline: `[${s.severity}] #${s.number ?? '?'} ${s.service}: ${s.summary}`,
      urgency: ANNOUNCEMENT_URGENCY[s.severity],
      ...(bridge ? { bridge } : {}),
    }),
  );
  let posted = 0;
  let syncedSeq = -1;
  while (opened && !resolved()) {
    const snapshot = run.state;
    const result = await untilResolved(run, () => slack.syncIncidentChannel(channelSyncInput(snapshot, posted)));
    if (result) posted = result.postedCount;
    syncedSeq = snapshot.seq;
    await condition(() => resolved() || run.state.seq > syncedSeq);
  }
  await startChild(incidentChannelCloseWorkflow, {
    workflowId: `${run.incidentId}-channel-${run.runKey}`,
    args: [
      {
        sync: channelSyncInput(run.state, posted),
        archiveAfterMs: rule.archiveAfterMinutes * run.plan.minuteMs,
        activityTaskQueue: channelQueue(run.plan),
      },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `Close the channel of #${run.state.number ?? '?'} ${run.state.service}`,
  });
  run.channelState = 'handed-over';
}

export interface IncidentChannelCloseInput {
  sync: SyncChannelInput;
  archiveAfterMs: number;
  activityTaskQueue?: string;
}

/** Posts the resolved incident's last entries and topic, then archives its channel after the delay. */
export async function incidentChannelCloseWorkflow(input: IncidentChannelCloseInput): Promise<{ archived: boolean }> {
  const slack = activitiesFor(input.activityTaskQueue);
  try {
    const { found } = await slack.syncIncidentChannel(input.sync);
    if (!found) return { archived: false };
  } catch (err) {
    log.warn('could not post the resolution to the incident channel', { error: String(err) });
  }
  await sleep(input.archiveAfterMs);
  return slack.archiveIncidentChannel({ incidentKey: input.sync.incidentKey });
}
