/**
 * The console's pages: each loads what it shows (list index, workflow query, configuration)
 * and renders it on the server. Forms and links work without JavaScript.
 */
import { Router, type Request } from 'express';
import { HttpError, knownHttpError } from '../api/errors';
import { parseListQuery } from '../api/incident-list/query';
import { searchIncidents } from '../api/incident-list/search';
import { incidentIdParam } from '../api/schemas';
import type { IncidentState } from '../domain/incident/incident';
import { inMaintenance } from '../domain/config';
import { resolveLevel, shifts } from '../domain/oncall';
import type { ConfigSnapshot } from '../lib/models/config';
import type { ConsoleDeps } from './deps';
import { escalationView, runbookRuns, slaClocks } from './incident-model';
import { integrationEndpoints } from './endpoints';
import { sendPage } from './render';
import type { Session } from './session';
import { IncidentPage } from './views/incident';
import { configuredBridge } from '../domain/coordination/bridge';
import { IncidentsPage, type ListForm } from './views/incidents';
import { OnCallPage } from './views/oncall';
import { ServicesPage } from './views/services';

const DAY = 86_400_000;
export const DONE: Record<string, string> = {
  acknowledge: 'Acknowledged.',
  resolve: 'Resolved.',
  escalate: 'Escalated: the next step is paged.',
  reassign: 'Reassigned.',
  snooze: 'Snoozed.',
  severity: 'Severity changed.',
  notes: 'Note added.',
  approve: 'Approved.',
  deny: 'Denied.',
  'status-page-update': 'Update posted on the status page.',
  'status-page-hold': 'Held back from the status page.',
  'status-page-release': 'Released to the status page.',
  'status-page-edit': 'Status page title changed.',
};

const session = (req: Request) => req.consoleSession as Session;
const chrome = (req: Request, title: string, nav?: 'incidents' | 'on-call' | 'services') => ({
  title,
  user: session(req).user,
  csrf: session(req).csrf,
  nav,
});
export const namesFrom = (snap: ConfigSnapshot) => new Map(snap.users.map((u) => [u.id, u.name]));
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
const first = (v: unknown) => strings(v)[0] ?? '';
/** datetime-local has no offset: the form says UTC, so it is read as UTC. */
const asInstant = (v: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v);

/** The list form from the query string; with no query at all, open incidents. */
function listForm(q: Request['query']): ListForm {
  const bare = Object.keys(q).length === 0;
  return {
    status: bare ? ['triggered', 'acknowledged'] : strings(q.status),
    service: first(q.service),
    severity: strings(q.severity),
    team: first(q.team),
    mine: first(q.pagedTo) === 'me',
    createdFrom: first(q.createdFrom),
    createdTo: first(q.createdTo),
    q: first(q.q),
  };
}

function toQuery(f: ListForm, extra: Record<string, string> = {}): URLSearchParams {
  const p = new URLSearchParams();
  for (const s of f.status) p.append('status', s);
  for (const s of f.severity) p.append('severity', s);
  const single = { service: f.service, team: f.team, createdFrom: f.createdFrom, createdTo: f.createdTo, q: f.q };
  for (const [k, v] of Object.entries(single)) if (v) p.set(k, v);
  if (f.mine) p.set('pagedTo', 'me');
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p;
}

export function pageRoutes(deps: ConsoleDeps & Required<Pick<ConsoleDeps, 'loadConfig' | 'loadRecord' | 'now'>>) {
  const router = Router();

  router.get('/incidents', async (req, res) => {
    const form = listForm(req.query);
    const snap = await deps.loadConfig();
    const raw = Object.fromEntries(toQuery(form, { limit: '50' }));
    const params: Record<string, unknown> = { ...raw, status: form.status, severity: form.severity };
    if (form.createdFrom) params.createdFrom = asInstant(form.createdFrom);
    if (form.createdTo) params.createdTo = asInstant(form.createdTo);
    if (typeof req.query.cursor === 'string') params.cursor = req.query.cursor;
    let answer;
    let error: string | undefined;
    try {
      answer = await searchIncidents(deps.incidentList, parseListQuery(params), session(req).user);
    } catch (err) {
      const known = knownHttpError(err);
      if (!known || known.status >= 500) throw err;
      error = known.message;
    }
    const view = {
      form,
      answer,
      error,
      services: snap.services.map((s) => ({ id: s.id, name: s.name })),
      teams: snap.teams.map((t) => ({ id: t.id, name: t.name })),
      names: namesFrom(snap),
      canFilterMine: Boolean(session(req).user.userId),
      now: deps.now(),
      hrefs: {
        status: (s: string) => `/incidents?${toQuery({ ...form, status: [s] })}`,
        first: `/incidents?${toQuery(form)}`,
        ...(answer?.nextCursor ? { next: `/incidents?${toQuery(form, { cursor: answer.nextCursor })}` } : {}),
      },
    };
    sendPage(res, IncidentsPage({ ...chrome(req, 'Incidents', 'incidents'), view }), error ? 400 : 200);
  });

  router.get('/incidents/:id', async (req, res) => {
    const id = incidentIdParam.safeParse(req.params);
    if (!id.success) throw new HttpError(404, 'not_found', 'no such incident');
    const done = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
    await renderIncident(req, res, id.data.id, done ? { ok: true, text: done } : undefined, 200);
  });

  /** The incident page, also after a refused command (with the refusal, as the API words it). */
  async function renderIncident(
    req: Request,
    res: Parameters<typeof sendPage>[0],
    incidentId: string,
    notice: { ok: boolean; text: string } | undefined,
    status: number,
  ): Promise<void> {
    const [found, snap] = await Promise.all([stateOf(incidentId), deps.loadConfig()]);
    const s = found.state;
    const now = deps.now();
    const service = snap.services.find((x) => x.id === s.service);
    const review = s.status === 'resolved' ? await deps.reviews.findLatest(s.incidentId, s.runKey) : undefined;
    // A status-page store that cannot answer leaves the section out; the incident still shows.
    const statusPages = await (deps.statusPages?.list(s.incidentId) ?? Promise.resolve([])).catch(() => []);
    const view = {
      state: s,
      live: found.live,
      ...(service
        ? {
            service: {
              name: service.name,
              tier: service.tier,
              team: snap.teams.find((t) => t.id === service.teamId)?.name ?? service.teamId,
            },
          }
        : {}),
      ...withBridge(configuredBridge(snap, s)),
      escalation: escalationView(s, snap, now),
      sla: slaClocks(s, snap, now),
      runs: runbookRuns(s.timeline),
      ...(review ? { review: review.review } : {}),
      names: namesFrom(snap),
      users: snap.users.map((u) => ({ id: u.id, name: u.name })),
      policies: snap.escalationPolicies.map((p) => ({ id: p.id, name: p.name })),
      statusPages,
      ...(notice ? { notice } : {}),
      now,
    };
    const title = `${s.number !== undefined ? `#${s.number} ` : ''}${s.summary}`;
    sendPage(res, IncidentPage({ ...chrome(req, title, 'incidents'), view }), status);
  }

  /** Live state from the workflow; the read model when the workflow is gone or unreachable. */
  async function stateOf(incidentId: string): Promise<{ state: IncidentState; live: boolean }> {
    try {
      return { state: await deps.incidents.state(incidentId), live: true };
    } catch (err) {
      const known = knownHttpError(err);
      if (known?.status !== 404 && known?.status !== 503 && known?.status !== 409) throw err;
      await deps.incidentList.ready().catch(() => undefined);
      const row = deps.incidentList.index.latestOf(incidentId);
      const record = row ? await deps.loadRecord(row.recordId) : undefined;
      if (!record) throw known;
      return { state: record as unknown as IncidentState, live: false };
    }
  }

  router.get('/on-call', async (req, res) => {
    const snap = await deps.loadConfig();
    const now = deps.now();
    const from = new Date(now).toISOString();
    const to = new Date(now + 14 * DAY).toISOString();
    const services = snap.services.map((s) => {
      const policy = snap.escalationPolicies.find((p) => p.id === s.escalationPolicyId);
      const levels = (policy?.levels ?? []).map((l, i) => ({
        level: i + 1,
        delayMinutes: l.delayMinutes,
        userIds: policy ? resolveLevel(policy, i, snap, from).userIds : [],
      }));
      return { id: s.id, name: s.name, policy: policy?.name, inMaintenance: inMaintenance(s, from), levels };
    });
    const schedules = snap.schedules.map((s) => ({ ...s, shifts: shifts(s, from, to) }));
    const me = session(req).user.userId;
    const mine = me
      ? schedules.flatMap((s) => s.shifts.filter((x) => x.userId === me).map((shift) => ({ schedule: s.name, shift })))
      : undefined;
    const view = { services, schedules, from, to, ...(mine ? { mine } : {}), names: namesFrom(snap) };
    sendPage(res, OnCallPage({ ...chrome(req, 'On call', 'on-call'), view }));
  });

  router.get('/services', async (req, res) => {
    const snap = await deps.loadConfig();
    await deps.incidentList.ready().catch(() => undefined); // a list not loaded yet shows zeros
    const open = deps.incidentList.index.openByService();
    const keysShown = session(req).user.role === 'admin';
    const base = deps.publicUrl ?? `${req.protocol}://${req.get('host')}`;
    const services = snap.services.map((s) => ({
      id: s.id,
      name: s.name,
      tier: s.tier,
      team: snap.teams.find((t) => t.id === s.teamId)?.name ?? s.teamId,
      open: open.get(s.id) ?? { triggered: 0, acknowledged: 0 },
      maintenance: s.maintenanceWindows.filter((w) => Date.parse(String(w.end)) > deps.now()),
      endpoints: integrationEndpoints(base, s.integrationKeys, keysShown),
    }));
    sendPage(
      res,
      ServicesPage({ ...chrome(req, 'Services', 'services'), view: { services, keysShown, now: deps.now() } }),
    );
  });

  return { router, renderIncident };
}

const withBridge = (bridge: { url: string; title: string } | undefined) => (bridge ? { bridge } : {});
