import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createStoreActivities } from '../activities/store';
import {
  acknowledgeUpdate,
  alertFiredSignal,
  incidentStateQuery,
  IncidentAcknowledgedByKey,
  IncidentSeverityKey,
  IncidentStatusKey,
  resolveUpdate,
  type IncidentWorkflowInput,
} from './contract';
import {
  acknowledge,
  applyRepeatAlert,
  openIncident,
  refuseAcknowledge,
  refuseResolve,
  resolve,
  type AlertEvent,
  type IncidentState,
} from './domain/incident';

type StoreActivities = ReturnType<typeof createStoreActivities>;

/**
 * Projection writes retry for as long as MongoDB is away: they run beside the incident,
 * never in front of it, so a store outage delays the read model and nothing else.
 */
const store = proxyActivities<StoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** A signalWithStart always brings the first alert; without one in this long, give up. */
const FIRST_ALERT_WAIT = '1 minute';

export async function incidentWorkflow(input: IncidentWorkflowInput): Promise<IncidentState | undefined> {
  const runKey = workflowInfo().runId;
  let state: IncidentState | undefined = input.carried?.state;
  /** Alerts that arrive after resolution open the next incident (continue-as-new). */
  const afterResolution: AlertEvent[] = [];

  const now = () => new Date().toISOString(); // workflow time: deterministic on replay
  const current = (): IncidentState => {
    if (!state) throw ApplicationFailure.nonRetryable('incident has not been opened yet', 'NotOpen');
    return state;
  };
  // Applied in the handler, not later in the main loop: a command that arrives in the same
  // activation as the first alert must already see an open incident.
  const onAlert = (alert: AlertEvent) => {
    if (!state) {
      state = openIncident(input.incidentId, runKey, alert);
      log.info('incident opened', { incidentId: input.incidentId, severity: state.severity });
    } else if (state.status === 'resolved') {
      afterResolution.push(alert);
    } else {
      const before = state.severity;
      state = applyRepeatAlert(state, alert);
      if (state.severity !== before) upsertSearchAttributes([{ key: IncidentSeverityKey, value: state.severity }]);
    }
  };

  for (const alert of input.carried?.alerts ?? []) onAlert(alert); // older than any buffered signal
  setHandler(alertFiredSignal, onAlert);
  setHandler(incidentStateQuery, () => current());
  setHandler(
    acknowledgeUpdate,
    (cmd) => {
      state = acknowledge(current(), cmd, now());
      upsertSearchAttributes([
        { key: IncidentStatusKey, value: state.status },
        { key: IncidentAcknowledgedByKey, value: cmd.by },
      ]);
      return state;
    },
    { validator: (cmd) => refuseWith(refuseCommand(state, cmd, refuseAcknowledge)) },
  );
  setHandler(
    resolveUpdate,
    (cmd) => {
      state = resolve(current(), cmd, now());
      upsertSearchAttributes([{ key: IncidentStatusKey, value: state.status }]);
      return state;
    },
    { validator: (cmd) => refuseWith(refuseCommand(state, cmd, refuseResolve)) },
  );

  if (!(await condition(() => state !== undefined, FIRST_ALERT_WAIT))) {
    log.warn('incident started without an alert; closing', { incidentId: input.incidentId });
    return undefined;
  }

  let projected = 0;
  // Runs until the workflow ends; its activity retries forever, so it never rejects.
  void runProjector(() => state, () => projected, (seq) => (projected = seq));

  await condition(() => state?.status === 'resolved');

  await condition(() => allHandlersFinished() && projected >= (state?.seq ?? 0));

  if (afterResolution.length > 0) {
    // The key fired again after resolution: that is a new incident under the same id.
    log.info('alert after resolution opens a new incident', { incidentId: input.incidentId });
    await continueAsNew<typeof incidentWorkflow>({
      incidentId: input.incidentId,
      service: input.service,
      dedupKey: input.dedupKey,
      carried: { alerts: afterResolution },
    });
  }
  return state;
}

function refuseCommand(
  state: IncidentState | undefined,
  cmd: { by: string },
  refuse: (s: IncidentState) => string | undefined,
): string | undefined {
  if (!state) return 'incident has not been opened yet';
  if (!cmd || typeof cmd.by !== 'string' || cmd.by.length === 0) return 'command needs a "by"';
  return refuse(state);
}

function refuseWith(reason: string | undefined): void {
  if (reason) throw ApplicationFailure.nonRetryable(reason, 'CommandRefused');
}

/** Keeps the MongoDB read model at the newest state, one write at a time, oldest-first skipped. */
async function runProjector(
  get: () => IncidentState | undefined,
  projected: () => number,
  done: (seq: number) => void,
): Promise<void> {
  for (;;) {
    await condition(() => (get()?.seq ?? 0) > projected());
    const snapshot = get() as IncidentState;
    await store.upsertIncidentRecord({ state: snapshot });
    done(snapshot.seq);
  }
}
