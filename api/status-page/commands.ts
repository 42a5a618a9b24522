/**
 * Responders' commands on the status-page incident that follows a Vigil incident: hold
 * back / release, edit, post an update. They write the status-page store directly (not
 * through the incident workflow: a page is not paging, and must be correctable after the
 * incident has ended), then drop this process's cached views of the page, tell the
 * page's mirror, and put what happened on the incident's timeline (a note signal).
 * A human update is an update record with its own id, like the workflow's, so
 * subscriber delivery treats both alike.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../lib/logger';
import { mongoStatusPageStore, type StatusPageStore } from '../../lib/models/status-page';
import type { MirrorTrigger } from '../../lib/status-page-mirror';
import type { SubscriberAnnouncer } from '../../lib/status-page-announce';
import {
  describeCommand,
  refusePageUpdate,
  responderUpdate,
  type PageEdit,
  type PageIncidentRecord,
  type PageUpdateInput,
  type StatusPage,
} from '../../domain/status-page';
import { conflict, HttpError, notFound } from '../errors';
import type { IncidentGateway } from '../incident-gateway';
import type { PageViews } from './views';

export interface StatusPageCommands {
  /** Every page's incidents that follow this incident, newest first. */
  list(incidentId: string): Promise<PageIncidentRecord[]>;
  hold(incidentId: string, pageId: string, held: boolean, by: string): Promise<PageIncidentRecord>;
  edit(incidentId: string, pageId: string, edit: PageEdit, by: string): Promise<PageIncidentRecord>;
  post(incidentId: string, pageId: string, input: PageUpdateInput, by: string): Promise<PageIncidentRecord>;
}

export function createStatusPageCommands(deps: {
  log: Logger;
  views: Pick<PageViews, 'page' | 'invalidate'>;
  incidents: Pick<IncidentGateway, 'note'>;
  store?: StatusPageStore;
  mirror?: MirrorTrigger;
  /** Tells the page's subscribers of updates (lib/status-page-announce.ts); absent: nobody is told. */
  announce?: SubscriberAnnouncer['announce'];
  now?: () => number;
}): StatusPageCommands {
  const store = deps.store ?? mongoStatusPageStore;
  const nowIso = () => new Date((deps.now ?? Date.now)()).toISOString();

  async function target(incidentId: string, pageId: string): Promise<{ page: StatusPage; r: PageIncidentRecord }> {
    const page = await deps.views.page(pageId);
    if (!page) throw notFound(`status page "${pageId}"`);
    const r = await store.latestFor(pageId, incidentId);
    if (!r) throw notFound(`an incident on status page "${pageId}" for incident ${incidentId}`);
    return { page, r };
  }

  /** After a write: fresh reads here, the mirror told, the timeline told (neither may undo the write). */
  async function after(incidentId: string, page: StatusPage, r: PageIncidentRecord, text: string, by: string) {
    deps.views.invalidate(page.id);
    if (page.mirror && deps.mirror)
      await deps.mirror({ pageId: page.id, pageIncidentId: r.id, incidentId }).catch((err: unknown) => {
        deps.log.warn({ err, pageId: page.id }, 'status page mirror not told; its next change tells it');
      });
    await deps.incidents.note(incidentId, { by, text }).catch((err: unknown) => {
      deps.log.warn({ err, incidentId }, 'status page command not noted on the timeline (incident closed?)');
    });
    const fresh = await store.incident(page.id, r.id);
    if (!fresh) throw notFound(`the incident on status page "${page.id}"`);
    return fresh;
  }

  /**
   * Subscribers hear of a posted update, and on a release of every update so far (each
   * fan-out sends only what they have not had). Like the mirror, a failure never undoes the
   * write: it is logged, and announcing the update again sends what is missing.
   */
  async function announce(pageId: string, r: PageIncidentRecord, updateIds: string[]) {
    for (const updateId of updateIds)
      await deps.announce?.({ pageId, pageIncidentId: r.id, updateId }).catch((err: unknown) => {
        deps.log.warn({ err, pageId, updateId }, 'status page subscribers not told of an update');
      });
  }

  return {
    list: (incidentId) => store.forIncident(incidentId),
    async hold(incidentId, pageId, held, by) {
      const { page, r } = await target(incidentId, pageId);
      await store.patch(pageId, r.id, { held, updatedAt: nowIso() });
      const fresh = await after(incidentId, page, r, describeCommand(page.name, { kind: 'hold', held }), by);
      if (!held)
        await announce(
          pageId,
          fresh,
          fresh.updates.map((u) => u.id),
        );
      return fresh;
    },
    async edit(incidentId, pageId, edit, by) {
      const { page, r } = await target(incidentId, pageId);
      const last = r.updates[r.updates.length - 1];
      if (edit.message !== undefined && last) await store.editUpdate(pageId, last.id, edit.message);
      await store.patch(pageId, r.id, { ...(edit.title ? { name: edit.title } : {}), updatedAt: nowIso() });
      return after(incidentId, page, r, describeCommand(page.name, { kind: 'edit', edit }), by);
    },
    async post(incidentId, pageId, input, by) {
      const { page, r } = await target(incidentId, pageId);
      const refusal = refusePageUpdate(page, r, input);
      if (refusal?.status === 409) throw conflict(refusal.message);
      if (refusal) throw new HttpError(422, 'unprocessable', refusal.message);
      const { patch, update } = responderUpdate(r, input, { id: `${r.id}:${randomUUID()}`, at: nowIso(), by });
      await store.addUpdate(pageId, r.id, patch, update);
      const fresh = await after(incidentId, page, r, describeCommand(page.name, { kind: 'update', input }), by);
      await announce(pageId, fresh, [update.id]);
      return fresh;
    },
  };
}
