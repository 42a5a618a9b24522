/**
 * The signed links of status-page subscribers (api/status-page/subscriptions.ts), each an
 * HTML page: GET opens a page with one button and changes nothing (mail scanners fetch
 * links), POST confirms or unsubscribes (POST unsubscribe is also RFC 8058's one-click).
 * The token is checked before anything else: 403 a bad link, 410 an expired confirmation.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { IdSchema } from '../../domain/common';
import type { StatusPage } from '../../domain/status-page/page';
import type { SubscriberAction, SubscriberClaims } from '../../lib/subscriber-links';
import { HttpError } from '../errors';
import { defineRoute, type AnyRoute } from '../http/route';
import { feature, type Services } from '../http/services';
import { linked, verified, type SubscriptionServices } from '../status-page/subscriptions';
import {
  HTML,
  htmlPage,
  SUBSCRIBER_PAGE_HEADERS,
  subscriberErrorPage,
  subscriberPage,
} from '../status-page/subscriber-pages';

const pageParam = z.object({ page: IdSchema });
const tokenQuery = z.object({ token: z.string().optional() });

export const subscriptions = (services: Services): SubscriptionServices => feature(services, 'subscriptions');

/** Before anything else: a bad, forged or expired link gets no further (the page is checked after). */
const linkChecked =
  (action: SubscriberAction) =>
  (services: Services): RequestHandler[] => [
    (req, res, next) => {
      const token = typeof req.query.token === 'string' ? req.query.token : '';
      res.locals.claims = verified(subscriptions(services), token, action);
      next();
    },
  ];

export async function pageOf(services: Services, pageId: string): Promise<StatusPage> {
  const page = await services.statusPages.page(pageId);
  if (!page) throw new HttpError(404, 'not_found', `no status page "${pageId}"`);
  return page;
}

const linkBase = {
  tag: 'Status pages',
  auth: 'signedLink',
  feature: 'subscriptions',
  format: { answer: subscriberErrorPage, content: HTML },
} as const;
const linkRequest = {
  params: pageParam,
  query: tokenQuery,
  describe: { page: 'The status page', token: 'The signed token of the link' },
};
const linkErrors = {
  403: 'Not a valid link',
  404: 'Unknown page',
  410: 'Expired (a confirmation link lasts a week)',
  503: 'Subscriptions not configured, or MongoDB unavailable',
};
const html = (text: string) => ({ html: text, extra: { type: 'text/html', headers: { ...SUBSCRIBER_PAGE_HEADERS } } });

const linkRoutes = (action: 'confirm' | 'unsubscribe'): AnyRoute[] => {
  const verb = action === 'confirm' ? 'Confirm' : 'Unsubscribe';
  const path = `/status/{page}/subscribers/${action}`;
  const claimsOf = (locals: Record<string, unknown>) => locals.claims as SubscriberClaims;
  return [
    defineRoute({
      ...linkBase,
      middleware: linkChecked(action),
      method: 'get',
      path,
      operationId: `${action}StatusPageSubscriptionPage`,
      summary: `${verb} a subscription: the link's page, with a button; changes nothing`,
      request: linkRequest,
      responses: { 200: htmlPage('A page with one button'), ...linkErrors },
      handler: async ({ params }, services, { reply, res }) => {
        const page = await pageOf(services, params.page);
        const sub = await linked(subscriptions(services), page.id, claimsOf(res.locals));
        const text =
          action === 'confirm'
            ? `Confirm that ${sub.address} hears about incidents on ${page.name}.`
            : `Stop messages about incidents on ${page.name} to this subscriber.`;
        const { html: body, extra } = html(subscriberPage(`${page.name}: ${verb.toLowerCase()}`, text, verb));
        return reply(200, body, extra);
      },
    }),
    defineRoute({
      ...linkBase,
      middleware: linkChecked(action),
      method: 'post',
      path,
      operationId: `${action}StatusPageSubscription`,
      summary:
        action === 'confirm' ? 'Confirm an email subscription' : 'Unsubscribe (also one-click from a mail client)',
      request: linkRequest,
      responses: { 200: htmlPage('Done'), ...linkErrors },
      handler: async ({ params }, services, { reply, res }) => {
        const s = subscriptions(services);
        const page = await pageOf(services, params.page);
        const sub = await linked(s, page.id, claimsOf(res.locals));
        const now = new Date((s.now ?? Date.now)()).toISOString();
        if (action === 'confirm' && !(await s.store.confirm(sub.id, now)))
          throw new HttpError(410, 'link_expired', 'This subscription was ended since: subscribe again.');
        if (action === 'unsubscribe') await s.store.unsubscribe(sub.id);
        const text =
          action === 'confirm'
            ? `Subscribed: ${sub.address} hears about incidents on ${page.name} from now on.`
            : `Unsubscribed: no more messages about ${page.name}.`;
        const { html: body, extra } = html(subscriberPage(page.name, text));
        return reply(200, body, extra);
      },
    }),
  ];
};

export const subscriberLinkRoutes: AnyRoute[] = [...linkRoutes('confirm'), ...linkRoutes('unsubscribe')];
