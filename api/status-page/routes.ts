/**
 * The status pages' read formats, at `/status/<page>`: the HTML page, the Atom feed, and
 * Statuspage's public API v2 under `/api/v2/`. A public page needs no credential; an
 * internal one a bearer token (responder or admin, personal or shared) or a console
 * session. Public answers come from the page-view cache (./views.ts) and may be cached by
 * browsers and proxies for a few seconds; internal ones are private.
 */
import path from 'node:path';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Authenticate } from '../auth';
import { CONSOLE_CSP } from '../../console/render';
import type { Sessions } from '../../console/session';
import { V2_FORMATS, type PageView, type StatusPage, type V2Format } from '../../domain/status-page';
import { atomFeed } from './feed';
import { StatusHtml } from './html';
import type { PageViews } from './views';

export interface StatusRouteDeps {
  views: PageViews;
  authenticate: Authenticate;
  sessions: Pick<Sessions, 'current'>;
}

const PUBLIC_MAX_AGE = 5;

/** May this request read the page? A public page: anyone; an internal one: a responder's token or session. */
async function mayRead(page: StatusPage, req: Request, deps: StatusRouteDeps): Promise<boolean> {
  if (page.visibility === 'public') return true;
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer (.+)$/i.exec(header)?.[1]?.trim();
  if (bearer) {
    const principal = await deps.authenticate(bearer);
    return principal !== undefined && principal.role !== 'ingest';
  }
  return (await deps.sessions.current(req)) !== undefined;
}

/** One representation of a page: found, readable, rendered once per cached view. */
function serve(deps: StatusRouteDeps, type: string, format: string, render: (v: PageView) => string): RequestHandler {
  return async (req, res, next) => {
    try {
      const pageId = String(req.params.page);
      const page = await deps.views.page(pageId);
      if (!page) return void refuse(res, type, 404, `no status page "${pageId}"`);
      if (!(await mayRead(page, req, deps)))
        return void refuse(res, type, 401, 'this status page is internal: sign in or send a bearer token');
      const body = await deps.views.rendered(pageId, format, render);
      if (body === undefined) return void refuse(res, type, 404, `no status page "${pageId}"`);
      const cache = page.visibility === 'public' ? `public, max-age=${PUBLIC_MAX_AGE}` : 'private, no-store';
      res.set({ 'cache-control': cache, 'x-content-type-options': 'nosniff' });
      if (page.visibility === 'public' && type === 'application/json') res.set('access-control-allow-origin', '*');
      if (type === 'text/html') res.set({ 'content-security-policy': CONSOLE_CSP, 'referrer-policy': 'same-origin' });
      res.type(type).send(body);
    } catch (err) {
      next(err);
    }
  };
}

function refuse(res: Response, type: string, status: number, message: string): void {
  res.set('cache-control', 'no-store');
  if (type === 'application/json')
    res.status(status).json({ error: status === 404 ? 'not_found' : 'unauthorized', message });
  else res.status(status).type('text/plain').send(message);
}

export function statusPageRoutes(deps: StatusRouteDeps): Router {
  const router = Router();
  router.use(
    '/status/assets',
    express.static(path.join(__dirname, 'static'), { index: false, maxAge: '1h', fallthrough: false }),
  );
  for (const format of Object.keys(V2_FORMATS) as V2Format[]) {
    const render = (v: PageView) => JSON.stringify(V2_FORMATS[format](v));
    router.get(`/status/:page/api/v2/${format}`, serve(deps, 'application/json', format, render));
  }
  router.get('/status/:page/feed.atom', serve(deps, 'application/atom+xml', 'atom', atomFeed));
  router.get(
    '/status/:page',
    serve(deps, 'text/html', 'html', (v) => `<!doctype html>${StatusHtml({ v }).toString()}`),
  );
  return router;
}
