import type { Client } from '@temporalio/client';
import {
  acknowledgeUpdate,
  alertFiredSignal,
  alertsFiredSignal,
  assignRoleUpdate,
  releaseRoleUpdate,
  setIncidentTypeUpdate,
  alertResolvedSignal,
  changeSeverityUpdate,
  escalateUpdate,
  incidentStateQuery,
  IncidentServiceKey,
  IncidentSeverityKey,
  IncidentStatusKey,
  noteAddedSignal,
  reassignUpdate,
  resolveUpdate,
  snoozeUpdate,
} from '../workflows/contract';
import type { AlertEvent, IncidentCommand, IncidentState } from '../domain/incident/incident';
import type { ReassignCommand, SeverityCommand, SnoozeCommand } from '../domain/incident/commands';
import type { AssignRoleCommand, ReleaseRoleCommand, SetTypeCommand } from '../domain/coordination/incident-roles';
import type { ResolveCommand } from '../domain/incident/classification';
import type { incidentWorkflow } from '../workflows/incident';
import { conflict, notFound } from './errors';
import { createCoalescer } from './ingest/coalesce';
import { incidentWorkflowId } from './incident-id';
import { isWorkflowClosed, isWorkflowNotFound, refusal, temporalUnavailable as toUnavailable } from './temporal-errors';

/** Commands a responder gives, by name, with their argument types. */
export interface IncidentCommands {
  acknowledge: IncidentCommand;
  resolve: ResolveCommand;
  escalate: IncidentCommand;
  reassign: ReassignCommand;
  snooze: SnoozeCommand;
  severity: SeverityCommand;
  type: SetTypeCommand;
  assignRole: AssignRoleCommand;
  releaseRole: ReleaseRoleCommand;
}

const UPDATES = {
  acknowledge: acknowledgeUpdate,
  resolve: resolveUpdate,
  escalate: escalateUpdate,
  reassign: reassignUpdate,
  snooze: snoozeUpdate,
  severity: changeSeverityUpdate,
  type: setIncidentTypeUpdate,
  assignRole: assignRoleUpdate,
  releaseRole: releaseRoleUpdate,
} as const;

/** What the API needs from Temporal; routes depend on this, tests may fake it. */
export interface IncidentGateway {
  ingest(alert: AlertEvent): Promise<{ incidentId: string }>;
  /** The source resolved the alert (or, with fingerprints, those of its alerts): tell a running incident; false when none runs. */
  sourceResolved(
    service: string,
    dedupKey: string,
    source: string,
    fingerprints?: string[],
  ): Promise<{ incidentId: string; delivered: boolean }>;
  state(incidentId: string): Promise<IncidentState>;
  command<K extends keyof IncidentCommands>(
    incidentId: string,
    name: K,
    cmd: IncidentCommands[K],
  ): Promise<IncidentState>;
  note(incidentId: string, note: { by: string; text: string }): Promise<void>;
}

export function createIncidentGateway(client: Client, taskQueue: string): IncidentGateway {
  const handle = (id: string) => client.workflow.getHandle<typeof incidentWorkflow>(id);

  async function command<K extends keyof IncidentCommands>(
    incidentId: string,
    name: K,
    cmd: IncidentCommands[K],
  ): Promise<IncidentState> {
    try {
      const def = UPDATES[name] as unknown as typeof acknowledgeUpdate;
      return await handle(incidentId).executeUpdate(def, { args: [cmd] });
    } catch (err) {
      throw refusal(err) ?? (await explainMissing(incidentId, err));
    }
  }

  /** An update or query on a closed run fails like a missing one: say which it is. */
  async function explainMissing(incidentId: string, err: unknown): Promise<Error> {
    if (!isWorkflowNotFound(err) && !isWorkflowClosed(err)) return toUnavailable(err);
    try {
      const desc = await handle(incidentId).describe();
      if (desc.status.name !== 'RUNNING') return conflict(`incident is closed (${desc.status.name.toLowerCase()})`);
      return toUnavailable(err);
    } catch (describeErr) {
      if (isWorkflowNotFound(describeErr)) return notFound(`incident ${incidentId}`);
      return toUnavailable(describeErr);
    }
  }

  /**
   * Opens or adds to an incident: one alert goes as alertFired, the repeats that queued behind
   * a signal in flight go together as alertsFired (api/ingest/coalesce.ts).
   */
  async function sendAlerts(incidentId: string, alerts: AlertEvent[]): Promise<void> {
    const [alert] = alerts;
    if (!alert) return;
    const start = {
      workflowId: incidentId,
      taskQueue,
      args: [{ incidentId, service: alert.service, dedupKey: alert.dedupKey }] as const,
      typedSearchAttributes: [
        { key: IncidentServiceKey, value: alert.service },
        { key: IncidentSeverityKey, value: alert.severity },
        { key: IncidentStatusKey, value: 'triggered' },
      ],
      staticSummary: `${alert.severity} ${alert.service}: ${alert.summary}`.slice(0, 400),
      staticDetails: `Opened by ${alert.source} alert with dedup key \`${alert.dedupKey}\``.slice(0, 1000),
    };
    try {
      if (alerts.length === 1)
        await client.workflow.signalWithStart<typeof incidentWorkflow, [AlertEvent]>('incidentWorkflow', {
          ...start,
          signal: alertFiredSignal,
          signalArgs: [alert],
        });
      else
        await client.workflow.signalWithStart<typeof incidentWorkflow, [AlertEvent[]]>('incidentWorkflow', {
          ...start,
          signal: alertsFiredSignal,
          signalArgs: [alerts],
        });
    } catch (err) {
      throw toUnavailable(err); // not accepted: the sender must retry (Alertmanager does on 5xx)
    }
  }
  const signalAlerts = createCoalescer(sendAlerts);

  return {
    async ingest(alert) {
      const incidentId = incidentWorkflowId(alert.service, alert.dedupKey);
      await signalAlerts(incidentId, alert);
      return { incidentId };
    },
    async state(incidentId) {
      try {
        return await handle(incidentId).query(incidentStateQuery); // closed runs answer too
      } catch (err) {
        throw await explainMissing(incidentId, err);
      }
    },
    command,
    async sourceResolved(service, dedupKey, source, fingerprints) {
      const incidentId = incidentWorkflowId(service, dedupKey);
      try {
        await handle(incidentId).signal(alertResolvedSignal, {
          source,
          receivedAt: new Date().toISOString(),
          ...(fingerprints ? { fingerprints } : {}),
        });
        return { incidentId, delivered: true };
      } catch (err) {
        if (isWorkflowNotFound(err)) return { incidentId, delivered: false }; // nothing open: dropped, as PagerDuty does
        throw toUnavailable(err);
      }
    },
    async note(incidentId, note) {
      try {
        await handle(incidentId).signal(noteAddedSignal, { ...note, at: new Date().toISOString() });
      } catch (err) {
        throw await explainMissing(incidentId, err);
      }
    },
  };
}
