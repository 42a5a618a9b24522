/**
 * Respond links, authenticated by the signed token in the path instead of a bearer token
 * (integrations/respond/link.ts):
 *   GET  /respond/:token   the incident page; never changes anything (mail scanners and
 *                          link previews fetch it), `?action=` only preselects a form
 *   POST /respond/:token   form `action=acknowledge|resolve` (+ `note`): runs the command
 *                          through the incident gateway as the token's user
 * Every answer is an HTML page: 403 bad or forged link, 410 expired or for an earlier
 * incident under the same id, 400 a bad form field, 404 unknown incident, 409 refused.
 */
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../../lib/logger';
import type { RespondClaims, RespondLinks } from './link';
import type { IncidentState } from '../../domain/incident/incident';
import { HttpError, knownHttpError, parseOr400 } from '../../api/errors';
import type { IncidentGateway } from '../../api/incident-gateway';
import type { AuditLog } from '../../lib/audit';
import { audited, noteAudit } from '../../api/audit';
import { incidentPage, messagePage, PAGE_HEADERS, type IncidentPageView } from './page';

export interface RespondRouteDeps {
  /** Checks tokens (createRespondLinks with VIGIL_PUBLIC_URL and VIGIL_LINK_SIGNING_SECRET). */
  verifier: Pick<RespondLinks, 'verify'>;
  incidents: IncidentGateway;
  log: Logger;
  audit: AuditLog;
}

/** Two fields from our own form; nothing legitimate comes near this. */
const BODY_LIMIT = '16kb';
const ACTIONS = ['acknowledge', 'resolve'] as const;
const actionSchema = z.enum(ACTIONS, {
  error: (issue) =>
    issue.input === undefined ? 'is required: "acknowledge" or "resolve"' : 'must be "acknowledge" or "resolve"',
});
/** The form the page posts; exported for the OpenAPI document. */
export const formSchema = z.object({
  action: actionSchema,
  note: z.string({ error: 'must be text' }).trim().max(2000, 'must be at most 2000 characters').optional(),
});
const DONE = { acknowledge: 'Acknowledged', resolve: 'Resolved' } as const;

const TITLES: Record<number, string> = {
  400: 'Cannot do that',
  403: 'Invalid link',
  404: 'Incident not found',
  410: 'Link expired',
  413: 'Too much data',
  415: 'Unsupported form',
  503: 'Try again shortly',
};

export function respondRoutes(deps: RespondRouteDeps): Router {
  const router = Router();

  // Before any body is read: a forged or expired link gets no further. A valid link acts
  // (and is audited) as the person it was sent to.
  router.param('token', (req, res, next, token: string) => {
    try {
      const claims = verified(deps.verifier, token);
      res.locals.claims = claims;
      req.principal = { role: 'responder', name: claims.u, actor: claims.u, userId: claims.u };
      next();
    } catch (err) {
      next(err);
    }
  });

  router.get('/:token', async (req, res) => {
    const claims = res.locals.claims as RespondClaims;
    const state = await incidentFor(deps.incidents, claims);
    const preselect = actionSchema.safeParse(req.query.action).data;
    send(res, 200, incidentPage({ state, actingAs: claims.u, ...(preselect ? { preselect } : {}) }));
  });

  router.post(
    '/:token',
    ...audited(deps.audit, { action: 'incident.respond', target: () => 'incident' }),
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 10 }),
    async (req, res) => {
      const claims = res.locals.claims as RespondClaims;
      if (!req.is('application/x-www-form-urlencoded')) {
        throw new HttpError(415, 'unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
      }
      noteAudit(res, { target: `incident:${claims.i}` });
      const form = parseOr400(formSchema, req.body ?? {}, 'form');
      noteAudit(res, { action: `incident.${form.action}` });
      const before = await incidentFor(deps.incidents, claims);
      const cmd = { by: claims.u, ...(form.note ? { note: form.note } : {}) };
      const page = (state: IncidentPageView['state'], notice: IncidentPageView['notice']) =>
        incidentPage({ state, actingAs: claims.u, notice });
      try {
        const after = await deps.incidents.command(claims.i, form.action, cmd);
        req.log?.info({ incidentId: claims.i, userId: claims.u, action: form.action }, 'respond link command');
        send(res, 200, page(after, { ok: true, text: `${DONE[form.action]} by ${claims.u}.` }));
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 409) throw err;
        noteAudit(res, { refused: err.message });
        req.log?.info(
          { incidentId: claims.i, userId: claims.u, action: form.action, reason: err.message },
          'respond link command refused',
        );
        const now = await deps.incidents.state(claims.i).catch(() => before);
        send(res, 409, page(now, { ok: false, text: `Not ${DONE[form.action].toLowerCase()}: ${err.message}.` }));
      }
    },
  );

  router.use(errorPage);
  return router;
}

const invalidLink = () =>
  new HttpError(
    403,
    'invalid_link',
    'This link is not valid. Check that it was copied whole, or use the link in a newer notification.',
  );

function verified(verifier: RespondRouteDeps['verifier'], token: string): RespondClaims {
  const result = verifier.verify(token);
  if (result.ok) return result.claims;
  if (result.reason === 'expired') {
    throw new HttpError(
      410,
      'link_expired',
      'This link has expired. Use the link in a newer notification, Slack or the API.',
    );
  }
  throw invalidLink();
}

/** The incident the link was issued for; the next incident under the same workflow id is not it. */
async function incidentFor(incidents: IncidentGateway, claims: RespondClaims): Promise<IncidentState> {
  const state = await incidents.state(claims.i);
  if (claims.n !== undefined && state.number !== claims.n) {
    throw new HttpError(
      410,
      'link_superseded',
      `This link was for incident #${claims.n}, which has ended. Use the link in a newer notification.`,
    );
  }
  return state;
}

function send(res: Response, status: number, html: string): void {
  res.status(status).set(PAGE_HEADERS).send(html);
}

/** Every failure as a page; never internals, never the token. */
const errorPage: ErrorRequestHandler = (err, req: Request, res, _next) => {
  const known = knownHttpError(err) ?? otherClientError(err);
  if (!known) {
    req.log?.error({ err }, 'respond page failed');
    send(
      res,
      500,
      messagePage('Something went wrong', 'The error is in the Vigil API log. Try again, or use Slack or the API.'),
    );
    return;
  }
  if (known.status === 403 || known.status === 410) req.log?.warn({ code: known.code }, 'respond link refused');
  noteAudit(res, { refused: known.message });
  send(res, known.status, messagePage(TITLES[known.status] ?? 'Cannot do that', known.message));
};

/**
 * The router's and body parser's own 4xx: a path segment with broken %-encoding is not a
 * link we issued (and its message quotes the token); the rest (too many form fields) keep
 * their status.
 */
function otherClientError(err: unknown): HttpError | undefined {
  const e = err as { status?: unknown; message?: unknown; expose?: unknown };
  if (typeof e?.status !== 'number' || e.status < 400 || e.status > 499) return undefined;
  if (/decode param/i.test(String(e.message))) return invalidLink();
  return new HttpError(
    e.status,
    'bad_request',
    e.expose === true ? `The form could not be read: ${String(e.message)}.` : 'The form could not be read.',
  );
}
