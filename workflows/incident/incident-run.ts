/**
 * IncidentRun: the one object that owns a run of the incident workflow, as the
 * safe-message-handlers sample's ClusterManager owns its cluster. It holds the incident
 * state (changed only through `apply`, which keeps the search attributes in step), the
 * service plan, and every counter and mark the run's parts wait on. Its methods are what
 * the message handlers do; the long-running parts read it and wait on the conditions it
 * names. Which part reacts to which message: the table in ./index.ts.
 */
import { ApplicationFailure, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  IncidentAcknowledgedByKey,
  IncidentSeverityKey,
  IncidentStatusKey,
  type IncidentWorkflowInput,
} from '../contract';
import { refuseIf, refuseMalformedCommand } from '../refusal';
import { localLookup, oncall } from './activity-stubs';
import { nowIso, nowMs } from './clock';
import { ALL_INCIDENT_PATCHES, ALL_INCIDENT_PATCHES_B, inFirstSet, type IncidentPatch, type PatchSet } from './patches';
import {
  acknowledge,
  allSourceAlertsResolved,
  applyRepeatAlert,
  changeSeverity,
  escalateNow,
  escalationOf,
  messageView,
  moveToNextStep,
  openIncident,
  PLACEHOLDER_PLAN,
  postedMessage,
  postedMessagesOf,
  reassign,
  recordEvent,
  recordSourceResolved,
  refuseReassign,
  resolve,
  resolveSourceAlerts,
  snooze,
  type AlertEvent,
  type IncidentCommand,
  type IncidentState,
  type PostedMessage,
  type ReassignCommand,
  type ResolveCommand,
  type ServicePlan,
  type SeverityCommand,
  type SnoozeCommand,
  type TimelineEvent,
} from '../../domain/incident';
import type { CoordinationPlan } from '../../domain/coordination/plan';

export class IncidentRun {
  readonly incidentId: string;
  readonly serviceId: string;
  /** IncidentState.runKey: the run that opened the incident, kept across continue-as-new. */
  readonly runKey: string;
  /** A new incident, not one continued from a previous run with its state. */
  readonly fresh: boolean;
  /** Escalation policy, SLA targets, known ids: loaded at start, reloaded by a reassign to a policy. */
  plan: ServicePlan = PLACEHOLDER_PLAN;
  /** Whether the reads in front of a page run as local activities (patch `local-lookups`, ./preparation.ts). */
  localLookups = false;

  /** The set of patches of ./patches.ts this run took at once (asked on the first `patched`). */
  #patchSet: PatchSet | undefined;

  /**
   * Whether patch `id` applies to this run: every patch of the set whose one marker the run
   * started with (./patches.ts), else the patch's own marker (runs from before the set).
   */
  patched(id: IncidentPatch): boolean {
    this.#patchSet ??= patched(ALL_INCIDENT_PATCHES_B) ? 'b' : patched(ALL_INCIDENT_PATCHES) ? 'a' : 'none';
    if (this.#patchSet === 'b' || (this.#patchSet === 'a' && inFirstSet(id))) return true;
    return patched(id);
  }

  /** Where the reads in front of a page go: local activities, or activities for runs from before. */
  get lookup(): typeof localLookup {
    return this.localLookups ? localLookup : oncall;
  }
  /** Incident types and roles (./coordination.ts); undefined in runs that started before them. */
  coordination: CoordinationPlan | undefined;
  /** Alerts after resolution: they open the next incident (continue-as-new). */
  readonly alertsAfterResolution: AlertEvent[] = [];
  /** When the source said the alert resolved (ms); a new alert clears it. Auto-resolve waits on it. */
  sourceResolvedAt: number | undefined;
  /** Messages that can be updated in place: from the carried timeline, and each send since. */
  readonly postedMessages: PostedMessage[];
  /** Sends in flight (delivery.ts): the incident ends only after their messages are recorded. */
  sendsInFlight = 0;
  /** A rewrite of posted messages in flight (slack-message-sync.ts). */
  messageUpdateInFlight = false;
  /** When the escalation timer that moved the cursor was due (ms): sent with the next page (lateness metric). */
  pageDueAtMs: number | undefined;
  /** The incident channel (incident-channel.ts): none, opened, or handed to its close workflow. */
  channelState: 'none' | 'open' | 'handed-over' = 'none';
  /** The highest `seq` the read model holds (read-model-projector.ts). */
  projectedSeq = 0;
  /** Bumped by escalate while a step is being paged: the escalation loop ends that step now. */
  #manualEscalations = 0;
  /** Bumped when the severity changes (command, or a more severe repeat): SLA timers re-plan. */
  #severityChanges = 0;
  private current: IncidentState | undefined;

  constructor(input: IncidentWorkflowInput) {
    const carried = input.carried?.state;
    this.incidentId = input.incidentId;
    this.serviceId = input.service;
    this.runKey = carried?.runKey ?? workflowInfo().runId;
    this.fresh = carried === undefined;
    this.current = carried;
    this.postedMessages = carried ? postedMessagesOf(carried) : [];
    // Alerts carried from the previous run are older than any buffered signal: apply them first.
    for (const alert of input.carried?.alerts ?? []) {
      if (!this.current) this.current = openIncident(this.incidentId, this.runKey, alert);
      else this.apply((s) => applyRepeatAlert(s, alert));
    }
  }

  get opened(): boolean {
    return this.current !== undefined;
  }

  /** The incident; throws before the first alert has opened it. */
  get state(): IncidentState {
    if (!this.current) throw ApplicationFailure.nonRetryable('incident has not been opened yet', 'NotOpen');
    return this.current;
  }

  /** Applies a pure transition; keeps search attributes in step with status, severity and holder. */
  apply(fn: (s: IncidentState) => IncidentState): void {
    const before = this.state;
    const after = fn(before);
    this.current = after;
    const updates = [];
    if (after.status !== before.status) updates.push({ key: IncidentStatusKey, value: after.status });
    if (after.severity !== before.severity) updates.push({ key: IncidentSeverityKey, value: after.severity });
    if (after.acknowledgedBy !== before.acknowledgedBy) {
      updates.push({ key: IncidentAcknowledgedByKey, value: after.acknowledgedBy ?? null });
    }
    if (updates.length > 0) upsertSearchAttributes(updates as Parameters<typeof upsertSearchAttributes>[0]);
  }

  // ---- Facts (signals): applied at once, never refused.

  alertFired(alert: AlertEvent): void {
    this.sourceResolvedAt = undefined;
    if (!this.current) {
      this.current = openIncident(this.incidentId, this.runKey, alert);
      upsertSearchAttributes([{ key: IncidentSeverityKey, value: alert.severity }]);
    } else if (this.current.status === 'resolved') this.alertsAfterResolution.push(alert);
    else {
      const before = this.state.severity;
      this.apply((s) => applyRepeatAlert(s, alert));
      if (this.state.severity !== before) this.#severityChanges += 1;
      // A delivery naming its alerts may also resolve the last of them.
      if (alert.sourceAlerts && allSourceAlertsResolved(this.state)) this.sourceResolvedAt = nowMs();
    }
  }

  alertResolved(fact: { source: string; fingerprints?: string[] }): void {
    if (!this.current || this.current.status === 'resolved') return;
    const { fingerprints } = fact;
    if (fingerprints) {
      const before = this.state;
      this.apply((s) => resolveSourceAlerts(s, { source: fact.source, fingerprints }, nowIso()));
      if (this.state !== before && allSourceAlertsResolved(this.state)) this.sourceResolvedAt = nowMs();
      return;
    }
    this.sourceResolvedAt = nowMs();
    this.apply((s) => recordSourceResolved(s, fact.source, nowIso()));
  }

  noteAdded(note: { by: string; text: string }): void {
    if (this.opened) this.apply((s) => recordEvent(s, { at: nowIso(), type: 'note', message: note.text, by: note.by }));
  }

  // ---- Commands (updates): `check` is the validator, the command method the handler.

  /** Refuses a command for a closed incident, without a "by", or by the command's own rule. */
  check<C extends { by: string }>(cmd: C, own: (s: IncidentState, c: C) => string | undefined): void {
    refuseMalformedCommand(this.opened, cmd);
    refuseIf(own(this.state, cmd));
  }

  checkReassign(cmd: ReassignCommand): void {
    const known = () => ({ userIds: new Set(this.plan.knownUserIds), policyIds: new Set(this.plan.knownPolicyIds) });
    this.check(cmd, (s, c) => refuseReassign(s, c, known()));
  }

  acknowledge(cmd: IncidentCommand): IncidentState {
    this.apply((s) => acknowledge(s, cmd, nowIso()));
    return this.state;
  }

  resolve(cmd: ResolveCommand): IncidentState {
    this.apply((s) => resolve(s, cmd, nowIso()));
    return this.state;
  }

  /**
   * Pages the next step now. While a step is being paged, the escalation loop sees the
   * counter and moves on; otherwise (acknowledged, snoozed) nothing waits on a step, so
   * the cursor moves here, and the loop pages it once it sees the incident triggered.
   */
  escalate(cmd: IncidentCommand): IncidentState {
    const wasTriggered = this.state.status === 'triggered';
    this.apply((s) => escalateNow(s, cmd, nowIso()));
    if (wasTriggered) this.#manualEscalations += 1;
    else this.apply((s) => moveToNextStep(s, this.plan.policy));
    return this.state;
  }

  async reassign(cmd: ReassignCommand): Promise<IncidentState> {
    if (cmd.toPolicyId)
      this.plan = await oncall.loadServicePlan({ serviceId: this.serviceId, policyId: cmd.toPolicyId });
    this.apply((s) => reassign(s, cmd, nowIso()));
    return this.state;
  }

  snooze(cmd: SnoozeCommand): IncidentState {
    const until = new Date(nowMs() + cmd.minutes * this.plan.minuteMs).toISOString();
    this.apply((s) => snooze(s, cmd, nowIso(), until));
    return this.state;
  }

  changeSeverity(cmd: SeverityCommand): IncidentState {
    this.apply((s) => changeSeverity(s, cmd, nowIso()));
    this.#severityChanges += 1;
    return this.state;
  }

  // ---- What the long-running parts record, and the conditions they wait on.

  /** A send was delivered: on the timeline, and among the posted messages when it can be rewritten. */
  recordNotified(event: TimelineEvent): void {
    this.apply((s) => recordEvent(s, event));
    const message = postedMessage(event);
    if (message) this.postedMessages.push(message);
  }

  /** Paging in `epoch` is over: acknowledged, snoozed or resolved, or paging started over in a new epoch. */
  pagingOver(epoch: number): boolean {
    const s = this.state;
    return s.status !== 'triggered' || escalationOf(s).epoch !== epoch;
  }

  /** Escalations that ended a paged step: the escalation loop compares it with its own mark. */
  get manualEscalations(): number {
    return this.#manualEscalations;
  }

  /** Severity changes so far: the SLA timers and reminders compare it with their own mark. */
  get severityChanges(): number {
    return this.#severityChanges;
  }

  /** Posted messages that show an older view of the incident than its state. */
  messagesBehind(): PostedMessage[] {
    const view = messageView(this.state);
    return this.postedMessages.filter((m) => m.shown !== view);
  }

  /** Every posted message shows the incident as it is, and none is being sent or rewritten. */
  messagesCurrent(): boolean {
    return !this.messageUpdateInFlight && this.sendsInFlight === 0 && this.messagesBehind().length === 0;
  }

  /** An opened channel has been handed to its close workflow (the incident may end). */
  channelSettled = (): boolean => this.channelState !== 'open';

  readModelCurrent(): boolean {
    return this.projectedSeq >= this.state.seq;
  }
}
