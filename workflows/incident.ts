/**
 * One incident, from its first alert to its post-incident review. Handlers (handlers.ts)
 * apply facts and commands to the state; beside the main loop run the read-model
 * projector, the SLA timers, stakeholder reminders and auto-resolve; the main loop is the
 * escalation (escalation.ts). Alerts after resolution open the next incident under the
 * same id (continue-as-new), and so does a history grown long (alert storms), carrying the
 * whole state.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { StoreActivities } from '../activities/store';
import { IncidentNumberKey, reviewWorkflowId, type IncidentWorkflowInput } from './contract';
import { applyRepeatAlert, openIncident, resolve, type IncidentState } from '../domain/incident/incident';
import { recordEvent } from '../domain/incident/commands';
import { runEscalation } from './escalation';
import { registerHandlers, type HandlerHooks } from './handlers';
import { startMessageSync } from './messages';
import { registerRunbookHandlers, startTriggeredRunbooks } from './runbook/from-incident';
import { PERSIST_PROFILE } from './activity-profiles';
import { PLACEHOLDER_PLAN } from '../domain/incident/plan';
import { createCtx, nowIso, oncall, type Ctx } from './runtime';
import { remindStatusUpdates, watchSla } from './sla';

const store = proxyActivities<StoreActivities>(PERSIST_PROFILE);

/** A signalWithStart always brings the first alert; without one in this long, give up. */
const FIRST_ALERT_WAIT = '1 minute';

export async function incidentWorkflow(input: IncidentWorkflowInput): Promise<IncidentState | undefined> {
  const carried = input.carried?.state;
  const hooks: HandlerHooks = {
    incidentId: input.incidentId,
    runKey: carried?.runKey ?? workflowInfo().runId,
    serviceId: input.service,
    afterResolution: [],
    source: {},
  };
  const ctx = createCtx(carried, PLACEHOLDER_PLAN);
  // Alerts carried from the previous run are older than any buffered signal: apply them first.
  for (const alert of input.carried?.alerts ?? []) {
    if (!ctx.opened()) ctx.open(openIncident(hooks.incidentId, hooks.runKey, alert));
    else ctx.apply((s) => applyRepeatAlert(s, alert));
  }
  registerHandlers(ctx, hooks);
  registerRunbookHandlers(ctx);

  if (!(await condition(() => ctx.opened(), FIRST_ALERT_WAIT))) {
    log.warn('incident started without an alert; closing', { incidentId: input.incidentId });
    return undefined;
  }
  await prepare(ctx, input, hooks, carried === undefined);
  // Runbooks the alert triggers start once per incident (not again after a continue-as-new).
  if (carried === undefined && patched('runbook-automation')) void startTriggeredRunbooks(ctx);
  // Slack messages follow the incident's state; the incident ends once they show it.
  const messagesSynced = patched('message-sync') ? startMessageSync(ctx) : () => true;

  let projected = 0;
  void runProjector(
    ctx,
    () => projected,
    (seq) => (projected = seq),
  );
  void watchSla(ctx, 'response');
  void watchSla(ctx, 'resolution');
  void remindStatusUpdates(ctx);
  void autoResolve(ctx, hooks);

  const limit = input.maxHistoryEvents;
  const handOver = () =>
    workflowInfo().continueAsNewSuggested || (limit !== undefined && workflowInfo().historyLength >= limit);
  await runEscalation(ctx, handOver);
  await condition(() => allHandlersFinished() && projected >= ctx.state().seq && messagesSynced());

  if (ctx.state().status !== 'resolved') {
    log.info('history is long; continuing as new with the incident state', { incidentId: input.incidentId });
    return continueAsNew<typeof incidentWorkflow>({ ...input, carried: { state: ctx.state() } });
  }
  await startReview(ctx);
  if (hooks.afterResolution.length > 0) {
    log.info('alert after resolution opens a new incident', { incidentId: input.incidentId });
    return continueAsNew<typeof incidentWorkflow>({
      incidentId: input.incidentId,
      service: input.service,
      dedupKey: input.dedupKey,
      maxHistoryEvents: limit,
      carried: { alerts: hooks.afterResolution },
    });
  }
  return ctx.state();
}

/** Loads the service plan, marks maintenance and takes an incident number (new incidents only). */
async function prepare(ctx: Ctx, input: IncidentWorkflowInput, hooks: HandlerHooks, fresh: boolean): Promise<void> {
  ctx.plan = await oncall.loadServicePlan({ serviceId: input.service, policyId: ctx.state().policyId });
  if (fresh && !ctx.plan.found) {
    ctx.apply((s) =>
      recordEvent(s, {
        at: nowIso(),
        type: 'note',
        message: `Service "${input.service}" is not configured: nobody is paged`,
      }),
    );
  }
  if (fresh && ctx.plan.inMaintenance) {
    ctx.apply((s) =>
      recordEvent(
        s,
        { at: nowIso(), type: 'maintenance', message: 'Service is in a maintenance window: recorded, not paged' },
        { inMaintenance: true },
      ),
    );
  }
  if (ctx.state().number === undefined) {
    const number = await oncall.allocateIncidentNumber({ incidentKey: `${hooks.incidentId}:${hooks.runKey}` });
    ctx.apply((s) => ({ ...s, number, seq: s.seq + 1 }));
    upsertSearchAttributes([{ key: IncidentNumberKey, value: number }]);
  }
}

/** Resolves the incident when the source says so, at once or after a quiet period. */
async function autoResolve(ctx: Ctx, hooks: HandlerHooks): Promise<void> {
  const mode = ctx.plan.autoResolve;
  if (mode.mode === 'never') return;
  for (;;) {
    await condition(() => hooks.source.resolvedAt !== undefined || ctx.state().status === 'resolved');
    if (ctx.state().status === 'resolved') return;
    const mark = hooks.source.resolvedAt;
    if (mode.mode === 'after_quiet') {
      const quietMs = (mode.quietMinutes ?? 5) * ctx.plan.minuteMs;
      const interrupted = await condition(
        () => hooks.source.resolvedAt !== mark || ctx.state().status === 'resolved',
        quietMs,
        { summary: 'auto-resolve after quiet period' },
      );
      if (interrupted) continue;
    }
    ctx.apply((s) =>
      resolve(s, { by: 'auto-resolve', note: `the source resolved the alert (${mode.mode})` }, nowIso()),
    );
    return;
  }
}

async function startReview(ctx: Ctx): Promise<void> {
  const s = ctx.state();
  const targets = ctx.plan.targets[s.severity];
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

/** Keeps the MongoDB read model at the newest state; its activity retries until MongoDB is back. */
async function runProjector(ctx: Ctx, projected: () => number, done: (seq: number) => void): Promise<void> {
  for (;;) {
    await condition(() => ctx.state().seq > projected());
    const snapshot = ctx.state();
    await store.upsertIncidentRecord({ state: snapshot });
    done(snapshot.seq);
  }
}
