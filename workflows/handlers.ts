/**
 * The incident workflow's message handlers. Signals carry facts and are applied at once
 * (a command in the same activation as the first alert must see an open incident);
 * updates carry commands, each with a synchronous validator that answers why it refuses.
 */
import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  acknowledgeUpdate,
  alertFiredSignal,
  alertResolvedSignal,
  changeSeverityUpdate,
  escalateUpdate,
  IncidentSeverityKey,
  incidentStateQuery,
  noteAddedSignal,
  reassignUpdate,
  resolveUpdate,
  snoozeUpdate,
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
} from '../domain/incident/incident';
import {
  changeSeverity,
  escalateNow,
  reassign,
  recordEvent,
  refuseIfResolved,
  refuseReassign,
  refuseSeverityChange,
  refuseSnooze,
  snooze,
} from '../domain/incident/commands';
import { allSourceAlertsResolved, applySourceAlerts } from '../domain/incident/source-alerts';
import { escalateManually } from './escalation';
import { refuseIf, refuseMalformedCommand } from './refusal';
import { nowIso, nowMs, oncall, type Ctx } from './runtime';

export interface HandlerHooks {
  incidentId: string;
  runKey: string;
  serviceId: string;
  /** Alerts after resolution: they open the next incident. */
  afterResolution: AlertEvent[];
  /** Source-resolution bookkeeping for auto-resolve. */
  source: { resolvedAt?: number };
}

/** Common checks of every command, then the command's own. */
function validate<C extends { by: string }>(
  ctx: Ctx,
  cmd: C,
  own: (s: IncidentState, c: C) => string | undefined,
): void {
  refuseMalformedCommand(ctx.opened(), cmd);
  refuseIf(own(ctx.state(), cmd));
}

export function registerHandlers(ctx: Ctx, hooks: HandlerHooks): void {
  setHandler(alertFiredSignal, (alert) => {
    hooks.source.resolvedAt = undefined;
    if (!ctx.opened()) {
      ctx.open(openIncident(hooks.incidentId, hooks.runKey, alert));
      upsertSearchAttributes([{ key: IncidentSeverityKey, value: alert.severity }]);
    } else if (ctx.state().status === 'resolved') hooks.afterResolution.push(alert);
    else {
      const before = ctx.state().severity;
      ctx.apply((s) => applyRepeatAlert(s, alert));
      // A more severe repeat re-plans the SLA timers and reminders, like a severity change.
      if (ctx.state().severity !== before) ctx.severityVersion += 1;
      // A delivery naming its alerts may also resolve the last of them.
      if (alert.sourceAlerts && allSourceAlertsResolved(ctx.state())) hooks.source.resolvedAt = nowMs();
    }
  });
  setHandler(alertResolvedSignal, (fact) => {
    if (!ctx.opened() || ctx.state().status === 'resolved') return;
    if (fact.fingerprints) {
      const sourceAlerts = fact.fingerprints.map((fingerprint) => ({ fingerprint, status: 'resolved' as const }));
      const before = ctx.state();
      ctx.apply((s) =>
        applySourceAlerts(s, { source: fact.source, receivedAt: nowIso(), sourceAlerts }, (same) => same),
      );
      if (ctx.state() !== before && allSourceAlertsResolved(ctx.state())) hooks.source.resolvedAt = nowMs();
      return;
    }
    hooks.source.resolvedAt = nowMs();
    ctx.apply((s) =>
      recordEvent(s, {
        at: nowIso(),
        type: 'alert_resolved',
        message: `Alert resolved at the source (${fact.source})`,
      }),
    );
  });
  setHandler(noteAddedSignal, (note) => {
    if (ctx.opened()) ctx.apply((s) => recordEvent(s, { at: nowIso(), type: 'note', message: note.text, by: note.by }));
  });
  setHandler(incidentStateQuery, () => ctx.state());

  const done = () => ctx.state();
  setHandler(acknowledgeUpdate, (cmd) => (ctx.apply((s) => acknowledge(s, cmd, nowIso())), done()), {
    validator: (cmd) => validate(ctx, cmd, refuseAcknowledge),
  });
  setHandler(resolveUpdate, (cmd) => (ctx.apply((s) => resolve(s, cmd, nowIso())), done()), {
    validator: (cmd) => validate(ctx, cmd, refuseResolve),
  });
  setHandler(
    escalateUpdate,
    (cmd) => {
      const wasTriggered = ctx.state().status === 'triggered';
      ctx.apply((s) => escalateNow(s, cmd, nowIso()));
      escalateManually(ctx, wasTriggered);
      return done();
    },
    { validator: (cmd) => validate(ctx, cmd, refuseIfResolved) },
  );
  setHandler(
    reassignUpdate,
    async (cmd) => {
      if (cmd.toPolicyId)
        ctx.plan = await oncall.loadServicePlan({ serviceId: hooks.serviceId, policyId: cmd.toPolicyId });
      ctx.apply((s) => reassign(s, cmd, nowIso()));
      return done();
    },
    {
      validator: (cmd) =>
        validate(ctx, cmd, (s, c) =>
          refuseReassign(s, c, {
            userIds: new Set(ctx.plan.knownUserIds),
            policyIds: new Set(ctx.plan.knownPolicyIds),
          }),
        ),
    },
  );
  setHandler(
    snoozeUpdate,
    (cmd) => {
      const until = new Date(nowMs() + cmd.minutes * ctx.plan.minuteMs).toISOString();
      ctx.apply((s) => snooze(s, cmd, nowIso(), until));
      return done();
    },
    { validator: (cmd) => validate(ctx, cmd, refuseSnooze) },
  );
  setHandler(
    changeSeverityUpdate,
    (cmd) => {
      ctx.apply((s) => changeSeverity(s, cmd, nowIso()));
      ctx.severityVersion += 1;
      return done();
    },
    { validator: (cmd) => validate(ctx, cmd, refuseSeverityChange) },
  );
}
