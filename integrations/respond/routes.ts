/**
 * Respond links, authenticated by the signed token in the path instead of a bearer token
 * (integrations/respond/link.ts):
 *   GET  /respond/:token   the incident page; never changes anything (mail scanners and
 *                          link previews fetch it), `?action=` only preselects a form
 *   POST /respond/:token   form `action=acknowledge|resolve` (+ `note`, `classification`): runs the command
 *                          through the incident gateway as the token's user
 * Every answer is an HTML page: 403 bad or forged link, 410 expired or for an earlier
 * incident under the same id, 400 a bad form field, 404 unknown incident, 409 refused.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { RespondClaims, RespondLinks } from './link';
import { ResolutionClassificationSchema } from '../../domain/incident/classification-schema';
import type { IncidentState } from '../../domain/incident/incident';
import { noteAudit } from '../../api/audit';
import { HttpError, knownHttpError } from '../../api/errors';
import { defineRoute } from '../../api/http/route';
import { feature, type Services } from '../../api/http/services';
import type { IncidentGateway } from '../../api/incident-gateway';
import { incidentPage, messagePage, PAGE_HEADERS, type IncidentPageView } from './page';
import { bridgeOnPage } from './bridge';

/** Two fields from our own form; nothing legitimate comes near this. */
const BODY_LIMIT = '16kb';
const ACTIONS = ['acknowledge', 'resolve'] as const;
const actionSchema = z.enum(ACTIONS, {
  error: (issue) =>
    issue.input === undefined ? 'is required: "acknowledge" or "resolve"' : 'must be "acknowledge" or "resolve"',
});
/** The form the page posts. */
export const formSchema = z.object({
  action: actionSchema,
  note: z.string({ error: 'must be text' }).trim().max(2000, 'must be at most 2000 characters').optional(),
  /** Only with resolve; the page's "not classified" choice posts an empty value. */
  classification: z.preprocess((v) => (v === '' ? undefined : v), ResolutionClassificationSchema.optional()),
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

const HTML = { 'text/html': z.string() };
const page = (description: string) => ({ description, content: HTML });
/**
 * Before any body is read: a forged or expired link gets no further. A valid link acts (and
 * is audited) as the person it was sent to.
 */
const linkChecked = (services: Services): RequestHandler[] => {
  const { verifier } = feature(services, 'respond');
  return [
    (req, res, next) => {
      const claims = verified(verifier, String(req.params.token));
      res.locals.claims = claims;
      req.principal = { role: 'responder', name: claims.u, actor: claims.u, userId: claims.u };
      noteAudit(res, { target: `incident:${claims.i}` });
      next();
    },
  ];
};
const base = {
  tag: 'Respond links',
  auth: 'signedLink',
  feature: 'respond',
  path: '/respond/{token}',
  format: { answer: errorPage, content: HTML },
  middleware: linkChecked,
} as const;
const tokenParam = z.object({ token: z.string() });
const linkErrors = {
  403: 'Not a valid link',
  404: 'Unknown incident',
  410: 'Expired, or issued for an earlier incident under this id',
  503: 'Temporal is unavailable; retry',
};
const claimsOf = (res: Response) => res.locals.claims as RespondClaims;
const send = (html: string) => ({ headers: { ...PAGE_HEADERS }, type: PAGE_HEADERS['content-type'], html });

export const respondRoutes = [
  defineRoute({
    ...base,
    method: 'get',
    operationId: 'getRespondPage',
    summary: 'The incident page of a respond link; changes nothing',
    request: {
      params: tokenParam,
      // Only preselects a form: a value that is not an action is ignored, never refused.
      query: z.object({ action: actionSchema.optional().catch(undefined) }),
      describe: { token: 'The signed token of the link', action: 'Only preselects that form' },
    },
    responses: { 200: page('The incident with a form per command still possible'), ...linkErrors },
    handler: async ({ query }, { incidents, config }, { reply, res }) => {
      const claims = claimsOf(res);
      const state = await incidentFor(incidents, claims);
      const preselect = query.action ? { preselect: query.action } : {};
      const bridge = await bridgeOnPage(config, state);
      const { html, ...extra } = send(incidentPage({ state, actingAs: claims.u, ...preselect, bridge }));
      return reply(200, html, extra);
    },
  }),
  defineRoute({
    ...base,
    method: 'post',
    operationId: 'respondFromLink',
    summary: "Acknowledge or resolve as the link's user",
    audit: { action: 'incident.respond', target: () => 'incident' },
    request: {
      params: tokenParam,
      describe: { token: 'The signed token of the link' },
      body: {
        schema: formSchema,
        content: { 'application/x-www-form-urlencoded': formSchema },
        parser: express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 10 }),
        read: (req) => {
          if (!req.is('application/x-www-form-urlencoded')) {
            throw new HttpError(415, 'unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
          }
          return req.body ?? {};
        },
        where: 'form',
      },
    },
    responses: {
      200: page('Done: the incident page with the outcome'),
      400: 'A bad form field',
      409: page('Refused: the page says why'),
      413: 'Form over 16 KB',
      415: 'Not a form',
      ...linkErrors,
    },
    handler: async ({ body: form }, { incidents, config }, { reply, req, res }) => {
      const claims = claimsOf(res);
      noteAudit(res, { action: `incident.${form.action}` });
      const before = await incidentFor(incidents, claims);
      const classified = form.action === 'resolve' && form.classification;
      const cmd = {
        by: claims.u,
        ...(form.note ? { note: form.note } : {}),
        ...(classified ? { classification: classified } : {}),
      };
      const bridge = await bridgeOnPage(config, before);
      const view = (state: IncidentPageView['state'], notice: IncidentPageView['notice']) =>
        send(incidentPage({ state, actingAs: claims.u, notice, bridge }));
      try {
        const after = await incidents.command(claims.i, form.action, cmd);
        req.log?.info({ incidentId: claims.i, userId: claims.u, action: form.action }, 'respond link command');
        const { html, ...extra } = view(after, { ok: true, text: `${DONE[form.action]} by ${claims.u}.` });
        return reply(200, html, extra);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 409) throw err;
        noteAudit(res, { refused: err.message });
        req.log?.info(
          { incidentId: claims.i, userId: claims.u, action: form.action, reason: err.message },
          'respond link command refused',
        );
        const now = await incidents.state(claims.i).catch(() => before);
        const text = `Not ${DONE[form.action].toLowerCase()}: ${err.message}.`;
        const { html, ...extra } = view(now, { ok: false, text });
        return reply(409, html, extra);
      }
    },
  }),
];

/** Errors the router raises before a route runs (a token with broken %-encoding) get a page too. */
export const respondFallback = [errorPage];

const invalidLink = () =>
  new HttpError(
    403,
    'invalid_link',
    'This link is not valid. Check that it was copied whole, or use the link in a newer notification.',
  );

function verified(verifier: Pick<RespondLinks, 'verify'>, token: string): RespondClaims {
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

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set(PAGE_HEADERS).send(html);
}

/** Every failure as a page; never internals, never the token. (Hoisted; Express knows it by its four parameters.) */
function errorPage(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const known = knownHttpError(err) ?? otherClientError(err);
  if (!known) {
    req.log?.error({ err }, 'respond page failed');
    sendPage(
      res,
      500,
      messagePage('Something went wrong', 'The error is in the Vigil API log. Try again, or use Slack or the API.'),
    );
    return;
  }
  if (known.status === 403 || known.status === 410) req.log?.warn({ code: known.code }, 'respond link refused');
  noteAudit(res, { refused: known.message });
  sendPage(res, known.status, messagePage(TITLES[known.status] ?? 'Cannot do that', known.message));
}

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
