import { describe, it, expect } from 'vitest';
import YAML from 'yaml';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  ADMIN_TOOLS,
  checkCompose,
  repoRoot,
  requiredVariables,
  SEARCH_ATTRIBUTES,
  SECRET_VARS,
} from '../support/compose/compose';
import { checkDockerfile, dockerfileCmd } from '../support/compose/dockerfile';
import { obj, tokens, type Obj } from '../support/compose/readers';

/**
 * docker-compose.yml, Dockerfile and deploy/ cannot be run here (no Docker engine): the
 * checkers in test/support/compose/ parse them and list problems; these tests run them on
 * the real files and on deliberately broken copies.
 */

const composeText = readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8');
const parsed: unknown = YAML.parse(composeText, { merge: true });
const dockerfileText = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');

function broken(mutate: (services: Record<string, Obj>, top: Obj) => void): unknown {
  const copy = structuredClone(parsed) as Obj;
  mutate(copy.services as Record<string, Obj>, copy);
  return copy;
}
/** The api and worker share one environment mapping (a YAML alias): give one its own copy. */
function ownEnv(svc: Obj | undefined): Obj {
  if (!svc) throw new Error('no such service');
  svc.environment = { ...obj(svc.environment) };
  return svc.environment as Obj;
}

describe('docker-compose.yml', () => {
  it('is wired the way the app config needs', () => {
    expect(Object.keys(SEARCH_ATTRIBUTES)).toContain('IncidentNumber'); // the contract is really loaded
    expect(checkCompose(parsed)).toEqual([]);
  });

  it('every variable it requires is listed in deploy/env.example', () => {
    const example = readFileSync(path.join(repoRoot, 'deploy/env.example'), 'utf8');
    const required = requiredVariables(composeText);
    expect(required).toEqual(expect.arrayContaining(SECRET_VARS));
    for (const v of required) expect(example, v).toMatch(new RegExp(`^${v}=`, 'm'));
  });

  const mutations: Array<[string, () => unknown, RegExp]> = [
    [
      'TEMPORAL_ADDRESS on the wrong port',
      () =>
        broken((s) => {
          ownEnv(s.api).TEMPORAL_ADDRESS = 'temporal:7234';
        }),
      /service api: TEMPORAL_ADDRESS \(temporal:7234\)/,
    ],
    [
      'worker pointed at localhost',
      () =>
        broken((s) => {
          ownEnv(s.worker).TEMPORAL_ADDRESS = 'localhost:7233';
        }),
      /service worker: TEMPORAL_ADDRESS/,
    ],
    [
      'MONGODB_URI naming no service',
      () =>
        broken((s) => {
          ownEnv(s.api).MONGODB_URI = 'mongodb://mongo:27017/vigil';
        }),
      /service api: MONGODB_URI/,
    ],
    [
      'a literal admin token',
      () =>
        broken((s) => {
          ownEnv(s.worker).VIGIL_ADMIN_TOKENS = 'admin:0123456789abcdef0123';
        }),
      /service worker: VIGIL_ADMIN_TOKENS must be/,
    ],
    [
      'a secret with a default instead of :?',
      () =>
        broken((s) => {
          ownEnv(s.api).VIGIL_WEBHOOK_SIGNING_SECRET = '${VIGIL_WEBHOOK_SIGNING_SECRET:-dev-secret-dev-secret}';
        }),
      /VIGIL_WEBHOOK_SIGNING_SECRET must be/,
    ],
    [
      'a search attribute left out',
      () =>
        broken((s) => {
          const a = obj(s[ADMIN_TOOLS]);
          a.command = tokens(a.command).filter((w) => !w.startsWith('IncidentNumber='));
        }),
      /IncidentNumber is not registered/,
    ],
    [
      'a search attribute with the wrong type',
      () =>
        broken((s) => {
          const a = obj(s[ADMIN_TOOLS]);
          a.command = tokens(a.command).map((w) => (w === 'IncidentNumber=Int' ? 'IncidentNumber=Keyword' : w));
        }),
      /IncidentNumber is registered as keyword, expected Int/,
    ],
    [
      'depends_on a service that does not exist',
      () =>
        broken((s) => {
          obj(s.api).depends_on = { 'temporal-db': { condition: 'service_healthy' } };
        }),
      /depends_on temporal-db, which is not a service/,
    ],
    [
      'temporal not waiting for postgresql',
      () =>
        broken((s) => {
          delete obj(s.temporal).depends_on;
        }),
      /temporal: must depend on postgresql/,
    ],
    [
      'waiting for health of a service without a healthcheck',
      () =>
        broken((s) => {
          delete obj(s.mongodb).healthcheck;
        }),
      /waits for mongodb to be healthy, but mongodb has no healthcheck/,
    ],
    [
      'api port not published',
      () =>
        broken((s) => {
          delete obj(s.api).ports;
        }),
      /api: must publish its VIGIL_API_PORT \(8080\)/,
    ],
    [
      'a mount of a missing deploy file',
      () =>
        broken((s) => {
          obj(s.temporal).volumes = ['./deploy/missing.yaml:/etc/temporal/config/dynamicconfig/vigil.yaml:ro'];
        }),
      /mounts \.\/deploy\/missing\.yaml, which does not exist/,
    ],
    [
      'worker inheriting the API healthcheck',
      () =>
        broken((s) => {
          delete obj(s.worker).healthcheck;
        }),
      /worker: inherits the image's API HEALTHCHECK/,
    ],
    [
      'a build context without Dockerfile',
      () =>
        broken((s) => {
          obj(s.worker).build = './deploy';
        }),
      /worker: build context \.\/deploy has no Dockerfile/,
    ],
    [
      'a literal database password',
      () =>
        broken((s) => {
          obj(s.postgresql).environment = { POSTGRES_USER: 'temporal', POSTGRES_PASSWORD: 'hunter2hunter2' };
        }),
      /postgresql: POSTGRES_PASSWORD holds a literal value/,
    ],
    [
      'api and worker on different task queues',
      () =>
        broken((s) => {
          ownEnv(s.worker).TEMPORAL_TASK_QUEUE = 'other';
        }),
      /TEMPORAL_TASK_QUEUE differs/,
    ],
    [
      'an unpinned image',
      () =>
        broken((s) => {
          obj(s.mongodb).image = 'mongo:latest';
        }),
      /mongo:latest is not pinned/,
    ],
    [
      'a `version:` key',
      () =>
        broken((_s, top) => {
          top.version = '3.8';
        }),
      /`version:` is obsolete/,
    ],
  ];
  it.each(mutations)('rejects %s', (_label, make, expected) => {
    const problems = checkCompose(make());
    expect(problems.join('\n')).toMatch(expected);
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and runs the API unprivileged from another', () => {
    expect(checkDockerfile(dockerfileText)).toEqual([]);
    expect(dockerfileCmd(dockerfileText)).toEqual(['node', 'dist/api/main.js']);
  });

  it.each([
    [
      'CMD running the worker',
      (d: string) => d.replace(/^CMD .*$/m, 'CMD ["node", "dist/worker/main.js"]'),
      /CMD must be node dist\/api\/main\.js/,
    ],
    ['running as root', (d: string) => d.replace(/^USER .*$/m, 'USER root'), /non-root USER/],
    [
      'dev dependencies at runtime',
      (d: string) => d.replace(/npm ci --omit=dev/, 'npm ci'),
      /production dependencies only/,
    ],
    [
      'a curl healthcheck',
      (d: string) =>
        d.replace(/CMD \["node", "deploy\/healthcheck\.mjs"\]/, 'CMD curl -f http://127.0.0.1:8080/healthz'),
      /HEALTHCHECK must use node/,
    ],
  ])('rejects %s', (_label, mutate, expected) => {
    expect(checkDockerfile(mutate(dockerfileText)).join('\n')).toMatch(expected);
  });

  it('.dockerignore keeps dependencies, build output, git and secrets out of the context', () => {
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.tools', '.vigil', '.env'])
      expect(ignored, entry).toContain(entry);
    // ...but not what the Dockerfile copies from the context.
    for (const needed of ['deploy', 'deploy/healthcheck.mjs', 'package.json', 'package-lock.json'])
      expect(ignored, needed).not.toContain(needed);
  });
});

describe('deploy/healthcheck.mjs', () => {
  const script = path.join(repoRoot, 'deploy/healthcheck.mjs');
  const run = (port: number) =>
    new Promise<number>((resolve) => {
      execFile(
        process.execPath,
        [script],
        { env: { ...process.env, VIGIL_API_PORT: String(port), VIGIL_HEALTHCHECK_TIMEOUT_MS: '2000' } },
        (err) => {
          resolve(err ? (typeof err.code === 'number' ? err.code : 1) : 0);
        },
      );
    });
  async function withServer(status: number, fn: (port: number) => Promise<void>) {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await fn((server.address() as AddressInfo).port);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(seen).toEqual(['/healthz']);
  }

  it('exits 0 when GET /healthz answers 200', async () => {
    await withServer(200, async (port) => expect(await run(port)).toBe(0));
  });

  it('exits 1 when /healthz answers 503', async () => {
    await withServer(503, async (port) => expect(await run(port)).toBe(1));
  });

  it('exits 1 when nothing listens', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await run(port)).toBe(1);
  });
});
