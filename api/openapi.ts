/**
 * The API's OpenAPI 3.1 document, built from the route table (./openapi-routes) and the
 * zod schemas the routes validate with (./openapi-schemas). Served at
 * `GET /api/v1/openapi.json`; `npm run -s openapi` prints it.
 */
import { ErrorBodySchema } from './errors';
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, SLACK_TOLERANCE_SEC } from '../integrations/slack/verify';
import { TWILIO_SIGNATURE_HEADER } from '../integrations/twilio/signature';
import {
  ROUTES,
  type Auth,
  type Content,
  type Feature,
  type Format,
  type ResponseDoc,
  type RouteDoc,
} from './openapi-routes';
import { componentSchemas, inlineSchema, schemaFor, type JsonObject } from './openapi-schemas';

export interface OpenApiOptions {
  /** Which optional routes this server mounts (default: all), so the document lists what it serves. */
  features?: Partial<Record<Feature, boolean>>;
}

const bearer = (description: string) => ({ type: 'http', scheme: 'bearer', description });

const SECURITY_SCHEMES = {
  ingestKey: bearer('An ingest key (VIGIL_INGEST_KEYS): may post alerts only.'),
  responderToken: bearer(
    'A shared responder token (VIGIL_RESPONDER_TOKENS), for automation: read, acknowledge, resolve; recorded as the actor "system:<name>".',
  ),
  adminToken: bearer('A shared admin token (VIGIL_ADMIN_TOKENS): may call every route; recorded as "system:<name>".'),
  personalToken: bearer(
    "A person's own token (vgl_..., POST /api/v1/users/{userId}/tokens) with the role responder or admin; the user id is recorded as the actor.",
  ),
  ingestBasic: {
    type: 'http',
    scheme: 'basic',
    description:
      'For Alertmanager and Grafana: an ingest key as the basic-auth password (any user name), or as the user name with an empty password.',
  },
  twilioSignature: {
    type: 'apiKey',
    in: 'header',
    name: TWILIO_SIGNATURE_HEADER,
    description:
      "Twilio's request signature: base64 HMAC-SHA1 with VIGIL_TWILIO_AUTH_TOKEN of VIGIL_PUBLIC_URL + path and query, then each form parameter sorted by name as name + value.",
  },
  slackSignature: {
    type: 'apiKey',
    in: 'header',
    name: SLACK_SIGNATURE_HEADER,
    description:
      `Slack's request signature: "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{raw body}" with VIGIL_SLACK_SIGNING_SECRET; ` +
      `${SLACK_TIMESTAMP_HEADER} must be within ${SLACK_TOLERANCE_SEC} s.`,
  },
};
type Scheme = keyof typeof SECURITY_SCHEMES;

/** Who may call: the schemes that let a request through (any one of them), and what the operation says about it. */
const SECURITY: Record<Auth, { schemes: Scheme[]; note: string; responses: Record<number, string> }> = {
  public: { schemes: [], note: 'No credentials.', responses: {} },
  ingest: { schemes: ['ingestKey', 'adminToken'], note: 'Role: ingest (or admin).', responses: roleErrors(true) },
  ingestOrBasic: {
    schemes: ['ingestKey', 'ingestBasic', 'adminToken'],
    note: 'Role: ingest (or admin), as a bearer token or with basic auth.',
    responses: roleErrors(true),
  },
  responder: {
    schemes: ['responderToken', 'personalToken', 'adminToken'],
    note: 'Role: responder (or admin).',
    responses: roleErrors(true),
  },
  admin: { schemes: ['adminToken', 'personalToken'], note: 'Role: admin.', responses: roleErrors(true) },
  anyToken: {
    schemes: ['ingestKey', 'responderToken', 'personalToken', 'adminToken'],
    note: 'Any valid token.',
    responses: roleErrors(false),
  },
  routingKey: {
    schemes: [],
    responses: {},
    note: "No header: `routing_key` in the body, a service's `pagerduty` integration key, is the credential (as at PagerDuty).",
  },
  slackSignature: {
    schemes: ['slackSignature'],
    note: 'Signed by Slack.',
    responses: { 401: 'Bad or stale signature: { error: "invalid_signature", reason }' },
  },
  twilioSignature: {
    schemes: ['twilioSignature'],
    note: 'Signed by Twilio; acts as the Vigil user who owns the phone number.',
    responses: {
      403: 'Bad or missing signature, or stale: { error: { code: "invalid_signature" | "stale_callback" } }',
    },
  },
  signedLink: { schemes: [], note: 'No header: the signed token in the path is the credential.', responses: {} },
};

function roleErrors(roleMatters: boolean): Record<number, string> {
  const missing = { 401: 'Missing, unknown, revoked or expired token' };
  return roleMatters ? { ...missing, 403: 'A token of a role that may not call this route' } : missing;
}

export function buildOpenApiDocument(opts: OpenApiOptions = {}): JsonObject {
  const routes = ROUTES.filter((r) => r.feature === undefined || opts.features?.[r.feature] !== false);
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is in the route table twice`);
    item[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil API',
      version: 'v1',
      description:
        'Incident response on Temporal. Request and response schemas are the zod schemas the API validates with.',
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: { schemas: componentSchemas(), securitySchemes: SECURITY_SCHEMES },
  };
}

function operation(route: RouteDoc): JsonObject {
  const security = SECURITY[route.auth];
  const requestBody = route.body && {
    ...(route.body.description ? { description: route.body.description } : {}),
    // Optional when the route accepts no body at all (its schema has a default for it).
    required: Object.values(route.body.content).every((schema) => !schema?.safeParse(undefined).success),
    content: mediaTypes(route.body.content, 'input'),
  };
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, security.note].filter(Boolean).join(' '),
    security: security.schemes.map((scheme) => ({ [scheme]: [] })),
    ...(route.params ? { parameters: parameters(route) } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responses(route, { ...security.responses, ...route.responses }),
  };
}

function parameters(route: RouteDoc): JsonObject[] {
  const { path, lookup = {}, query, describe = {} } = route.params ?? {};
  const pathProps = (path ? inlineSchema(path).properties : {}) as Record<string, JsonObject>;
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  for (const name of [...Object.keys(pathProps), ...Object.keys(lookup)]) {
    if (!names.includes(name))
      throw new Error(`${route.operationId}: path parameter "${name}" is not in ${route.path}`);
  }
  const inPath = names.map((name) => {
    const schema = pathProps[name] ?? (lookup[name] === undefined ? undefined : { type: 'string' });
    if (!schema) throw new Error(`${route.operationId}: path parameter {${name}} is not declared`);
    const description = describe[name] ?? lookup[name];
    return { name, in: 'path', required: true, ...(description ? { description } : {}), schema };
  });
  const q = query ? inlineSchema(query) : {};
  const required = new Set((q.required as string[] | undefined) ?? []);
  const inQuery = Object.entries((q.properties ?? {}) as Record<string, JsonObject>).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(describe[name] ? { description: describe[name] } : {}),
    schema,
  }));
  return [...inPath, ...inQuery];
}

function responses(route: RouteDoc, all: Record<number, string | ResponseDoc>): JsonObject {
  return Object.fromEntries(
    Object.entries(all).map(([status, doc]) => {
      const { description, content } = typeof doc === 'string' ? { description: doc, content: undefined } : doc;
      const media = content ?? defaultContent(route.format ?? 'json', Number(status));
      return [
        status,
        Object.keys(media).length > 0 ? { description, content: mediaTypes(media, 'output') } : { description },
      ];
    }),
  );
}

/** What an answer carries when the table names no content: JSON errors are ErrorBody. */
function defaultContent(format: Format, status: number): Content {
  if (status === 204) return {};
  if (format === 'html') return { 'text/html': null };
  return { 'application/json': format === 'json' && status >= 400 ? ErrorBodySchema : null };
}

function mediaTypes(content: Content, io: 'input' | 'output'): JsonObject {
  return Object.fromEntries(
    Object.entries(content).map(([type, schema]) => [type, schema ? { schema: schemaFor(schema, io) } : {}]),
  );
}
