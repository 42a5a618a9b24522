/**
 * The OpenAPI document: structurally sound (every $ref resolves, every path parameter
 * declared), the same routes and roles as the API table of docs/api.md, an app that serves
 * exactly the route table, component schemas that
 * behave like the zod schemas they come from, and served to any valid token by an app
 * whose every documented route answers with the documented authentication.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createApp, type AppDeps } from '../../api/app';
import { buildOpenApiDocument } from '../../api/http/openapi';
import { expressPath } from '../../api/http/mount';
import type { Auth } from '../../api/http/route';
import { ROUTES } from '../../api/routes';
import { kindComponent } from '../../api/openapi-schemas';
import { changeSchema } from '../../api/ingest/pagerduty';
import { formSchema } from '../../integrations/respond/routes';
import { genericAlertSchema, snoozeSchema } from '../../api/schemas';
import { createLogger } from '../../lib/logger';
import { CONFIG_KINDS, type ConfigKind } from '../../lib/models/config';
import { memoryAuditLog } from '../helpers/memory-stores';

const doc = buildOpenApiDocument(ROUTES) as any;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations = Object.entries(doc.paths as Record<string, any>).flatMap(([p, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({ method, path: p, op: item[method] })),
);
const key = (method: string, p: string) => `${method.toUpperCase()} ${p}`;

describe('document structure', () => {
  it('is OpenAPI 3.1.0 with responses on every operation and unique operationIds', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(operations.length).toBeGreaterThan(40);
    for (const { method, path: p, op } of operations)
      expect(Object.keys(op.responses), key(method, p)).not.toHaveLength(0);
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref inside the document', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref') refs.push(v as string);
          else walk(v);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\//);
      const target = ref
        .slice(2)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<any>((node, segment) => node?.[segment], doc);
      expect(target, ref).toBeTypeOf('object');
    }
  });

  it('declares every path parameter, and only those', () => {
    for (const { method, path: p, op } of operations) {
      const inPath = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((x: any) => x.in === 'path');
      expect(declared.map((x: any) => x.name).sort(), key(method, p)).toEqual(inPath);
      for (const x of declared) expect(x.required).toBe(true);
    }
  });

  it('gives every answer with a body a schema; only deletions and Slack button acknowledgements are empty', () => {
    const empty: string[] = [];
    for (const { method, path: p, op } of operations) {
      for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
        if (!response.content) {
          empty.push(`${key(method, p)} ${status}`);
          continue;
        }
        for (const [type, media] of Object.entries(response.content as Record<string, any>))
          expect(media.schema, `${key(method, p)} ${status} ${type}`).toBeTypeOf('object');
      }
    }
    expect(
      empty.every((e) => / 204$/.test(e) || e === 'POST /api/v1/slack/interactions 200'),
      empty.join('\n'),
    ).toBe(true);
  });

  it('names a known security scheme in every requirement', () => {
    for (const { op } of operations) {
      for (const requirement of op.security)
        for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes).toHaveProperty(scheme);
    }
  });
});

describe('API table in docs/api.md', () => {
  const WHO: Record<string, Auth> = {
    public: 'public',
    ingest: 'ingest',
    'ingest (Bearer or basic auth)': 'ingestOrBasic',
    'routing key': 'routingKey',
    responder: 'responder',
    admin: 'admin',
    'any token': 'anyToken',
    'Slack signature': 'slackSignature',
    'Twilio signature': 'twilioSignature',
    'signed link': 'signedLink',
  };
  const readme = readFileSync(path.join(__dirname, '../../docs/api.md'), 'utf8');
  const rows = readme.split('\n').flatMap((line) => {
    const m = /^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| ([^|]+?) \|/.exec(line);
    if (!m) return [];
    const p = (m[2] as string)
      .replace(/\?.*$/, '')
      .replace(/:(\w+)/g, '{$1}')
      .replace(/<(\w+)>/g, '{$1}');
    const paths = p.includes('{kind}') ? Object.values(CONFIG_KINDS).map((k) => p.replace('{kind}', k.path)) : [p];
    return paths.map((expanded) => ({ key: key(m[1] as string, expanded), who: m[3] as string }));
  });

  it('lists exactly the operations of the document', () => {
    const inReadme = rows.map((r) => r.key).sort();
    expect(new Set(inReadme).size).toBe(inReadme.length);
    expect(inReadme).toEqual(operations.map((o) => key(o.method, o.path)).sort());
  });

  it('names the role each route needs', () => {
    for (const row of rows) {
      const route = ROUTES.find((r) => key(r.method, r.path) === row.key);
      expect({ route: row.key, auth: WHO[row.who] }).toEqual({ route: row.key, auth: route?.auth });
    }
  });
});

describe('component schemas are the zod schemas', () => {
  const schemas = doc.components.schemas;
  /** Dropping a property makes zod refuse exactly when the JSON Schema requires it; unknown fields likewise. */
  function behavesLike(id: string, schema: z.ZodType, valid: Record<string, unknown>) {
    const js = schemas[id];
    expect(schema.safeParse(valid).success).toBe(true);
    for (const field of Object.keys(valid)) expect(js.properties, `${id}.${field}`).toHaveProperty(field);
    for (const field of Object.keys(js.properties)) {
      const { [field]: _dropped, ...rest } = valid;
      expect(schema.safeParse(rest).success, `${id} without ${field}`).toBe(!(js.required ?? []).includes(field));
    }
    expect(schema.safeParse({ ...valid, unknownField: 1 }).success, `${id} with an unknown field`).toBe(
      js.additionalProperties !== false,
    );
    return js;
  }

  it('GenericAlert: what POST /api/v1/alerts validates with', () => {
    const js = behavesLike('GenericAlert', genericAlertSchema, {
      source: 'curl',
      service: 'database',
      severity: 'P1',
      summary: 'Disk full',
      dedupKey: 'disk',
    });
    expect(js.required).toEqual(expect.arrayContaining(['summary', 'service', 'severity', 'source']));
    expect(schemas.SeverityInput.description).toContain('P1');
    expect(doc.paths['/api/v1/alerts'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/GenericAlert',
    });
  });

  it('each config kind, e.g. Service with its id, strict', () => {
    const js = behavesLike('Service', CONFIG_KINDS.service.schema, {
      id: 'checkout',
      name: 'Checkout',
      tier: 1,
      teamId: 'platform',
      escalationPolicyId: 'default',
    });
    expect(js.required).toContain('id');
    expect(js.additionalProperties).toBe(false);
    for (const [kind, { path: p }] of Object.entries(CONFIG_KINDS)) {
      const ref = { $ref: `#/components/schemas/${kindComponent(kind as ConfigKind)}` };
      expect(doc.paths[`/api/v1/${p}`].post.requestBody.content['application/json'].schema).toEqual(ref);
      expect(doc.paths[`/api/v1/${p}/{id}`].put.requestBody.content['application/json'].schema).toEqual(ref);
    }
  });

  it('other bodies: snooze, PagerDuty change events, the respond form; an optional body is not required', () => {
    behavesLike('Snooze', snoozeSchema, { minutes: 30 });
    behavesLike('PagerDutyChangeEvent', changeSchema, {
      routing_key: 'p'.repeat(32),
      payload: { summary: 'Deployed v2' },
    });
    behavesLike('RespondForm', formSchema, { action: 'acknowledge', note: 'on it' });
    expect(doc.paths['/api/v1/incidents/{id}/acknowledge'].post.requestBody.required).toBe(false);
    expect(doc.paths['/api/v1/incidents/{id}/snooze'].post.requestBody.required).toBe(true);
  });
});

describe('served by the app', () => {
  const INGEST = 'ingest-key-0123456789abcdef';
  const RESPONDER = 'responder-token-0123456789abcdef';
  const ADMIN = 'admin-token-0123456789abcdef0';
  const TOKENS: Record<string, string> = { ingestKey: INGEST, responderToken: RESPONDER, adminToken: ADMIN };
  const base = {
    audit: memoryAuditLog(),
    log: createLogger({ level: 'silent', name: 'test' }),
    credentials: {
      ingestKeys: [{ name: 'monitoring', secret: INGEST }],
      responderTokens: [{ name: 'alice', secret: RESPONDER }],
      adminTokens: [{ name: 'root', secret: ADMIN }],
    },
    readiness: {},
    ingest: { integrations: { find: async () => undefined } },
  };
  const full = createApp({
    ...base,
    runbooks: { dir: '/nonexistent', gateway: {} },
    slack: { signingSecret: 'slack-signing-secret-0123456789' },
    twilio: { authToken: 'twilio-auth-token-0123456789', publicUrl: 'https://vigil.example.com' },
    respond: { verifier: { verify: () => ({ ok: false, reason: 'bad_signature' }) } },
    followUps: { startExport: async () => ({ workflowId: 'x' }) },
    subscriptions: { announcer: {}, store: {}, links: { verify: () => ({ ok: false, reason: 'bad_signature' }) } },
  } as unknown as AppDeps);
  const minimal = createApp(base as unknown as AppDeps);

  it('answers 401 without a token and the document to any valid token', async () => {
    const missing = await request(full).get('/api/v1/openapi.json');
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthenticated');
    for (const token of [RESPONDER, INGEST]) {
      const res = await request(full).get('/api/v1/openapi.json').set('authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(JSON.parse(JSON.stringify(doc)));
    }
  });

  it('serves exactly the route table: every mounted route is documented, and every documented one mounted', () => {
    const mounted = (app: typeof full) =>
      (app.router.stack as any[])
        .filter((layer) => layer.route)
        .flatMap((layer) => Object.keys(layer.route.methods).map((m) => key(m, layer.route.path)))
        .sort();
    const documented = operations.map((o) => key(o.method, expressPath(o.path))).sort();
    expect(mounted(full)).toEqual(documented);
    const optional = new Set(ROUTES.filter((r) => r.feature).map((r) => key(r.method, expressPath(r.path))));
    expect(mounted(minimal)).toEqual(documented.filter((k) => !optional.has(k)));
  });

  it('lists only the optional routes the app mounts', async () => {
    const res = await request(minimal).get('/api/v1/openapi.json').set('authorization', `Bearer ${RESPONDER}`);
    expect(res.status).toBe(200);
    for (const p of [
      '/api/v1/runbooks',
      '/api/v1/slack/commands',
      '/respond/{token}',
      '/api/v1/integrations/twilio/sms',
      '/api/v1/incidents/{id}/review/action-items/export',
    ])
      expect(res.body.paths).not.toHaveProperty([p]);
    expect(res.body.paths).toHaveProperty(['/api/v1/alerts']);
  });

  // Authentication runs before any handler, so these need no store: a documented route that
  // is not mounted would answer 404 instead.
  it.each(operations.map((o) => [key(o.method, o.path), o] as const))(
    '%s answers as its security says',
    async (_name, { method, path: p, op }) => {
      const auth = ROUTES.find((r) => key(r.method, r.path) === key(method, p))?.auth;
      const url = p.replace(/\{(\w+)\}/g, (_m, name: string) =>
        name === 'id' ? 'incident-checkout-0123456789abcdef01234567' : `x-${name}`,
      );
      const call = () => request(full)[method](url);
      const schemes = op.security.flatMap((r: object) => Object.keys(r));
      // A public POST (a status page's subscribe) gets as far as its body: 400 without one.
      if (auth === 'public') expect((await call()).status).toBe(method === 'post' ? 400 : 200);
      else if (auth === 'routingKey') expect((await call().send({})).body.status).toBe('invalid event');
      else if (auth === 'signedLink' || auth === 'twilioSignature') expect((await call()).status).toBe(403);
      else expect((await call()).status).toBe(401);
      for (const [scheme, token] of Object.entries(TOKENS)) {
        if (schemes.length === 0 || schemes.includes(scheme) || auth === 'slackSignature' || auth === 'twilioSignature')
          continue;
        expect((await call().set('authorization', `Bearer ${token}`)).status, scheme).toBe(403);
      }
    },
  );
});
