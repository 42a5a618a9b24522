/**
 * Registers the route table in Express. Each route runs: authorization (./access), its own
 * middleware, its body parser, then parse params / query / body with its zod schemas ->
 * the handler (one call) -> the reply it returns, and its own error format last.
 */
import express, { type Express, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { errorMapper, parseOr400 } from '../errors';
import { actorOf, authorize } from './access';
import type { AnyRoute, Reply, Responses } from './route';
import type { Services } from './services';

/** PagerDuty's limit, which Alertmanager and friends already respect. */
export const BODY_LIMIT = '512kb';

export const jsonBody = express.json({
  limit: BODY_LIMIT,
  strict: true,
  type: ['application/json', 'application/*+json'],
});

export interface MountOptions {
  /** Check every reply against its documented schema (tests): a mismatch is a 500. */
  verifyReplies?: boolean;
}

export function mountRoutes(app: Express, routes: readonly AnyRoute[], services: Services, opts: MountOptions = {}) {
  for (const route of routes) {
    const body = route.request?.body;
    app[route.method](
      expressPath(route.path),
      ...authorize(route.auth, services),
      ...(route.middleware?.(services) ?? []),
      ...(body ? [body.parser ?? jsonBody] : []),
      run(route, services, opts),
      route.format?.answer ?? errorMapper,
    );
  }
}

/** `/incidents/{id}` -> `/incidents/:id`. */
export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

function run(route: AnyRoute, services: Services, opts: MountOptions): RequestHandler {
  const { params, query, body } = route.request ?? {};
  return async (req, res) => {
    const input = {
      params: params ? parseOr400(params as z.ZodType, req.params, 'path') : undefined,
      query: query ? parseOr400(query as z.ZodType, req.query, 'query') : undefined,
      body: body ? parseOr400(body.schema, body.read ? body.read(req) : req.body, body.where) : undefined,
      principal: req.principal,
      by: actorOf(req),
    };
    const answer = await route.handler(input, services, { reply, req, res });
    send(res, route.responses, answer, opts);
  };
}

const reply = (status: number, body: unknown, extra: Pick<Reply, 'type' | 'headers'> = {}): Reply => ({
  status,
  body,
  ...extra,
});

function send(res: Response, responses: Responses, reply: Reply, opts: MountOptions): void {
  const spec = responses[reply.status];
  const content = typeof spec === 'object' ? spec.content : undefined;
  res.status(reply.status);
  if (!content) {
    if (reply.headers) res.set(reply.headers);
    res.end();
    return;
  }
  const type = reply.type ?? (Object.keys(content)[0] as string);
  const schema = content[mediaType(type)];
  if (!schema) throw new Error(`${reply.status} ${type} is not a documented response`);
  const json = mediaType(type) === 'application/json';
  if (opts.verifyReplies) verify(schema, json ? JSON.parse(JSON.stringify(reply.body)) : reply.body, reply.status);
  if (json) {
    if (reply.headers) res.set(reply.headers);
    res.json(reply.body);
    return;
  }
  res.type(type);
  if (reply.headers) res.set(reply.headers);
  res.send(reply.body);
}

const mediaType = (type: string) => type.split(';')[0]?.trim().toLowerCase() ?? type;

function verify(schema: z.ZodType, wire: unknown, status: number): void {
  const checked = schema.safeParse(wire);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`the ${status} reply breaks its documented schema: ${issues}`);
  }
}
