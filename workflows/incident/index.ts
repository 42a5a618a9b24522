/**
 * incidentWorkflow: one incident, from its first alert to its post-incident review.
 *
 * One IncidentRun (./incident-run.ts) owns the run: the incident state, the service plan
 * and every counter. The message handlers below call its methods; the long-running parts
 * started below wait on it. Each message, what it changes, and which parts react:
 *
 * | message               | changes (IncidentRun)                   | parts that react                              |
 * |-----------------------|-----------------------------------------|-----------------------------------------------|
 * | alertFired signal     | opens the incident; then a repeat:      | first alert: the run starts (all parts below) |
 * |                       | count, details, severity if worse;      | SLA timers, reminders: re-plan if it rose     |
 * |                       | sourceResolvedAt cleared                | auto-resolve: starts over                     |
 * |                       | after resolution: alertsAfterResolution | the end: continue-as-new opens the next one   |
 * | alertResolved signal  | sourceResolvedAt (all source alerts)    | auto-resolve: now or after the quiet period   |
 * | noteAdded signal      | timeline                                | (read model only)                             |
 * | runbookEvent signal   | timeline; a finished run acknowledges,  | runbooks: tell responders, ask for approvals  |
 * |                       | resolves or escalates (as below)        | as for that command                           |
 * | acknowledge update    | status acknowledged, acknowledgedBy,    | escalation loop: the step ends; holds until   |
 * |                       | acknowledgedAt, firstAcknowledgedAt     |   resolved, or the ack timeout re-triggers    |
 * |                       |                                         | paging: waiting rules and retrying sends stop |
 * |                       |                                         | response SLA timer: met                       |
 * |                       |                                         | Slack message sync: rewrites                  |
 * | resolve update        | status resolved, resolvedBy, resolvedAt | every part ends; Slack message sync: rewrites |
 * |                       |                                         | the end: review child, next incident          |
 * | escalate update       | status triggered (ack, snooze cleared); | escalation loop: pages the next step now      |
 * |                       | manualEscalations + 1 while paging,     | Slack message sync: rewrites                  |
 * |                       | else the cursor moves on                |                                               |
 * | reassign update       | status triggered, new epoch at level 1: | paging: the old epoch's stops                 |
 * |                       | named people or another policy (plan    | escalation loop: pages the new target         |
 * |                       | reloaded)                               | Slack message sync: rewrites                  |
 * | snooze update         | acknowledged until snoozedUntil         | as acknowledge; escalation loop re-triggers   |
 * |                       |                                         |   at snoozedUntil                             |
 * | changeSeverity update | severity; severityChanges + 1           | SLA timers, reminders: re-plan                |
 * |                       |                                         | Slack message sync: rewrites                  |
 * | runRunbook update     | nothing: starts a runbook child         | the child reports by runbookEvent             |
 * | setIncidentType update| incidentType; a type with its own       | escalation loop: pages the new policy         |
 * |                       | policy: as reassign to it (plan         | roles: assigns the type's roles, reminds      |
 * |                       | reloaded); severity raised to its floor | SLA timers, reminders: re-plan if it rose     |
 * | assignRole update     | roles (assign or hand over)             | roles: tells the holder; reminders re-plan    |
 * | releaseRole update    | roles                                   | roles: reminds while the role is needed       |
 * | (any change: seq)     | -                                       | incident channel: opens once the severity     |
 * |                       |                                         |   matches the rule, posts new timeline        |
 * |                       |                                         |   entries, topic, invites; on resolution      |
 * |                       |                                         |   hands over to its close child (archive)     |
 * | incidentState query   | nothing                                 |                                               |
 * | (maintenance timer)   | inMaintenance, new epoch at the level;  | escalation loop: holds automatic pages in a   |
 * |                       | timeline `maintenance` at start and end |   window, pages the held level at its end;    |
 * |                       |                                         |   an escalate inside one still pages          |
 * |                       |                                         | paging: the old epoch's waiting rules stop    |
 * | (status pages)        | timeline `status_page` per step         | status-page sync: publishes when a page's     |
 * |                       |                                         |   rule matches the open incident; a severity  |
 * |                       |                                         |   change after the quiet period; resolution   |
 * | (stakeholders)        | timeline `stakeholders_notified` per    | stakeholder comms: the initial message after  |
 * |                       | message                                 |   the first page (again on a severity change  |
 * |                       |                                         |   until heard), an update per cadence tick,   |
 * |                       |                                         |   the resolution; the end waits for it        |
 *
 * Every change moves `seq`, so the read-model projector writes the new state (changes of one
 * second coalesced into one write); a new incident's first page goes before its number and
 * runbooks (./preparation.ts); a change of status, severity or acknowledger upserts the
 * search attributes (IncidentRun.apply).
 * Alerts after resolution open the next incident under the same id (continue-as-new), and
 * so does a history grown long (alert storms), carrying the whole state.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  acknowledgeUpdate,
  alertFiredSignal,
  alertsFiredSignal,
  alertResolvedSignal,
  changeSeverityUpdate,
  escalateUpdate,
  incidentStateQuery,
  noteAddedSignal,
  assignRoleUpdate,
  reassignUpdate,
  releaseRoleUpdate,
  resolveUpdate,
  setIncidentTypeUpdate,
  reviewWorkflowId,
  runbookEventSignal,
  runRunbookUpdate,
  snoozeUpdate,
  type IncidentWorkflowInput,
} from '../contract';
import { refuseAcknowledge, refuseResolve, type IncidentState } from '../../domain/incident/incident';
import { refuseIfResolved, refuseSeverityChange, refuseSnooze } from '../../domain/incident/commands';
import { autoResolve } from './auto-resolve';
import { prepareCoordination, refuseCoordinationCommand, setIncidentType } from './coordination';
import { assignRoleByHand, coordinateRoles, releaseRoleByHand } from './roles';
import { runEscalation } from './escalation-loop';
import { IncidentRun } from './incident-run';
import { followMaintenanceWindows, followsWindows } from './maintenance';
import { numberSettled, prepareIncident } from './preparation';
import { projectReadModel } from './read-model-projector';
import { recordRunbookEvent, refuseRunbookCommand, runRunbookByHand, startTriggeredRunbooks } from './runbooks';
import { remindStakeholderUpdates, watchSla } from './sla-timers';
import { syncPostedMessages } from './slack-message-sync';
import { runIncidentChannel } from './incident-channel';
import { syncStatusPages } from './status-page-sync';
import { tellStakeholders } from './stakeholders';

/** A signalWithStart always brings the first alert; without one in this long, give up. */
const FIRST_ALERT_WAIT = '1 minute';

export async function incidentWorkflow(input: IncidentWorkflowInput): Promise<IncidentState | undefined> {
  const run = new IncidentRun(input);

  // Facts (signals) apply at once: a command in the same activation as the first alert must see an open incident.
  setHandler(alertFiredSignal, (alert) => run.alertFired(alert));
  setHandler(alertsFiredSignal, (alerts) => alerts.forEach((alert) => run.alertFired(alert)));
  setHandler(alertResolvedSignal, (fact) => run.alertResolved(fact));
  setHandler(noteAddedSignal, (note) => run.noteAdded(note));
  setHandler(incidentStateQuery, () => run.state);
  // Commands (updates): the validator refuses with the reason, the handler answers with the new state.
  setHandler(acknowledgeUpdate, (cmd) => run.acknowledge(cmd), {
    validator: (cmd) => run.check(cmd, refuseAcknowledge),
  });
  setHandler(resolveUpdate, (cmd) => run.resolve(cmd), { validator: (cmd) => run.check(cmd, refuseResolve) });
  setHandler(escalateUpdate, (cmd) => run.escalate(cmd), { validator: (cmd) => run.check(cmd, refuseIfResolved) });
  setHandler(reassignUpdate, (cmd) => run.reassign(cmd), { validator: (cmd) => run.checkReassign(cmd) });
  setHandler(snoozeUpdate, (cmd) => run.snooze(cmd), { validator: (cmd) => run.check(cmd, refuseSnooze) });
  setHandler(changeSeverityUpdate, (cmd) => run.changeSeverity(cmd), {
    validator: (cmd) => run.check(cmd, refuseSeverityChange),
  });
  setHandler(setIncidentTypeUpdate, (cmd) => setIncidentType(run, cmd), {
    validator: (cmd) => refuseCoordinationCommand(run, cmd),
  });
  setHandler(assignRoleUpdate, (cmd) => assignRoleByHand(run, cmd), {
    validator: (cmd) => refuseCoordinationCommand(run, cmd),
  });
  setHandler(releaseRoleUpdate, (cmd) => releaseRoleByHand(run, cmd), {
    validator: (cmd) => refuseCoordinationCommand(run, cmd),
  });
  setHandler(runbookEventSignal, (event) => recordRunbookEvent(run, event));
  setHandler(runRunbookUpdate, (cmd) => runRunbookByHand(run, cmd), {
    validator: (cmd) => refuseRunbookCommand(run, cmd),
  });

  if (!(await condition(() => run.opened, FIRST_ALERT_WAIT))) {
    log.warn('incident started without an alert; closing', { incidentId: input.incidentId });
    return undefined;
  }
  await prepareIncident(run);
  // Incident types and roles: the type (and its policy) is settled before anything pages.
  const coordinates = run.patched('incident-coordination');
  if (coordinates) await prepareCoordination(run);

  // The long-running parts, each waiting on the run. Runbooks the alert triggers start once
  // per incident (not again after a continue-as-new).
  if (run.fresh && run.patched('runbook-automation')) void startTriggeredRunbooks(run);
  // Slack messages follow the incident's state; the incident ends once they show it.
  const syncsMessages = run.patched('message-sync');
  if (syncsMessages) void syncPostedMessages(run);
  // Status pages follow the incident; it ends once they show its resolution.
  const pages = run.patched('status-page') ? syncStatusPages(run) : undefined;
  void projectReadModel(run);
  void watchSla(run, 'response');
  void watchSla(run, 'resolution');
  void remindStakeholderUpdates(run);
  void autoResolve(run);
  if (followsWindows(run)) void followMaintenanceWindows(run);
  // The incident's Slack channel, when its rule matches; a resolved incident ends once it is handed over.
  const hasChannel = run.patched('incident-channel');
  if (hasChannel) void runIncidentChannel(run);
  if (coordinates) void coordinateRoles(run);
  // The service's stakeholders hear of it by the templates; a resolved incident ends once they are told.
  const comms = run.patched('stakeholder-comms') ? tellStakeholders(run) : undefined;
  // The main loop: escalation, until resolved or the history asks to hand over.
  const limit = input.maxHistoryEvents;
  const handOver = () =>
    workflowInfo().continueAsNewSuggested || (limit !== undefined && workflowInfo().historyLength >= limit);
  await runEscalation(run, handOver);
  await condition(
    () =>
      allHandlersFinished() &&
      run.readModelCurrent() &&
      numberSettled(run) &&
      (!syncsMessages || run.messagesCurrent()) &&
      (!hasChannel || run.state.status !== 'resolved' || run.channelSettled()) &&
      (!pages || pages.settled()) &&
      (!comms || comms.settled()),
  );

  if (run.state.status !== 'resolved') {
    log.info('history is long; continuing as new with the incident state', { incidentId: input.incidentId });
    return continueAsNew<typeof incidentWorkflow>({ ...input, carried: { state: run.state } });
  }
  await startReview(run);
  if (run.alertsAfterResolution.length > 0) {
    log.info('alert after resolution opens a new incident', { incidentId: input.incidentId });
    return continueAsNew<typeof incidentWorkflow>({
      incidentId: input.incidentId,
      service: input.service,
      dedupKey: input.dedupKey,
      maxHistoryEvents: limit,
      carried: { alerts: run.alertsAfterResolution },
    });
  }
  return run.state;
}

/** The post-incident review child, with the SLA targets the incident ran under. */
async function startReview(run: IncidentRun): Promise<void> {
  const s = run.state;
  const targets = run.plan.targets[s.severity];
  await startChild('postIncidentReviewWorkflow', {
    workflowId: reviewWorkflowId(s.incidentId, s.runKey),
    args: [
      {
        incident: s,
        slaTargets: { ackWithinMinutes: targets.ackWithinMinutes, resolveWithinMinutes: targets.resolveWithinMinutes },
      },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `Post-incident review of #${s.number ?? '?'} ${s.service}`,
  });
}
