/**
 * Status-page activities of the incident workflow: which pages an incident's service may
 * publish on (read at the incident's start), and one publishing step at a time. Every
 * step is idempotent: the page's incident id is derived from page, incident and run, and
 * each update is stored once under the workflow's key for that step, so a retried
 * activity or a replayed workflow never shows (or tells subscribers) anything twice.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { mirrorTrigger, type MirrorTrigger } from '../../lib/status-page-mirror';
import type { Logger } from '../../lib/logger';
import { loadConfigSnapshot, type ConfigSnapshot } from '../../lib/models/config';
import { mongoStatusPageStore, type StatusPageStore } from '../../lib/models/status-page';
import type { SubscriberAnnouncer } from '../../lib/status-page-announce';
import { announcementOf } from '../../domain/status-page/subscribers';
import {
  change,
  creation,
  pagePlansForService,
  type PagePlan,
  type PageIncidentRecord,
  type PublishStep,
  type Shown,
} from '../../domain/status-page';

export type PublishInput = Omit<PublishStep, 'pageIncidentId'> & { runKey: string };

export interface PublishResult {
  pageIncidentId: string;
  /** What the page shows of the incident after this step. */
  shown: Shown;
  /** False when the step had been written before (a retry) or had nothing to change. */
  wrote: boolean;
  /** The page's incident is held back: written, not shown. */
  held: boolean;
}

/** A short stable id: the same page, incident and run always give the same page incident. */
export function pageIncidentIdFor(pageId: string, incidentId: string, runKey: string): string {
  return createHash('sha256').update(`${pageId}\n${incidentId}\n${runKey}`).digest('hex').slice(0, 16);
}

const shownOf = (r: PageIncidentRecord): Shown => ({
  published: true,
  resolved: r.status === 'resolved',
  impact: r.impact,
  components: r.components,
});

export function createStatusPageActivities(deps: {
  log: Logger;
  store?: StatusPageStore;
  loadConfig?: () => Promise<ConfigSnapshot>;
  /** Tells a mirrored page's mirror workflow (default: through this activity's worker client). */
  mirror?: MirrorTrigger;
  /** Tells the page's subscribers of a step's update (its fan-out); absent: nobody is told. */
  announce?: SubscriberAnnouncer['announce'];
}) {
  const store = deps.store ?? mongoStatusPageStore;
  const loadConfig = deps.loadConfig ?? loadConfigSnapshot;
  const trigger: MirrorTrigger =
    deps.mirror ?? ((input) => mirrorTrigger(Context.current().client, Context.current().info.taskQueue)(input));
  /** A mirror not told catches up at the page incident's next change: the step itself has succeeded. */
  const tellMirror = async (step: PublishStep) => {
    try {
      const page = (await loadConfig()).statusPages.find((p) => p.id === step.pageId);
      if (page?.mirror)
        await trigger({ pageId: step.pageId, pageIncidentId: step.pageIncidentId, incidentId: step.incidentId });
    } catch (err) {
      deps.log.warn({ err, pageId: step.pageId }, 'status page mirror not told of a change');
    }
  };
  return {
    /** The pages a service's incidents may publish on. Read-only: profile "lookup". */
    async planStatusPages(input: { serviceId: string }): Promise<{ pages: PagePlan[] }> {
      const snap = await loadConfig();
      const service = snap.services.find((s) => s.id === input.serviceId);
      return { pages: pagePlansForService(snap.statusPages, service) };
    },

    /**
     * One step on one page: create, change the status of, or resolve the page's incident.
     * Idempotent by `updateKey` (profile "status page": retried about five minutes).
     */
    async publishStatusPageIncident(input: PublishInput): Promise<PublishResult> {
      const { runKey, ...rest } = input;
      const step: PublishStep = { ...rest, pageIncidentId: pageIncidentIdFor(input.pageId, input.incidentId, runKey) };
      const existing = await store.incident(step.pageId, step.pageIncidentId);
      let wrote = false;
      if (step.action.kind === 'create' && !existing) {
        const { fields, first } = creation(step, step.action.publication);
        wrote = await store.create(fields, first);
      } else if (existing) {
        const next = change(existing, step);
        if (next) wrote = await store.addUpdate(step.pageId, step.pageIncidentId, next.patch, next.update);
      }
      const after = await store.incident(step.pageId, step.pageIncidentId);
      if (after) await tellMirror(step);
      if (!after)
        return {
          pageIncidentId: step.pageIncidentId,
          shown: { published: false, resolved: false },
          wrote,
          held: false,
        };
      deps.log.info(
        { pageId: step.pageId, pageIncidentId: step.pageIncidentId, kind: step.action.kind, wrote },
        'status page step',
      );
      // Also when written by an earlier attempt: that attempt may have failed before announcing.
      const update = after.updates.find((u) => u.id === step.updateKey);
      if (deps.announce && update && announcementOf(after, update))
        await deps.announce({ pageId: step.pageId, pageIncidentId: step.pageIncidentId, updateId: update.id });
      return { pageIncidentId: step.pageIncidentId, shown: shownOf(after), wrote, held: after.held };
    },
  };
}

export type StatusPageActivities = ReturnType<typeof createStatusPageActivities>;
