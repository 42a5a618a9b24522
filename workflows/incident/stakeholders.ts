/**
 * The service's stakeholders hear of the incident through the communication templates of
 * audience `stakeholders` (domain/coordination/stakeholder-comms.ts): the initial message
 * once the incident has paged and has its number, when their tier (or their own list)
 * hears its severity, asked again when the severity changes; an update at each
 * update-cadence tick; the resolution. Each message is composed from configuration by an
 * activity (the template rendered, the lists), then sent to each email address and Slack
 * channel on that channel's own task queue, keyed per message and recipient (retries and
 * receivers dedup on it). One timeline entry per message says who was told and who could
 * not be. Nothing here waits in front of a page, and nothing is cancelled: the incident
 * ends (or continues as new) once no message is in flight or owed (StakeholderComms.settled).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnCallActivities } from '../../activities/oncall';
import { COMMS_LOOKUP_PROFILE } from '../activity-profiles';
import {
  dueStakeholderMessage,
  NO_STAKEHOLDER_LISTS,
  stakeholderNotification,
  stakeholdersEntry,
  STAKEHOLDERS_NOTIFIED,
  type ComposedMessage,
  type DueMessage,
  type StakeholderRecipient,
} from '../../domain/coordination/stakeholder-comms';
import { recordEvent } from '../../domain/incident/commands';
import type { IncidentState } from '../../domain/incident/incident';
import { notifyFor } from './activity-stubs';
import { nowIso } from './clock';
import type { IncidentRun } from './incident-run';
import { numberSettled } from './preparation';

const composer = proxyActivities<Pick<OnCallActivities, 'composeStakeholderMessage'>>(COMMS_LOOKUP_PROFILE);

export interface StakeholderComms {
  /** No message in flight and none owed now: the incident may end or continue as new. */
  settled(): boolean;
}

const causeOf = (err: unknown): string =>
  err instanceof ActivityFailure && err.cause instanceof Error ? err.cause.message : String(err);
const notServed = (err: unknown): boolean =>
  err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'NotFoundError';

/** What the template reads, without the whole timeline (only the last note is shown). */
function compact(s: IncidentState): IncidentState {
  const lastNote = [...s.timeline].reverse().find((e) => e.type === 'note');
  return { ...s, timeline: lastNote ? [lastNote] : [] };
}

/** Starts telling the stakeholders; returns what the incident's end waits on. */
export function tellStakeholders(run: IncidentRun): StakeholderComms {
  /** Messages nobody hears (no lists, no template, not their severity): not asked again. */
  const passed = new Set<string>();
  let busy = false;
  void (async () => {
    // After the first page and the number: the messages name the incident, and never go before a page.
    await condition(() => numberSettled(run));
    let askedAt = run.state.severity;
    for (;;) {
      // Not heard at one severity may be heard at another.
      if (run.state.severity !== askedAt) passed.delete('initial');
      askedAt = run.state.severity;
      const due = dueStakeholderMessage(run.state, passed);
      if (due) {
        busy = true;
        await tell(run, due, passed).finally(() => (busy = false));
        continue;
      }
      if (run.state.status === 'resolved') return;
      const mark = wakeKey(run.state);
      await condition(() => wakeKey(run.state) !== mark);
    }
  })();
  return { settled: () => !busy && dueStakeholderMessage(run.state, passed) === undefined };
}

const wakeKey = (s: IncidentState) =>
  `${s.status}|${s.severity}|${s.timeline.filter((e) => e.type === 'status_update_due').length}`;

async function compose(run: IncidentRun, s: IncidentState, due: DueMessage): Promise<ComposedMessage | string> {
  // The plan says the service lists nobody (plans recorded before it said so are asked).
  if (run.coordination?.stakeholderLists === false) return { heard: false, why: NO_STAKEHOLDER_LISTS };
  try {
    return await composer.composeStakeholderMessage({ state: compact(s), kind: due.kind });
  } catch (err) {
    if (notServed(err)) return { heard: false, why: 'this worker does not compose stakeholder messages' };
    return causeOf(err);
  }
}

/** Composes one message and sends it to every recipient; the outcome goes on the timeline. */
async function tell(run: IncidentRun, due: DueMessage, passed: Set<string>): Promise<void> {
  const s = run.state;
  const composed = await compose(run, s, due);
  if (typeof composed === 'string') {
    const message = `Could not compose the stakeholders' ${due.kind} message: ${composed}`;
    const data = { message: due.key, kind: due.kind, reached: [], failed: [{ error: composed }] };
    run.apply((x) => recordEvent(x, { at: nowIso(), type: STAKEHOLDERS_NOTIFIED, message, data }));
    return;
  }
  if (!composed.heard) {
    log.info('stakeholders not told', { incidentId: s.incidentId, message: due.key, why: composed.why });
    passed.add(due.key);
    return;
  }
  const m = { workflowId: workflowInfo().workflowId, key: due.key, body: composed.body, occurredAt: nowIso() };
  const text = composed.subject === undefined ? m : { ...m, subject: composed.subject };
  const outcomes = await Promise.all(
    composed.recipients.map((to) => send(run, stakeholderNotification(s, text, to), to)),
  );
  run.apply((x) => recordEvent(x, stakeholdersEntry(nowIso(), due, composed.templateId, outcomes)));
}

async function send(
  run: IncidentRun,
  notification: ReturnType<typeof stakeholderNotification>,
  to: StakeholderRecipient,
): Promise<{ to: StakeholderRecipient; error?: string }> {
  try {
    const receipt = await notifyFor(run.plan, to.type).sendStakeholderMessage({ notification });
    return receipt.logged ? { to, error: 'logged, not delivered (VIGIL_NOTIFY_LOG_ONLY)' } : { to };
  } catch (err) {
    return { to, error: causeOf(err) };
  }
}
