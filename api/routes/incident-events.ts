import type { RequestHandler } from 'express';
import { z } from 'zod';
import { HttpError, parseOr400, unavailable } from '../errors';
import type { FeedEvent } from '../incident-list/feed';
import type { IncidentList } from '../incident-list/service';
import { INCIDENT_ID_PATTERN } from '../incident-id';
import { defineRoute, type AnyRoute } from '../http/route';
import { feature } from '../http/services';

export const incidentEventsQuery = z.strictObject({
  /** Only this incident's events. */
  incidentId: z.string().regex(INCIDENT_ID_PATTERN, 'is not an incident id').optional(),
  /** For clients that cannot send the Last-Event-ID header; the header wins. */
  lastEventId: z.coerce.number().int().min(0).optional(),
});

const LAST_EVENT_ID = /^\d{1,15}$/;

/** The SSE `data` of an `incident` event. */
export const feedEventData = (e: FeedEvent) => ({
  id: e.id,
  at: e.at,
  incidentId: e.incidentId,
  changes: e.changes,
  row: e.row,
});

function lastEventIdOf(header: string | undefined, fromQuery: number | undefined): number | undefined {
  if (header === undefined || header === '') return fromQuery;
  if (!LAST_EVENT_ID.test(header.trim())) {
    throw new HttpError(400, 'validation_failed', 'invalid header: Last-Event-ID: must be an event id from this feed', [
      { path: 'Last-Event-ID', message: 'must be an event id from this feed (a whole number)' },
    ]);
  }
  return Number(header.trim());
}

/**
 * Server-sent events of incident changes (`event: incident`), each with its feed id, so a
 * client that reconnects with Last-Event-ID, on this replica or another, gets what it
 * missed. A client too far behind gets `event: reset` (reload, then follow on).
 */
export function incidentFeedHandler(list: IncidentList, opts: { heartbeatMs?: number } = {}): RequestHandler {
  return async (req, res) => {
    const q = parseOr400(incidentEventsQuery, req.query, 'query');
    const resumeFrom = lastEventIdOf(req.get('last-event-id'), q.lastEventId);
    await list.ready().catch(() => {
      throw unavailable('the incident feed');
    });
    let last = resumeFrom ?? list.feed.position();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const send = (e: FeedEvent) => {
      if (e.id <= last) return;
      last = e.id;
      if (q.incidentId && e.incidentId !== q.incidentId) return;
      res.write(`id: ${e.id}\nevent: incident\ndata: ${JSON.stringify(feedEventData(e))}\n\n`);
    };
    const held: FeedEvent[] = [];
    let replaying = true;
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), opts.heartbeatMs ?? 15_000);
    const unsubscribe = list.feed.subscribe(
      (e) => (replaying ? held.push(e) : send(e)),
      () => res.end(),
    );
    res.on('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
    });
    const missed = await list.feed.since(last);
    if (missed === undefined) {
      last = list.feed.position();
      res.write(`id: ${last}\nevent: reset\ndata: {"reason":"too far behind: reload"}\n\n`);
    }
    for (const e of [...(missed ?? []), ...held]) send(e);
    replaying = false;
  };
}

/**
 * `GET /api/v1/incidents/events`. The stream is written by the middleware, which never
 * hands on: the table's handler, made for one reply, does not run for a stream.
 */
export const incidentEventRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/incidents/events',
    operationId: 'followIncidentEvents',
    tag: 'Incidents',
    auth: 'responder',
    summary: 'Server-sent events of incident changes (new, state, severity, holder), resumable',
    description:
      '`event: incident` with `data` { id, at, incidentId, changes, row } and `id:` the feed position; reconnect with ' +
      '`Last-Event-ID` (any replica) to get what was missed, or `event: reset` when too far behind.',
    request: { query: incidentEventsQuery },
    middleware: (services) => [incidentFeedHandler(feature(services, 'incidentList'))],
    responses: {
      200: {
        description: 'An event stream; each event as the SSE fields it carries (`data` is JSON text)',
        content: {
          'text/event-stream': z.object({
            event: z.enum(['incident', 'reset']).optional(),
            id: z.string().optional(),
            data: z.string(),
            retry: z.number().int().optional(),
          }),
        },
      },
      400: 'A malformed Last-Event-ID or query parameter, named',
      503: 'The feed is not loaded yet; retry',
    },
    handler: () => {
      throw new Error('the incident feed is answered by its middleware');
    },
  }),
];
