import { HttpError, unavailable } from '../errors';
import type { IncidentListRow } from '../../domain/incident/list-row';
import type { IncidentStatus } from '../../domain/incident/incident';
import { encodeCursor, type IncidentListQuery } from './query';
import type { ListFilter } from './list-index';
import type { IncidentList } from './service';

export interface IncidentListAnswer {
  data: IncidentListRow[];
  counts: Record<IncidentStatus, number>;
  nextCursor: string | null;
  /** The incident feed's position this answer reflects: pass it as Last-Event-ID to follow on. */
  asOf: number;
}

function intersect(a: Set<string> | undefined, b: Set<string>): Set<string> {
  return a ? new Set([...a].filter((x) => b.has(x))) : b;
}

/** The list query as a filter (an empty list filters nothing); `me` is the signed-in person's user id. */
export async function toFilter(
  q: IncidentListQuery,
  me: { userId?: string },
  servicesOfTeams: IncidentList['servicesOfTeams'],
): Promise<ListFilter> {
  let services = q.service?.length ? new Set(q.service) : undefined;
  if (q.team?.length) services = intersect(services, await servicesOfTeams(q.team));
  if (q.pagedTo === 'me' && !me.userId) {
    throw new HttpError(400, 'validation_failed', 'invalid query: pagedTo: "me" needs a personal token', [
      { path: 'pagedTo', message: '"me" needs a personal token (this token names no user)' },
    ]);
  }
  const words = q.q?.toLowerCase().split(/\s+/).filter(Boolean);
  return {
    ...(q.status?.length ? { statuses: q.status } : {}),
    ...(services ? { services } : {}),
    ...(q.severity?.length ? { severities: q.severity } : {}),
    ...(q.pagedTo ? { pagedTo: q.pagedTo === 'me' ? me.userId : q.pagedTo } : {}),
    ...(q.createdFrom ? { createdFrom: q.createdFrom } : {}),
    ...(q.createdTo ? { createdTo: q.createdTo } : {}),
    ...(words?.length ? { words } : {}),
  };
}

/** Filters, counts and one page of the list, newest first. */
export async function searchIncidents(
  list: IncidentList,
  q: IncidentListQuery,
  me: { userId?: string },
): Promise<IncidentListAnswer> {
  const filter = await toFilter(q, me, list.servicesOfTeams);
  try {
    await list.ready();
  } catch {
    throw unavailable('the incident list');
  }
  const page = list.index.query(filter, q.limit, q.cursor);
  return {
    data: page.rows,
    counts: page.counts,
    nextCursor: page.next ? encodeCursor(page.next) : null,
    asOf: list.feed.position(),
  };
}
