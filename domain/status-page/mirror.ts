/**
 * Mirrors: a page's incidents pushed to a hosted Atlassian Statuspage (REST API v1) or to
 * Cachet (API v1), so customers who follow those keep seeing what Vigil's page shows.
 * Configuration names the provider, its page, the environment variable that holds the
 * credential (never the credential: configuration is in git) and which provider
 * component each Vigil component is. The requests are pure functions of the page's
 * incident and what was pushed before, so tests and the activity agree on every byte.
 */
import { z } from 'zod';
import { IdSchema, strictObject } from '../common/fields';
import type { ComponentStatus, PageIncidentStatus } from './page';
import type { PageIncidentRecord, PageUpdateRecord } from './records';

const EnvNameSchema = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be the name of an environment variable (A-Z, 0-9, _), not the secret');

export const StatuspageMirrorSchema = strictObject({
  type: z.literal('statuspage'),
  /** The Statuspage page id (page_id in its API). */
  pageId: z.string().trim().min(1).max(100),
  /** The environment variable of the worker that holds the API key. */
  apiKeyEnv: EnvNameSchema,
  /** The API's base URL. */
  url: z.url().default('https://api.statuspage.io'),
  /** Vigil component id -> Statuspage component id. */
  components: z.record(IdSchema, z.string().trim().min(1).max(100)).default({}),
});

export const CachetMirrorSchema = strictObject({
  type: z.literal('cachet'),
  /** The Cachet installation, e.g. https://status.example.com. */
  url: z.url(),
  /** The environment variable of the worker that holds the API token. */
  tokenEnv: EnvNameSchema,
  /** Vigil component id -> Cachet component id. */
  components: z.record(IdSchema, z.int().min(1, 'must be a Cachet component id (1 or more)')).default({}),
});

export const MirrorSchema = z.discriminatedUnion('type', [StatuspageMirrorSchema, CachetMirrorSchema], {
  error: () => 'type must be "statuspage" or "cachet"',
});
export type Mirror = z.infer<typeof MirrorSchema>;

/** Cachet's component statuses: 1 operational, 2 performance issues, 3 partial outage, 4 major outage. */
export const CACHET_COMPONENT_STATUS: Readonly<Record<ComponentStatus, 1 | 2 | 3 | 4>> = {
  operational: 1,
  // Cachet has no maintenance status: performance issues is the closest that is not an outage.
  under_maintenance: 2,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

/** Cachet's incident statuses: 0 scheduled (maintenance), 1 investigating, 2 identified, 3 watching, 4 fixed. */
export const CACHET_INCIDENT_STATUS: Readonly<Record<PageIncidentStatus, 1 | 2 | 3 | 4>> = {
  investigating: 1,
  identified: 2,
  monitoring: 3,
  resolved: 4,
};

/** What was pushed of one page incident before (stored per page incident). */
export interface MirrorState {
  /** The provider's incident id; absent: not created there (or withdrawn). */
  externalId?: string;
  /** Ids of the updates already pushed. */
  pushed: string[];
  /** The title last pushed. */
  name?: string;
  /** A withdrawn (held) Cachet incident is kept invisible rather than deleted. */
  hidden?: boolean;
}

export interface MirrorRequest {
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to the mirror's base URL. */
  path: string;
  body?: Record<string, unknown>;
  /** What the request does to the state once it succeeded (the external id from the answer, if any). */
  after: (state: MirrorState, createdId?: string) => MirrorState;
}

/** The components' statuses an update shows: its own, or the incident's, all operational once resolved. */
export function statusesOf(r: PageIncidentRecord, u?: PageUpdateRecord): Record<string, ComponentStatus> {
  if (u?.components) return u.components;
  if (r.status === 'resolved')
    return Object.fromEntries(Object.keys(r.components).map((id) => [id, 'operational' as const]));
  return r.components;
}

const latest = (r: PageIncidentRecord) => r.updates[r.updates.length - 1];
const unpushed = (r: PageIncidentRecord, s: MirrorState) => r.updates.filter((u) => !s.pushed.includes(u.id));
const allPushed = (r: PageIncidentRecord) => (s: MirrorState, id?: string) => ({
  ...s,
  ...(id === undefined ? {} : { externalId: id }),
  pushed: r.updates.map((u) => u.id),
  name: r.name,
  hidden: false,
});
const markPushed = (u: PageUpdateRecord) => (s: MirrorState) => ({ ...s, pushed: [...s.pushed, u.id] });

/** Maps Vigil component ids to the provider's, dropping components the mirror does not name. */
function mapped<T>(
  components: Readonly<Record<string, string | number>>,
  statuses: Record<string, ComponentStatus>,
  to: (s: ComponentStatus) => T,
) {
  return Object.entries(statuses)
    .filter(([id]) => components[id] !== undefined)
    .map(([id, status]) => ({ id: String(components[id]), status: to(status) }));
}

type StatuspageMirror = z.infer<typeof StatuspageMirrorSchema>;
type CachetMirror = z.infer<typeof CachetMirrorSchema>;

/**
 * Statuspage: POST the incident once (name, status, body of the latest update, affected
 * components and their status), then PATCH it with each update not yet pushed, and the
 * title when it was edited; each component's status is also set on the component
 * (PATCH components/{id}). Held back: the incident is deleted there, and created again
 * once released.
 */
export function statuspageRequests(m: StatuspageMirror, r: PageIncidentRecord, s: MirrorState): MirrorRequest[] {
  const base = `/v1/pages/${encodeURIComponent(m.pageId)}`;
  const incidentPath = (id: string) => `${base}/incidents/${encodeURIComponent(id)}`;
  if (r.held)
    return s.externalId ? [{ method: 'DELETE', path: incidentPath(s.externalId), after: () => ({ pushed: [] }) }] : [];
  const incident = (u: PageUpdateRecord | undefined, withName: boolean) => {
    const comps = mapped(m.components, statusesOf(r, u), (x) => x);
    return {
      ...(withName ? { name: r.name } : {}),
      status: u?.status ?? r.status,
      ...(u ? { body: u.body } : {}),
      component_ids: comps.map((c) => c.id),
      components: Object.fromEntries(comps.map((c) => [c.id, c.status])),
    };
  };
  const componentPatches = (u: PageUpdateRecord | undefined): MirrorRequest[] =>
    mapped(m.components, statusesOf(r, u), (x) => x).map((c) => ({
      method: 'PATCH',
      path: `${base}/components/${encodeURIComponent(c.id)}`,
      body: { component: { status: c.status } },
      after: (st) => st,
    }));
  if (!s.externalId) {
    const u = latest(r);
    const create: MirrorRequest = {
      method: 'POST',
      path: `${base}/incidents`,
      body: { incident: incident(u, true) },
      after: allPushed(r),
    };
    return [create, ...componentPatches(u)];
  }
  const id = s.externalId;
  const requests: MirrorRequest[] = unpushed(r, s).flatMap((u) => [
    { method: 'PATCH', path: incidentPath(id), body: { incident: incident(u, false) }, after: markPushed(u) },
    ...componentPatches(u),
  ]);
  if (r.name !== s.name)
    requests.push({
      method: 'PATCH',
      path: incidentPath(id),
      body: { incident: { name: r.name } },
      after: (st) => ({ ...st, name: r.name }),
    });
  return requests;
}

/**
 * Cachet: POST the incident once (visible, with its first affected component and that
 * component's status), then PUT it with each update not yet pushed; every affected
 * component's status is set by PUT components/{id}. Held back: the incident is made
 * invisible (visible 0), and visible again once released.
 */
export function cachetRequests(m: CachetMirror, r: PageIncidentRecord, s: MirrorState): MirrorRequest[] {
  const incidentPath = (id: string) => `/api/v1/incidents/${encodeURIComponent(id)}`;
  if (r.held) {
    if (!s.externalId || s.hidden) return [];
    const hide = { visible: 0 };
    return [{ method: 'PUT', path: incidentPath(s.externalId), body: hide, after: (st) => ({ ...st, hidden: true }) }];
  }
  const fields = (u: PageUpdateRecord | undefined) => {
    const comps = mapped(m.components, statusesOf(r, u), (x) => CACHET_COMPONENT_STATUS[x]);
    const first = comps[0];
    return {
      name: r.name,
      message: u?.body ?? r.name,
      status: CACHET_INCIDENT_STATUS[u?.status ?? r.status],
      visible: 1,
      ...(first ? { component_id: Number(first.id), component_status: first.status } : {}),
    };
  };
  const componentPuts = (u: PageUpdateRecord | undefined): MirrorRequest[] =>
    mapped(m.components, statusesOf(r, u), (x) => CACHET_COMPONENT_STATUS[x]).map((c) => ({
      method: 'PUT',
      path: `/api/v1/components/${encodeURIComponent(c.id)}`,
      body: { status: c.status },
      after: (st) => st,
    }));
  if (!s.externalId) {
    const u = latest(r);
    const create: MirrorRequest = {
      method: 'POST',
      path: '/api/v1/incidents',
      body: { ...fields(u), notify: false },
      after: allPushed(r),
    };
    return [create, ...componentPuts(u)];
  }
  const id = s.externalId;
  const pending = unpushed(r, s);
  // Released, renamed, or nothing new: one PUT of the latest state.
  const todo = pending.length > 0 ? pending : s.hidden || r.name !== s.name ? [latest(r)] : [];
  return todo.flatMap((u) => [
    {
      method: 'PUT',
      path: incidentPath(id),
      body: fields(u),
      after: (st: MirrorState) => ({ ...(u ? markPushed(u)(st) : st), hidden: false, name: r.name }),
    },
    ...componentPuts(u),
  ]);
}

export function mirrorRequests(m: Mirror, r: PageIncidentRecord, s: MirrorState): MirrorRequest[] {
  return m.type === 'statuspage' ? statuspageRequests(m, r, s) : cachetRequests(m, r, s);
}

/** The provider's incident id in its answer: Statuspage answers the incident, Cachet `{data: incident}`. */
export function createdIdOf(m: Mirror, answer: unknown): string | undefined {
  const obj = (m.type === 'cachet' ? (answer as { data?: unknown } | null)?.data : answer) as { id?: unknown } | null;
  const id = obj?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
