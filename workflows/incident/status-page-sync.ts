/**
 * Status pages follow the incident. At the start the part takes the pages the service's
 * incidents may publish on (with its rules and quiet period) from the coordination plan
 * (runs whose plan predates that look them up by activity); then, per page, it
 * publishes when a rule matches, shows a change of severity once the page's quiet period
 * since its last change has passed (so a flapping severity changes the page at most once
 * per period, showing the state of that moment), and resolves the page's incident when the
 * incident resolves. Each step is an activity keyed by incident, run, page and step
 * (idempotent), and the timeline records it, or records that it failed after its retries:
 * a status page never holds up paging. The incident ends only once every page has
 * caught up (StatusPageSync.settled), so a resolution is never lost to the workflow's end.
 */
import { condition, log } from '@temporalio/workflow';
import { recordEvent } from '../../domain/incident/commands';
import { nextAction, type PageAction, type PagePlan, type Shown } from '../../domain/status-page/publication';
import { statusPageLookup, statusPagePublisher } from './activity-stubs';
import { nowIso, nowMs } from './clock';
import type { IncidentRun } from './incident-run';

export interface StatusPageSync {
  /** Nothing in flight and nothing due now: the incident may end (or continue as new). */
  settled(): boolean;
}

const VERB = { create: 'Published on', update: 'Updated on', resolve: 'Resolved on' } as const;
const UNPUBLISHED: Shown = { published: false, resolved: false };

/** Per page: what it shows, a step in flight, and the incident state a failed step was for. */
interface Follower {
  plan: PagePlan;
  shown: Shown;
  busy: boolean;
  failedFor?: string;
  step: number;
}

const causeOf = (err: unknown): string =>
  err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
const stateKey = (run: IncidentRun) => `${run.state.severity}/${run.state.status === 'resolved'}`;

/** Starts following the incident's status pages; returns what the incident's end waits on. */
export function syncStatusPages(run: IncidentRun): StatusPageSync {
  let followers: Follower[] | undefined;
  void (async () => {
    // Looked up with the coordination plan; plans recorded before that ask by activity.
    const pages = run.coordination?.statusPages ?? (await lookUpPages(run));
    followers = pages.map((plan) => ({ plan, shown: UNPUBLISHED, busy: false, step: 0 }));
    await Promise.all(followers.map((f) => follow(run, f)));
  })();
  // Judged from the state, not from the followers having woken: a resolution in this
  // activation holds the end even before a follower runs to publish it.
  const due = (f: Follower) => f.busy || (f.failedFor !== stateKey(run) && nextStep(run, f).action !== undefined);
  return { settled: () => followers !== undefined && !followers.some(due) };
}

/** The pages by activity; none when they cannot be looked up (a status page never holds up paging). */
async function lookUpPages(run: IncidentRun): Promise<PagePlan[]> {
  try {
    return (await statusPageLookup.planStatusPages({ serviceId: run.serviceId })).pages;
  } catch (err) {
    log.warn('status pages could not be looked up; none follow this incident', { error: causeOf(err) });
    return [];
  }
}

function facts(run: IncidentRun) {
  const s = run.state;
  return {
    severity: s.severity,
    summary: s.summary,
    service: s.service,
    resolved: s.status === 'resolved',
    ...(run.plan.serviceName === undefined ? {} : { serviceName: run.plan.serviceName }),
    ...(run.plan.tier === undefined ? {} : { tier: run.plan.tier }),
  };
}

const nextStep = (run: IncidentRun, f: Follower) => nextAction(f.plan, f.shown, facts(run), nowMs(), run.plan.minuteMs);

async function follow(run: IncidentRun, f: Follower): Promise<void> {
  for (;;) {
    const { action, waitUntil } = f.failedFor === stateKey(run) ? {} : nextStep(run, f);
    if (action) {
      const before = stateKey(run);
      f.busy = true;
      f.step += 1;
      const shown = await publish(run, f.plan, action, f.step);
      f.busy = false;
      // A failed step (on the timeline) is tried again at the incident's next change.
      if (shown) f.shown = shown;
      else f.failedFor = before;
      continue;
    }
    if (run.state.status === 'resolved' || f.shown.resolved) return;
    const key = stateKey(run);
    const changed = () => stateKey(run) !== key;
    if (waitUntil === undefined) await condition(changed);
    else await condition(changed, Math.max(1, waitUntil - nowMs()));
  }
}

/** One step; what the page shows after it, or undefined when it failed after its retries. */
async function publish(run: IncidentRun, plan: PagePlan, action: PageAction, step: number): Promise<Shown | undefined> {
  const at = nowIso();
  const updateKey = `${run.incidentId}:${run.runKey}:status-page:${plan.pageId}:${step}`;
  try {
    const result = await statusPagePublisher.publishStatusPageIncident({
      pageId: plan.pageId,
      incidentId: run.incidentId,
      runKey: run.runKey,
      updateKey,
      at,
      action,
    });
    const what = action.kind === 'resolve' ? 'resolved' : action.publication.title;
    const held = result.held ? ' (held back: not shown until released)' : '';
    const message = `${VERB[action.kind]} status page "${plan.pageName}": ${what}${held}`;
    const data = { pageId: plan.pageId, pageIncidentId: result.pageIncidentId, action: action.kind };
    // A step written before (a retry, or a run continued as new) is on the timeline already.
    if (result.wrote) run.apply((s) => recordEvent(s, { at, type: 'status_page', message, data }));
    return { ...result.shown, changedAt: Date.parse(at) };
  } catch (err) {
    log.warn('status page step failed', { pageId: plan.pageId, kind: action.kind, error: causeOf(err) });
    const message = `Could not update status page "${plan.pageName}" (${action.kind}): ${causeOf(err)}`;
    run.apply((s) => recordEvent(s, { at, type: 'status_page', message, data: { pageId: plan.pageId, failed: true } }));
    return undefined;
  }
}
