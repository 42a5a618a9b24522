/**
 * The responder console, served by the API at `/`: sign-in with a personal token, the
 * incident list and page, on call, services, and live updates (SSE) for pages that ask.
 * Every console route is here; they are HTML, not part of the OpenAPI document.
 */
import path from 'node:path';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { knownHttpError } from '../api/errors';
import { incidentFeedHandler } from '../api/routes/incident-events';
import { loadConfigSnapshot } from '../lib/models/config';
import { IncidentRecordModel } from '../lib/models/incident-record';
import { actionRoutes } from './actions';
import type { ConsoleDeps } from './deps';
import { pageRoutes } from './pages';
import { reportPageRoutes } from './reports';
import { sendPage } from './render';
import { createSessions, mongoSessionStore, sameSecret, type Session } from './session';
import { Layout, Notice, SignInPage } from './views/layout';

declare module 'express-serve-static-core' {
  interface Request {
    consoleSession?: Session;
  }
}

const CONSOLE_PATHS = /^\/(incidents|on-call|services|reports|events|sign-out)(\/|$)/;
/** Where to go after signing in: a console path on this origin, never elsewhere. */
const safeNext = (v: unknown) =>
  typeof v === 'string' && CONSOLE_PATHS.test(v) && !v.startsWith('//') ? v : '/incidents';

export function consoleRoutes(deps: ConsoleDeps): Router {
  const full = {
    ...deps,
    loadConfig: deps.loadConfig ?? loadConfigSnapshot,
    loadRecord:
      deps.loadRecord ?? (async (id: string) => (await IncidentRecordModel.findOne({ _id: id }).lean()) ?? undefined),
    now: deps.now ?? Date.now,
  };
  const sessions = createSessions(deps.sessions ?? mongoSessionStore, {
    secure: deps.publicUrl?.startsWith('https://') ?? false,
  });
  const router = Router();
  router.use(
    '/assets',
    express.static(path.join(__dirname, 'static'), { index: false, maxAge: '1h', fallthrough: false }),
  );
  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }));

  router.get('/', (_req, res) => res.redirect(303, '/incidents'));
  router.get('/sign-in', (req, res) => {
    sendPage(res, SignInPage({ token: sessions.signInToken(req, res), next: safeNext(req.query.next) }));
  });
  router.post('/sign-in', async (req, res) => {
    const again = (error: string, status: number) =>
      sendPage(
        res,
        SignInPage({ token: sessions.signInToken(req, res), error, next: safeNext(req.body?.next) }),
        status,
      );
    if (!sessions.signInTokenMatches(req, req.body?._csrf)) return again('The form expired; sign in again.', 403);
    const secret = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    const principal = secret ? await deps.authenticate(secret) : undefined;
    if (!principal) return again('Unknown, expired or revoked token.', 401);
    if (principal.role === 'ingest') return again('An ingest key cannot sign in: use a personal token.', 403);
    await sessions.start(res, principal);
    res.redirect(303, safeNext(req.body?.next));
  });

  const signedIn: RequestHandler = async (req, res, next) => {
    const found = await sessions.current(req);
    const s = found && (!deps.stillValid || (await deps.stillValid(found.user))) ? found : undefined;
    if (found && !s) await sessions.end(req, res);
    if (s) {
      req.consoleSession = s;
      return next();
    }
    if (req.method === 'GET') return res.redirect(303, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    res.redirect(303, '/sign-in');
  };
  /** Every form after sign-in carries the session's token; a cross-site post has neither it nor the cookie. */
  const csrf: RequestHandler = (req, _res, next) => {
    if (req.method !== 'POST') return next();
    if (!sameSecret(req.consoleSession?.csrf, req.body?._csrf)) {
      return next(
        Object.assign(new Error('csrf'), {
          status: 403,
          consoleMessage: 'The form expired; reload the page and try again.',
        }),
      );
    }
    next();
  };
  const guarded = Router();
  guarded.use(signedIn, csrf);
  guarded.post('/sign-out', async (req, res) => {
    await sessions.end(req, res);
    res.redirect(303, '/sign-in');
  });
  guarded.get('/events', incidentFeedHandler(deps.incidentList));
  const pages = pageRoutes(full);
  guarded.use(pages.router);
  guarded.use(actionRoutes(full, pages.renderIncident));
  if (deps.reports) guarded.use(reportPageRoutes({ reports: deps.reports, now: full.now }));
  router.use((req, res, next) => (CONSOLE_PATHS.test(req.path) ? guarded(req, res, next) : next()));
  router.use(consoleErrors(deps));
  return router;
}

/** Errors on console pages are pages too (the JSON error mapper serves the API). */
function consoleErrors(deps: ConsoleDeps): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const given = (err as { status?: number; consoleMessage?: string }).consoleMessage;
    const known = knownHttpError(err);
    if (!known && !given) deps.log.error({ err }, 'console error');
    const status = given ? 403 : (known?.status ?? 500);
    const text = given ?? known?.message ?? 'Something went wrong; try again.';
    sendPage(
      res,
      Layout({ title: 'Error', children: [<h1>Sorry</h1>, Notice({ notice: { ok: false, text } })] as never }),
      status,
    );
  };
}
