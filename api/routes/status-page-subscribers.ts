/**
 * Status-page subscribers (api/status-page/subscriptions.ts; the link routes in
 * ./status-page-subscriber-links.ts):
 *   POST /status/{page}/subscribers               anyone who may read the page asks for email
 *                                                  (a confirmation link is mailed; same answer whatever the address)
 *   GET|POST /status/{page}/subscribers/confirm      the signed link: a button, then confirmed
 *   GET|POST /status/{page}/subscribers/unsubscribe  the signed link in every message (POST: one-click, RFC 8058)
 *   /api/v1/status-pages/{id}/subscribers          admins list subscribers, add and remove webhooks
 * The link routes answer HTML pages (403 a bad link, 410 an expired one).
 */
import { z } from 'zod';
import { IdSchema } from '../../domain/common';
import {
  SUBSCRIBER_STATES,
  SUBSCRIBER_TYPES,
  SubscribeSchema,
  unknownComponents,
  WebhookSubscriberSchema,
} from '../../domain/status-page/subscribers';
import type { StatusPage } from '../../domain/status-page/page';
import { HttpError } from '../errors';
import { defineRoute, ok, type AnyRoute } from '../http/route';
import type { Services } from '../http/services';
import { emailLinks, requestEmail, subscriberView } from '../status-page/subscriptions';
import { E503_STORE } from './errors-doc';
import { pageOf, subscriberLinkRoutes, subscriptions } from './status-page-subscriber-links';

const pageParam = z.object({ page: IdSchema });
const idParam = z.object({ id: IdSchema });
const AcceptedSchema = z.object({ status: z.literal('accepted'), message: z.string() });
const SubscriberSchema = z.object({
  id: z.string(),
  pageId: z.string(),
  type: z.enum(SUBSCRIBER_TYPES),
  address: z.string(),
  components: z.array(z.string()).optional(),
  state: z.enum(SUBSCRIBER_STATES),
  createdAt: z.string(),
  confirmedAt: z.string().optional(),
});

/** Components the page does not have: a 400 naming each. */
function checkComponents(page: StatusPage, components: string[] | undefined): void {
  const issues = unknownComponents(page, components);
  if (issues.length > 0)
    throw new HttpError(
      400,
      'validation_failed',
      `invalid request body: ${issues[0]?.path}: ${issues[0]?.message}`,
      issues,
    );
}

/** An internal page takes subscriptions only from those who may read it: a responder's or admin's token. */
async function mayRead(services: Services, page: StatusPage, authorization: string | undefined): Promise<void> {
  if (page.visibility === 'public') return;
  const bearer = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  const principal = bearer ? await services.authenticate(bearer) : undefined;
  if (!principal || principal.role === 'ingest')
    throw new HttpError(401, 'unauthorized', 'this status page is internal: send a bearer token');
}

const ACCEPTED =
  'If the address is not subscribed yet, a confirmation link is on its way; nothing is sent until it is confirmed.';
const adminBase = { tag: 'Status pages', auth: 'admin', feature: 'subscriptions' } as const;
const target = (p: Record<string, string | undefined>) => `statusPage:${p.id}`;

export const statusPageSubscriberRoutes: AnyRoute[] = [
  defineRoute({
    tag: 'Status pages',
    auth: 'public',
    feature: 'subscriptions',
    method: 'post',
    path: '/status/{page}/subscribers',
    operationId: 'subscribeToStatusPage',
    summary: 'Subscribe an email address to a page (double opt-in); an internal page needs a token',
    request: { params: pageParam, body: { schema: SubscribeSchema } },
    responses: {
      202: ok('Accepted: a confirmation is mailed when one is due', AcceptedSchema),
      400: 'The fields at fault, each named (an unknown component too)',
      401: 'An internal page, and no responder or admin token',
      404: 'Unknown page',
      429: 'Too many requests for this page this minute',
      503: 'Email subscriptions not configured, or Temporal or MongoDB unavailable',
    },
    handler: async ({ params, body }, services, { reply, req }) => {
      const s = subscriptions(services);
      const page = await pageOf(services, params.page);
      await mayRead(services, page, req.headers.authorization);
      checkComponents(page, body.components);
      emailLinks(s);
      if (!services.channels.email.deliverable)
        throw new HttpError(503, 'not_configured', 'Email subscriptions need VIGIL_SMTP_URL.');
      await requestEmail(s, page.id, body);
      return reply(202, { status: 'accepted', message: ACCEPTED });
    },
  }),
  ...subscriberLinkRoutes,
  defineRoute({
    ...adminBase,
    method: 'get',
    path: '/api/v1/status-pages/{id}/subscribers',
    operationId: 'listStatusPageSubscribers',
    summary: "A page's subscribers (a webhook shows only its origin)",
    request: { params: idParam },
    responses: {
      200: ok('Every subscriber', z.object({ data: z.array(SubscriberSchema) })),
      400: 'A bad id',
      404: 'Unknown page',
      503: E503_STORE,
    },
    handler: async ({ params }, services, { reply }) => {
      const page = await pageOf(services, params.id);
      return reply(200, { data: (await subscriptions(services).store.list(page.id)).map(subscriberView) });
    },
  }),
  defineRoute({
    ...adminBase,
    method: 'post',
    path: '/api/v1/status-pages/{id}/subscribers',
    operationId: 'addStatusPageWebhookSubscriber',
    summary: 'Add a webhook subscriber (confirmed at once; payloads signed like every Vigil webhook)',
    audit: { action: 'statusPage.subscriber.add', target },
    request: { params: idParam, body: { schema: WebhookSubscriberSchema } },
    responses: {
      201: ok('The subscriber (the same URL again: updated)', SubscriberSchema),
      400: 'The fields at fault, each named (an unknown component too)',
      404: 'Unknown page',
      503: 'VIGIL_WEBHOOK_SIGNING_SECRET not set, or MongoDB unavailable',
    },
    handler: async ({ params, body }, services, { reply }) => {
      const s = subscriptions(services);
      const page = await pageOf(services, params.id);
      checkComponents(page, body.components);
      if (!services.channels.webhook.deliverable)
        throw new HttpError(503, 'not_configured', 'Webhook subscribers need VIGIL_WEBHOOK_SIGNING_SECRET.');
      const now = new Date((s.now ?? Date.now)()).toISOString();
      return reply(201, subscriberView(await s.store.putWebhook(page.id, body.url, body.components, now)));
    },
  }),
  defineRoute({
    ...adminBase,
    method: 'delete',
    path: '/api/v1/status-pages/{id}/subscribers/{subscriberId}',
    operationId: 'removeStatusPageSubscriber',
    summary: 'Remove a subscriber (email or webhook)',
    audit: { action: 'statusPage.subscriber.remove', target },
    request: {
      params: idParam.extend({ subscriberId: z.string().regex(/^[ew][0-9a-f]{24}$/, 'is not a subscriber id') }),
    },
    responses: { 204: 'Removed', 400: 'A bad id', 404: 'Unknown page or subscriber', 503: E503_STORE },
    handler: async ({ params }, services, { reply }) => {
      if (!(await subscriptions(services).store.remove(params.id, params.subscriberId)))
        throw new HttpError(404, 'not_found', `no subscriber "${params.subscriberId}" on page "${params.id}"`);
      return reply(204, undefined);
    },
  }),
];
