/**
 * The route table's entry: one definition per route registers it in Express (./mount) and
 * describes it in the OpenAPI document (./openapi). Nothing else lists routes.
 *
 *   defineRoute({
 *     method: 'post', path: '/api/v1/incidents/{id}/notes',   // OpenAPI path form
 *     operationId: 'addIncidentNote', tag: 'Incidents', summary: 'Add a note to the timeline',
 *     auth: 'responder',                                       // who may call (./access)
 *     request: { params: incidentIdParam, body: { schema: noteSchema } },
 *     responses: { 202: ok('Noted', AcceptedSchema), 404: 'Unknown incident' },
 *     handler: async ({ params, body, by }, { incidents }, { reply }) => {  // parsed values
 *       await incidents.note(params.id, { ...body, by });
 *       return reply(202, { status: 'accepted' });          // typed by responses[202]
 *     },
 *   })
 *
 * A response is `ok(description, schema)` (JSON) or `{ description, content: { type: schema } }`;
 * a bare string is an error answered by throwing an HttpError, in the route's error format
 * (default: the JSON ErrorBody), or below 400 an answer without a body. Escape hatches for the routes that speak another protocol:
 * `body.parser` / `body.read` (raw, form, YAML bodies), `middleware` (signature checks that
 * need the raw body), `format` (PagerDuty's and HTML error answers).
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { AuditSpec } from '../audit';
import type { Principal } from '../auth';
import type { Services } from './services';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route; ./access turns it into middleware and ./openapi into security. */
export type Auth =
  | 'public'
  | 'ingest'
  | 'ingestOrBasic'
  | 'responder'
  | 'admin'
  | 'anyToken'
  | 'routingKey'
  | 'slackSignature'
  | 'twilioSignature'
  | 'signedLink';

/** Routes mounted only when configured (AppDeps.runbooks, .slack, .respond, .twilio). */
export type Feature = 'runbooks' | 'slack' | 'respond' | 'twilio' | 'followUps' | 'subscriptions';

/** Media type -> the schema of that representation. */
export type Content = Record<string, z.ZodType>;

export interface ResponseSpec {
  description: string;
  /** Absent: no body (204, or an empty 200). */
  content?: Content;
  /** Response headers: name -> what it carries. */
  headers?: Record<string, string>;
}
/** A string: an error answer, thrown as HttpError and shaped by the route's format. */
export type Responses = Record<number, string | ResponseSpec>;

/** How a route answers errors: the Express error handler and the body it documents for 4xx/5xx. */
export interface ErrorFormat {
  answer: ErrorRequestHandler;
  content: Content;
}

export interface BodySpec<B extends z.ZodType> {
  /** What the handler gets, parsed: a failure is a 400 naming each field. */
  schema: B;
  /** What the document says each accepted media type carries (default: JSON of `schema`). */
  content?: Content;
  /** Reads the request's bytes (default: JSON, 512 KB). */
  parser?: RequestHandler;
  /** The value `schema` parses (default: `req.body`). */
  read?: (req: Request) => unknown;
  /** Names the body in error messages (default: "request body"). */
  where?: string;
  description?: string;
}

type BodyOf<S> = S extends { content: infer C extends Content } ? z.input<C[keyof C]> : undefined;

/** An answer made by `reply`: one of the route's documented statuses, with the body its schema describes. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  /** Media type when the status documents more than one (e.g. text/markdown). */
  readonly type?: string;
  readonly headers?: Record<string, string>;
}

export type ReplyFn<R extends Responses> = <S extends keyof R & number>(
  status: S,
  body: BodyOf<R[S]>,
  extra?: { type?: string; headers?: Record<string, string> },
) => Reply;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Input<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  principal?: Principal;
  /** Who acts, as recorded on the timeline (./access). */
  by: string;
}

export interface RouteDef<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends Responses = Responses,
> {
  method: Method;
  /** OpenAPI form: `/api/v1/incidents/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  feature?: Feature;
  request?: {
    /** Every `{name}` of the path. */
    params?: P;
    query?: Q;
    body?: B extends z.ZodType ? BodySpec<B> : undefined;
    /** Parameter name -> what it means, for the document. */
    describe?: Record<string, string>;
  };
  responses: R;
  format?: ErrorFormat;
  /**
   * What the route writes to the audit log: one entry per request that names a principal
   * (../audit). A function when the spec reads the stores (configuration before and after).
   */
  audit?: AuditSpec | ((services: Services) => AuditSpec);
  /** Runs after authorization, before the body is read: checks that need the raw request. */
  middleware?: (services: Services) => RequestHandler[];
  handler: (
    input: Input<P, Q, B>,
    services: Services,
    http: { reply: ReplyFn<R>; req: Request; res: Response },
  ) => Promise<Reply> | Reply;
}

/** A route of any shape, as the table holds it (its handler's input type is erased: `any`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a handler of typed input is not a handler of unknown input
export type AnyRoute = RouteDef<any, any, any, any>;

/** Infers the schemas and statuses, so the handler's input and answers are typed by them. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  const R extends Responses = Responses,
>(route: RouteDef<P, Q, B, R>): AnyRoute {
  return route as AnyRoute;
}

/** A JSON response described by `schema`. */
export const ok = <S extends z.ZodType>(description: string, schema: S, headers?: Record<string, string>) => ({
  description,
  content: { 'application/json': schema },
  ...(headers ? { headers } : {}),
});
