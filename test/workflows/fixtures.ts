/**
 * Shared mocks and drivers for the incident workflow tests on the time-skipping server: a
 * service plan whose policy runs in real minutes, a small directory of people with their
 * notification rules, a recorder of every notification, and an incident driver that moves
 * server time to absolute instants.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { vi } from 'vitest';
import type { NotifyActivities } from '../../activities/notify';
import type { OnCallActivities } from '../../activities/oncall';
import type { ReviewActivities, StoreReviewInput } from '../../activities/review';
import type { RunbookActivities } from '../../activities/runbook';
import type { StoreActivities } from '../../activities/store';
import type { PublishInput, StatusPageActivities } from '../../activities/status-page';
import type { PagePlan } from '../../domain/status-page';
import { alertFiredSignal, incidentStateQuery, resolveUpdate, reviewWorkflowId } from '../../workflows/contract';
import type { EscalationPolicy } from '../../domain/oncall/policy';
import type { CoordinationPlan } from '../../domain/coordination/plan';
import type { ComposedMessage } from '../../domain/coordination/stakeholder-comms';
import type { TemplateKind } from '../../domain/coordination/template';
import type { AlertEvent, IncidentState } from '../../domain/incident/incident';
import { NOTIFICATION_REJECTED, type NotificationKind } from '../../domain/incident/notification';
import type { Recipient, ServicePlan } from '../../domain/incident/plan';
import { DEFAULT_SEVERITY_TARGETS, type Severity } from '../../domain/incident/severity';
import { incidentWorkflow } from '../../workflows/incident';
import { workflowBundle } from './env';

export const MIN = 60_000;
export const HISTORIES_DIR = path.resolve(__dirname, 'histories');

/** Level 1 pages a and waits 5 min, level 2 pages b and waits 15 min; two passes in all. */
export const POLICY: EscalationPolicy = {
  id: 'primary',
  name: 'Primary',
  levels: [
    { delayMinutes: 5, targets: [{ type: 'user', id: 'a' }] },
    { delayMinutes: 15, targets: [{ type: 'user', id: 'b' }] },
  ],
  loops: 1,
  ackTimeoutMinutes: 30,
};

const hook = (userId: string) => ({
  id: `${userId}-hook`,
  type: 'webhook' as const,
  address: `https://hooks.example.com/${userId}`,
});

/** a: webhook at once, SMS after 5 min; b and c: webhook at once. */
export const PEOPLE: Record<string, Recipient> = {
  a: {
    userId: 'a',
    name: 'Ada',
    rules: [
      { delayMinutes: 0, contactMethod: hook('a') },
      { delayMinutes: 5, contactMethod: { id: 'a-sms', type: 'sms', address: '+15550000001' } },
    ],
  },
  b: { userId: 'b', name: 'Bo', rules: [{ delayMinutes: 0, contactMethod: hook('b') }] },
  c: { userId: 'c', name: 'Cy', rules: [{ delayMinutes: 0, contactMethod: hook('c') }] },
  /** Slack by the bot: the mock answers with a message ref, so the message is updated in place. */
  d: {
    userId: 'd',
    name: 'Di',
    rules: [{ delayMinutes: 0, contactMethod: { id: 'd-slack', type: 'slack', address: 'U0DI00001' } }],
  },
};
const TEAMS: Record<string, string[]> = { t: ['a', 'b'] };

export function servicePlan(over: Partial<ServicePlan> = {}): ServicePlan {
  return {
    found: true,
    serviceName: 'Checkout',
    teamId: 't',
    policy: POLICY,
    targets: { ...DEFAULT_SEVERITY_TARGETS },
    inMaintenance: false,
    autoResolve: { mode: 'never' },
    knownUserIds: Object.keys(PEOPLE),
    knownPolicyIds: [POLICY.id],
    minuteMs: MIN,
    ...over,
  };
}

/** One sendNotification call, as the receiver would see it. */
export interface Sent {
  kind: NotificationKind;
  userId: string;
  methodId: string;
  level?: number;
  loop?: number;
  key: string;
  /** occurredAt: workflow time when the workflow decided to notify. */
  atMs: number;
  message?: string;
  approval?: { runId: string; step: string };
}

type AllActivities = StoreActivities &
  OnCallActivities &
  NotifyActivities &
  ReviewActivities &
  Pick<RunbookActivities, 'planRunbooks'> &
  StatusPageActivities;

/** One updateNotification call: a posted message rewritten with the incident's state. */
export interface Updated {
  key: string;
  ref: { channel: string; ts: string };
  status: string;
  severity: string;
  acknowledgedBy?: string;
  resolvedBy?: string;
  kind: NotificationKind;
  atMs: number;
}

export interface Mocks {
  activities: AllActivities;
  sent: Sent[];
  updated: Updated[];
  /** While true, updateNotification fails as Slack would refuse it (message_not_found). */
  updatesRefused: boolean;
  /** Real milliseconds each updateNotification takes before Slack has the new message. */
  updateDelayMs: number;
  reviews: StoreReviewInput[];
  recipientCalls: number;
  numbersAllocated: number;
  /** While true the read-model write fails (and retries), which keeps a resolved incident open. */
  storeDown: boolean;
  /**
   * Set by withIncident to its incident's `settled`. Activities whose outcome acknowledges,
   * resolves or re-plans the incident (runbook steps) await it first, for the reason
   * `Incident.settled` gives.
   */
  settle?: () => Promise<void>;
  /** The status pages the service publishes on (none by default), each publishing step, and a switch to fail them. */
  pagePlans: PagePlan[];
  /** planStatusPages calls (runs whose coordination plan lists no pages ask it). */
  pageLookups: number;
  published: Array<PublishInput & { atMs: number }>;
  publishFails: boolean;
  /** Incident types and roles (none unless a test sets them). */
  coordination: CoordinationPlan;
  /** Plans by policy id, for a reassign or an incident type that names another policy. */
  plans: Record<string, ServicePlan>;
  /** The stakeholders' message of a kind (nobody hears by default), each composition asked, each one sent. */
  compose: (kind: TemplateKind, state: IncidentState) => ComposedMessage;
  composed: TemplateKind[];
  told: Array<{ key: string; address: string; subject?: string; body: string; atMs: number }>;
  /** Addresses whose stakeholder sends are refused. */
  tellRefused: string[];
}

export function createMocks(plan: ServicePlan = servicePlan()): Mocks {
  const people = (ids: readonly string[]) => ({
    recipients: ids.flatMap((id) => (PEOPLE[id] ? [PEOPLE[id]] : [])),
    problems: ids.filter((id) => !PEOPLE[id]).map((id) => `user "${id}" does not exist`),
  });
  const mocks: Mocks = {
    sent: [],
    updated: [],
    updatesRefused: false,
    updateDelayMs: 0,
    reviews: [],
    recipientCalls: 0,
    numbersAllocated: 0,
    storeDown: false,
    pagePlans: [],
    pageLookups: 0,
    published: [],
    publishFails: false,
    coordination: { types: [], roles: [], reminderMinutes: 10 },
    plans: {},
    compose: () => ({ heard: false, why: 'the service lists no stakeholders' }),
    composed: [],
    told: [],
    tellRefused: [],
    activities: {
      async planStatusPages() {
        mocks.pageLookups += 1;
        return { pages: mocks.pagePlans };
      },
      async publishStatusPageIncident(input) {
        if (mocks.publishFails) throw ApplicationFailure.nonRetryable('status page store unavailable', 'StoreDown');
        const wrote = !mocks.published.some((p) => p.updateKey === input.updateKey);
        if (wrote) mocks.published.push({ ...input, atMs: Date.parse(input.at) });
        const last = [...mocks.published]
          .reverse()
          .find((p) => p.pageId === input.pageId && p.action.kind !== 'resolve');
        const p = last && last.action.kind !== 'resolve' ? last.action.publication : undefined;
        const resolved = input.action.kind === 'resolve';
        return {
          pageIncidentId: `${input.pageId}-${input.incidentId}`,
          shown: { published: true, resolved, ...(p ? { impact: p.impact, components: p.components } : {}) },
          wrote,
          held: p?.hold ?? false,
        };
      },
      async upsertIncidentRecord() {
        if (mocks.storeDown) throw new Error('mongodb unavailable');
        return { written: true };
      },
      async loadServicePlan(input) {
        if (input.policyId && mocks.plans[input.policyId]) return mocks.plans[input.policyId]!;
        // As the real activity: level 1's recipients with the plan when asked (and not counted as a lookup).
        const first = plan.policy?.levels[0];
        return input.withFirstLevel && first ? { ...plan, firstLevel: people(first.targets.map((t) => t.id)) } : plan;
      },
      async loadCoordinationPlan() {
        return mocks.coordination;
      },
      async composeStakeholderMessage({ kind, state }) {
        mocks.composed.push(kind);
        return mocks.compose(kind, state);
      },
      async sendStakeholderMessage({ notification: n }) {
        const address = n.recipient.contactMethod.address;
        if (mocks.tellRefused.includes(address))
          throw ApplicationFailure.create({
            type: NOTIFICATION_REJECTED,
            message: 'mailbox unknown',
            nonRetryable: true,
          });
        const comms = n.comms ?? { body: '' };
        mocks.told.push({ key: n.idempotencyKey, address, ...comms, atMs: Date.parse(n.occurredAt) });
        return { channel: n.recipient.contactMethod.type, idempotencyKey: n.idempotencyKey, deliveredAt: n.occurredAt };
      },
      async resolveRecipients(input) {
        mocks.recipientCalls += 1;
        if (input.userIds) return people(input.userIds);
        if (input.teamId) return people(TEAMS[input.teamId] ?? []);
        const policy = (input.policyId ? mocks.plans[input.policyId]?.policy : undefined) ?? plan.policy;
        const level = policy?.levels[input.level ?? -1];
        return people(level?.targets.map((t) => t.id) ?? []);
      },
      async allocateIncidentNumber() {
        mocks.numbersAllocated += 1;
        return 42;
      },
      // No runbook matches: these tests are about escalation (runbook tests have their own).
      async planRunbooks() {
        return { runs: [], refused: [] };
      },
      async storeReview(input) {
        mocks.reviews.push(input);
        return { reviewId: `${input.incidentId}:${input.runKey}`, created: true };
      },
      async sendNotification({ notification: n }) {
        mocks.sent.push({
          kind: n.kind,
          userId: n.recipient.userId,
          methodId: n.recipient.contactMethod.id,
          level: n.level,
          loop: n.loop,
          key: n.idempotencyKey,
          atMs: Date.parse(n.occurredAt),
          message: n.message,
          ...(n.approval ? { approval: n.approval } : {}),
        });
        const slack = n.recipient.contactMethod.type === 'slack';
        return {
          channel: n.recipient.contactMethod.type,
          idempotencyKey: n.idempotencyKey,
          deliveredAt: n.occurredAt,
          ...(slack ? { messageRef: { channel: `D-${n.recipient.userId}`, ts: String(mocks.sent.length) } } : {}),
        };
      },
      async updateNotification({ notification: n, messageRef }) {
        if (mocks.updateDelayMs > 0) await new Promise((r) => setTimeout(r, mocks.updateDelayMs));
        if (mocks.updatesRefused) {
          throw ApplicationFailure.create({
            type: NOTIFICATION_REJECTED,
            message: 'message_not_found',
            nonRetryable: true,
          });
        }
        mocks.updated.push({
          key: n.idempotencyKey,
          ref: messageRef,
          status: n.status,
          severity: n.severity,
          acknowledgedBy: n.acknowledgedBy,
          resolvedBy: n.resolvedBy,
          kind: n.kind,
          atMs: Date.parse(n.occurredAt),
        });
        return {
          channel: n.recipient.contactMethod.type,
          idempotencyKey: n.idempotencyKey,
          deliveredAt: n.occurredAt,
          messageRef,
        };
      },
    },
  };
  return mocks;
}

/** An open incident under test: its handle, its creation instant and ways to move time. */
export interface Incident {
  handle: WorkflowHandle<typeof incidentWorkflow>;
  /** createdAt (the alert's receivedAt), ms. */
  t0: number;
  state(): Promise<IncidentState>;
  /** Moves server time to `atMs` (no-op if already past). */
  sleepTo(atMs: number): Promise<void>;
  /** Retries `check` for up to 10 s of real time: deliveries may still be in flight after a sleep. */
  eventually<T>(check: () => T | Promise<T>): Promise<T>;
  /**
   * Waits until every send the mocks ran is on the timeline. A command that ends paging
   * (acknowledge, snooze, reassign, resolve) cancels the sends still in flight; one landing
   * while a send has completed at the server but not yet in the workflow makes the SDK
   * request the cancellation of a completed activity. The real server takes that in its
   * stride; the Java time-skipping server answers ACTIVITY_UNKNOWN, fails the workflow
   * task and stops skipping time, and the test stalls. Tests give commands only once
   * nothing is in flight.
   */
  settled(): Promise<void>;
  /**
   * `settled`, and nothing the command could cancel is under way: no workflow task scheduled
   * or running (one may be about to schedule a send), no activity on its first attempt (one
   * may complete at the server while the command's task cancels it), and no timer due within
   * TIMER_MARGIN_MS (the test server's clock goes on in real time between skips, so a level's
   * timer due a moment after the test's last skip may fire while the command cancels it).
   * Activities in retry stay out of it: a test may keep one failing on purpose.
   */
  quiet(): Promise<void>;
  /** Gives a command (an update) once the incident is `quiet`; answers its new state or refusal. */
  command<Ret, Arg>(update: UpdateDefinition<Ret, [Arg]>, cmd: Arg): Promise<Ret>;
  /** Resolves the incident and waits until it has closed. */
  finish(by?: string): Promise<IncidentState>;
  /** Waits until the workflow and its review child have finished. */
  closed(): Promise<IncidentState>;
}

/** The alert of incident `id` (its dedup key), received at `atMs`. */
export const alertOf = (id: string, severity: Severity, atMs: number): AlertEvent => ({
  source: 'test',
  dedupKey: id,
  service: 'checkout',
  summary: 'Checkout 5xx',
  severity,
  details: {},
  receivedAt: new Date(atMs).toISOString(),
});

/**
 * Opens an incident (alert received now, server time) and runs `body` with a worker up.
 * Whatever the outcome, the incident and its review child are finished or terminated
 * before the worker stops: a workflow task left without a worker would hold back time
 * skipping for the next test on the same server.
 */
export async function withIncident(
  env: TestWorkflowEnvironment,
  mocks: Mocks,
  opts: { id: string; severity?: Severity; maxHistoryEvents?: number; alert?: Partial<AlertEvent> },
  body: (inc: Incident) => Promise<void>,
): Promise<void> {
  const taskQueue = `tq-${opts.id}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: mocks.activities,
  });
  await worker.runUntil(async () => {
    const t0 = await env.currentTimeMs();
    const handle = await env.client.workflow.signalWithStart(incidentWorkflow, {
      workflowId: opts.id,
      taskQueue,
      args: [{ incidentId: opts.id, service: 'checkout', dedupKey: opts.id, maxHistoryEvents: opts.maxHistoryEvents }],
      signal: alertFiredSignal,
      signalArgs: [{ ...alertOf(opts.id, opts.severity ?? 'SEV3', t0), ...opts.alert }],
    });
    // The first run's id is the incident's runKey, which names its review child.
    const review = env.client.workflow.getHandle(reviewWorkflowId(opts.id, handle.signaledRunId));
    const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 10_000, interval: 25 });
    // The first workflow task runs local activities (patch local-lookups): let it complete before the
    // body skips time, or the time-skipping server may time it out in skipped time and refuse its completion.
    await eventually(async () => {
      const { events } = await handle.fetchHistory();
      if (!events?.some((e) => e.workflowTaskCompletedEventAttributes)) throw new Error('first task not done yet');
    });
    const inc: Incident = {
      handle,
      t0,
      eventually,
      state: () => handle.query(incidentStateQuery),
      async sleepTo(atMs) {
        const ms = atMs - (await env.currentTimeMs());
        if (ms > 0) await env.sleep(ms);
      },
      async settled() {
        await eventually(async () => {
          const recorded = (await inc.state()).timeline.filter(
            (e) => e.type === 'notified' || e.type === 'notification_failed',
          ).length;
          if (recorded < mocks.sent.length)
            throw new Error(`${mocks.sent.length - recorded} sends not yet on the timeline`);
        });
      },
      async quiet() {
        await inc.settled();
        const events = async () => (await handle.fetchHistory()).events ?? [];
        await eventually(async () => {
          // One consistent view: the history before and after the describe is the same.
          const before = await events();
          const { raw } = await handle.describe();
          if ((await events()).length !== before.length) throw new Error('the history moved');
          const completed = before.map((e) => Boolean(e.workflowTaskCompletedEventAttributes)).lastIndexOf(true);
          if (before.slice(completed + 1).some((e) => e.workflowTaskScheduledEventAttributes))
            throw new Error('a workflow task is under way');
          const busy = (raw.pendingActivities ?? []).filter((a) => (a.attempt ?? 1) <= 1 && !a.lastFailure);
          if (busy.length > 0) throw new Error(`${busy.length} activities under way`);
          const now = await env.currentTimeMs();
          if (timersDue(before).some((due) => due < now + TIMER_MARGIN_MS)) throw new Error('a timer is about to fire');
        });
      },
      async command(update, cmd) {
        await inc.quiet();
        return handle.executeUpdate(update, { args: [cmd] });
      },
      async finish(by = 'a') {
        await inc.command(resolveUpdate, { by });
        return inc.closed();
      },
      async closed() {
        const final = await handle.result();
        if (!final) throw new Error('the incident closed without a state');
        await review.result();
        return final;
      },
    };
    mocks.settle = () => inc.settled();
    try {
      // The plan, the number and the first page come from activities; wait until they have run.
      await eventually(async () => {
        if ((await inc.state()).number === undefined) throw new Error('not prepared yet');
      });
      await body(inc);
    } finally {
      await Promise.all([handle, review].map(terminateIfRunning));
    }
  });
}

/** How near its due time a running timer counts as about to fire (see Incident.quiet). */
const TIMER_MARGIN_MS = 3_000;

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
const toMs = (d?: { seconds?: unknown; nanos?: unknown } | null) =>
  Number(d?.seconds ?? 0) * 1000 + Math.floor(Number(d?.nanos ?? 0) / 1e6);

/** When each timer started in `events` and neither fired nor cancelled there is due (ms). */
function timersDue(events: readonly HistoryEvent[]): number[] {
  const ended = new Set(
    events.flatMap((e) => {
      const id = e.timerFiredEventAttributes?.startedEventId ?? e.timerCanceledEventAttributes?.startedEventId;
      return id === undefined || id === null ? [] : [String(id)];
    }),
  );
  return events
    .filter((e) => e.timerStartedEventAttributes && !ended.has(String(e.eventId)))
    .map((e) => toMs(e.eventTime) + toMs(e.timerStartedEventAttributes?.startToFireTimeout));
}

async function terminateIfRunning(handle: WorkflowHandle): Promise<void> {
  const status = await handle.describe().then(
    (d) => d.status.name,
    () => 'NOT_FOUND',
  );
  if (status === 'RUNNING') await handle.terminate('test over');
}

/** With VIGIL_RECORD_HISTORIES=1, writes the workflow's history to histories/<name>.json. */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.VIGIL_RECORD_HISTORIES) return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(await handle.fetchHistory(), null, 1)}\n`);
}

/** Pages as "<minutes after from> <user>/<method> L<level>R<loop>", minutes floored: an early page shows. */
export function pages(sent: readonly Sent[], fromMs: number): string[] {
  return (
    sent
      .filter((n) => n.kind === 'page')
      // By minute, then key: two pages due the same minute may go in either order within it.
      .sort((x, y) => Math.floor(x.atMs / MIN) - Math.floor(y.atMs / MIN) || x.key.localeCompare(y.key))
      .map(
        (n) =>
          `${Math.floor((n.atMs - fromMs) / MIN)}m ${n.userId}/${n.methodId} L${(n.level ?? 0) + 1}R${(n.loop ?? 0) + 1}`,
      )
  );
}

export const eventsOf = (s: IncidentState, type: IncidentState['timeline'][number]['type']) =>
  s.timeline.filter((e) => e.type === type);

/** When level 1 was first paged (ms), once its first delivery has gone out. */
export async function firstPage(inc: Incident, mocks: Mocks): Promise<number> {
  return inc.eventually(async () => {
    const at = (await inc.state()).escalation?.pagedAt;
    if (!at || !mocks.sent.some((n) => n.kind === 'page')) throw new Error('not paged yet');
    return Date.parse(at);
  });
}

/** Idempotency keys without their "<workflow id>:<run key>:" prefix, sorted. */
export const keyTails = (sent: readonly Sent[], s: IncidentState): string[] =>
  sent.map((n) => n.key.slice(`${s.incidentId}:${s.runKey}:`.length)).sort();

/**
 * At `ms` or up to 10 s after. The server starts a timer when the workflow task completes,
 * and a lookup (recipients) may come between a timer and the page it leads to; and the test
 * server's clock runs in real time while a fired timer's task waits for the worker, which
 * on a loaded machine has been seconds. Never before: that is the bug these catch.
 */
export const within =
  (ms: number) =>
  (actual: number): boolean =>
    actual >= ms && actual < ms + 10_000;
