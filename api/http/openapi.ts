/**
 * The API's OpenAPI 3.1 document, built from the route table (../routes) and the zod schemas
 * its routes validate and answer with (../openapi-schemas). Served at
 * `GET /api/v1/openapi.json` (the mounted routes); `npm run -s openapi` prints every route.
 */
import { ErrorBodySchema } from '../errors';
import type { AnyRoute, Auth, Content, Responses } from './route';
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, SLACK_TOLERANCE_SEC } from '../../integrations/slack/verify';
import { componentSchemas, inlineSchema, schemaFor, type JsonObject } from '../openapi-schemas';

const bearer = (description: string) => ({ type: 'http', scheme: 'bearer', description });

const SECURITY_SCHEMES = {
  ingestKey: bearer('An ingest key (VIGIL_INGEST_KEYS): may post alerts only.'),
  responderToken: bearer(
    'A responder token (VIGIL_RESPONDER_TOKENS): read, acknowledge, resolve; its name is recorded as the actor.',
  ),
  adminToken: bearer('An admin token (VIGIL_ADMIN_TOKENS): may call every route.'),
  ingestBasic: {
    type: 'http',
    scheme: 'basic',
    description:
      'For Alertmanager and Grafana: an ingest key as the basic-auth password (any user name), or as the user name with an empty password.',
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

const MISSING = { 401: 'Missing, unknown or revoked token' };
const ROLE = { ...MISSING, 403: 'A token of a role that may not call this route' };

/** Who may call: the schemes that let a request through (any one of them), and what the operation says about it. */
const SECURITY: Record<Auth, { schemes: Scheme[]; note: string; responses: Responses }> = {
  public: { schemes: [], note: 'No credentials.', responses: {} },
  ingest: { schemes: ['ingestKey', 'adminToken'], note: 'Role: ingest (or admin).', responses: ROLE },
  ingestOrBasic: {
    schemes: ['ingestKey', 'ingestBasic', 'adminToken'],
    note: 'Role: ingest (or admin), as a bearer token or with basic auth.',
    responses: ROLE,
  },
  responder: { schemes: ['responderToken', 'adminToken'], note: 'Role: responder (or admin).', responses: ROLE },
  admin: { schemes: ['adminToken'], note: 'Role: admin.', responses: ROLE },
  anyToken: { schemes: ['ingestKey', 'responderToken', 'adminToken'], note: 'Any valid token.', responses: MISSING },
  routingKey: {
    schemes: [],
    responses: {},
    note: "No header: `routing_key` in the body, a service's `pagerduty` integration key, is the credential (as at PagerDuty).",
  },
  slackSignature: { schemes: ['slackSignature'], note: 'Signed by Slack.', responses: {} },
  signedLink: { schemes: [], note: 'No header: the signed token in the path is the credential.', responses: {} },
};

export function buildOpenApiDocument(routes: readonly AnyRoute[]): JsonObject {
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
        'Incident response on Temporal. Request and response schemas are the zod schemas the API validates and answers with.',
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: { schemas: componentSchemas(), securitySchemes: SECURITY_SCHEMES },
  };
}

function operation(route: AnyRoute): JsonObject {
  const security = SECURITY[route.auth];
  const body = route.request?.body;
  const content: Content | undefined = body && (body.content ?? { 'application/json': body.schema });
  const requestBody = body &&
    content && {
      ...(body.description ? { description: body.description } : {}),
      // Optional when the route accepts no body at all (its schema has a default for it).
      required: Object.values(content).every((schema) => !schema.safeParse(undefined).success),
      content: mediaTypes(content, 'input'),
    };
  const parameters = parametersOf(route);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, security.note].filter(Boolean).join(' '),
    security: security.schemes.map((scheme) => ({ [scheme]: [] })),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responses(route, { ...security.responses, ...route.responses }),
  };
}

function parametersOf(route: AnyRoute): JsonObject[] {
  const { params, query, describe = {} } = route.request ?? {};
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const pathProps = (params ? inlineSchema(params).properties : {}) as Record<string, JsonObject>;
  for (const name of Object.keys(pathProps)) {
    if (!names.includes(name)) throw new Error(`${route.operationId}: parameter "${name}" is not in ${route.path}`);
  }
  const inPath = names.map((name) => {
    const schema = pathProps[name];
    if (!schema) throw new Error(`${route.operationId}: path parameter {${name}} has no schema`);
    return { name, in: 'path', required: true, ...(describe[name] ? { description: describe[name] } : {}), schema };
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

/** A bare description is an error in the route's format (JSON ErrorBody by default), or no body below 400. */
function responses(route: AnyRoute, all: Responses): JsonObject {
  const errorContent = route.format?.content ?? { 'application/json': ErrorBodySchema };
  return Object.fromEntries(
    Object.entries(all).map(([status, spec]) => {
      const { description, content, headers } =
        typeof spec === 'string'
          ? { description: spec, content: Number(status) >= 400 ? errorContent : undefined }
          : spec;
      return [
        status,
        {
          description,
          ...(headers ? { headers: headerDocs(headers) } : {}),
          ...(content ? { content: mediaTypes(content, 'output') } : {}),
        },
      ];
    }),
  );
}

const headerDocs = (headers: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
  );

function mediaTypes(content: Content, io: 'input' | 'output'): JsonObject {
  return Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema: schemaFor(schema, io) }]));
}
