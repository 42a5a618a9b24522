/**
 * The contract between the API, the worker and the workflows: task queue, message
 * definitions and search attribute keys. Clients import this module, never activities/.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { AlertEvent, IncidentCommand, IncidentState } from '../domain/incident/incident';
import type { ReassignCommand, SeverityCommand, SnoozeCommand } from '../domain/incident/commands';
import type { AssignRoleCommand, ReleaseRoleCommand, SetTypeCommand } from '../domain/coordination/incident-roles';
import type { ResolveCommand } from '../domain/incident/classification';
import type { ApprovalDecision, RunbookEvent, RunbookStarted, RunRunbookCommand } from '../domain/runbook/run';

export const DEFAULT_TASK_QUEUE = 'vigil-incidents';

/** A fact: an alert for this incident's key fired (again). */
export const alertFiredSignal = defineSignal<[AlertEvent]>('alertFired');
/**
 * Facts: several alerts for this incident's key, in the order received, each as if signalled
 * alone. The API sends the repeats that queued behind a signal in flight this way
 * (api/ingest/coalesce.ts); workers older than this signal do not know it (upgrade workers first).
 */
export const alertsFiredSignal = defineSignal<[AlertEvent[]]>('alertsFired');

/** Commands a responder may give; the workflow answers with its new state or refuses. */
export const acknowledgeUpdate = defineUpdate<IncidentState, [IncidentCommand]>('acknowledge');
export const resolveUpdate = defineUpdate<IncidentState, [ResolveCommand]>('resolve');
/** Page the next escalation step now (also un-acknowledges). */
export const escalateUpdate = defineUpdate<IncidentState, [IncidentCommand]>('escalate');
/** Page named people, or another escalation policy, from level 1. */
export const reassignUpdate = defineUpdate<IncidentState, [ReassignCommand]>('reassign');
/** Quiet for N minutes, then page again from level 1. */
export const snoozeUpdate = defineUpdate<IncidentState, [SnoozeCommand]>('snooze');
/** Re-plans the SLA timers for the new severity. */
export const changeSeverityUpdate = defineUpdate<IncidentState, [SeverityCommand]>('changeSeverity');

/** Sets the incident type (domain/coordination); a type with its own policy pages on it from level 1. */
export const setIncidentTypeUpdate = defineUpdate<IncidentState, [SetTypeCommand]>('setIncidentType');
/** Gives a role to someone (hands it over when another holds it). */
export const assignRoleUpdate = defineUpdate<IncidentState, [AssignRoleCommand]>('assignRole');
/** Leaves a role unheld (reminders follow while the incident needs it). */
export const releaseRoleUpdate = defineUpdate<IncidentState, [ReleaseRoleCommand]>('releaseRole');

/** A fact: the source says the alert has resolved (the service decides what that does). */
/** With `fingerprints`, only those of the source's alerts resolved; the incident's source is
 * resolved once all of its tracked alerts are. Without, the whole alert is (older payloads). */
export const alertResolvedSignal =
  defineSignal<[{ source: string; receivedAt: string; fingerprints?: string[] }]>('alertResolved');
/** A fact: someone added a note to the timeline. */
export const noteAddedSignal = defineSignal<[{ by: string; text: string; at: string }]>('noteAdded');

/** The post-incident review child of a resolved incident. */
export const reviewWorkflowId = (incidentId: string, runKey: string): string => `${incidentId}-review-${runKey}`;

export const incidentStateQuery = defineQuery<IncidentState>('incidentState');

/** Follow-up export of one review action item (workflows/follow-up.ts): one workflow per item. */
export const followUpWorkflowId = (incidentId: string, runKey: string, itemId: string): string =>
  `${incidentId}-review-${runKey}-export-${itemId}`;

/** Runbooks (workflows/runbook*.ts): a run is a child of its incident, named by its run id. */
export const runbookWorkflowId = (incidentId: string, runId: string): string => `${incidentId}-runbook-${runId}`;
/** A responder runs a runbook by hand; refused for a resolved incident or bad inputs. */
export const runRunbookUpdate = defineUpdate<RunbookStarted, [RunRunbookCommand]>('runRunbook');
/** A fact, from a runbook child to its incident: a step ran, an approval waits, the run ended. */
export const runbookEventSignal = defineSignal<[RunbookEvent]>('runbookEvent');
/** Sent to the runbook child: approve or deny its pending approval step. */
export const runbookApprovalUpdate = defineUpdate<{ step: string; decision: 'approve' | 'deny' }, [ApprovalDecision]>(
  'runbookApproval',
);

export const IncidentSeverityKey = defineSearchAttributeKey('IncidentSeverity', SearchAttributeType.KEYWORD);
export const IncidentServiceKey = defineSearchAttributeKey('IncidentService', SearchAttributeType.KEYWORD);
export const IncidentStatusKey = defineSearchAttributeKey('IncidentStatus', SearchAttributeType.KEYWORD);
export const IncidentNumberKey = defineSearchAttributeKey('IncidentNumber', SearchAttributeType.INT);
export const IncidentAcknowledgedByKey = defineSearchAttributeKey(
  'IncidentAcknowledgedBy',
  SearchAttributeType.KEYWORD,
);

/** Every custom search attribute, for registering them on a server (`--search-attribute`). */
export const SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; type: 'Keyword' | 'Int' }> = [
  { name: IncidentSeverityKey.name, type: 'Keyword' },
  { name: IncidentServiceKey.name, type: 'Keyword' },
  { name: IncidentStatusKey.name, type: 'Keyword' },
  { name: IncidentNumberKey.name, type: 'Int' },
  { name: IncidentAcknowledgedByKey.name, type: 'Keyword' },
];

/** Input of incidentWorkflow. One object so fields can be added without breaking histories. */
export interface IncidentWorkflowInput {
  /** The workflow id: derived from service + dedup key by the API. */
  incidentId: string;
  service: string;
  dedupKey: string;
  /** Set when the workflow continues as new: the state carried over. */
  carried?: { state?: IncidentState; alerts?: AlertEvent[] };
  /**
   * Continue as new once the history holds this many events, besides whenever the server
   * suggests it (by default at 4 Ki events or 4 MiB). Carried over to the next run.
   */
  maxHistoryEvents?: number;
}
