import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { dockerfileCmd, dockerfileHealthcheck } from './dockerfile';
import { SEARCH_ATTRIBUTES as CONTRACT_SEARCH_ATTRIBUTES } from '../../../workflows/contract';
import {
  dependsOn,
  environment,
  hostPort,
  imageName,
  isRequiredInterpolationOf,
  mounts,
  obj,
  ports,
  resolveDefaults,
  str,
  tokens,
  buildOf,
} from './readers';

/**
 * docker-compose.yml, Dockerfile and deploy/ cannot be run here (no Docker engine), so this
 * parses them and checks the wiring the app's config (lib/config.ts) depends on. The checks
 * are plain functions returning a list of problems, so the negative tests can feed them
 * deliberately broken copies and expect the matching complaint.
 */

export const repoRoot = path.resolve(__dirname, '../../..');

/** Custom search attributes the incident workflows upsert; Temporal rejects unknown ones. */
export const SEARCH_ATTRIBUTES: Record<string, string> = Object.fromEntries(
  CONTRACT_SEARCH_ATTRIBUTES.map((sa) => [sa.name, sa.type]),
);
/** Must come from the user's environment / .env, never from the compose file. */
export const SECRET_VARS = [
  'VIGIL_INGEST_KEYS',
  'VIGIL_RESPONDER_TOKENS',
  'VIGIL_ADMIN_TOKENS',
  'VIGIL_WEBHOOK_SIGNING_SECRET',
];
export const REQUIRED_SERVICES = [
  'postgresql',
  'temporal',
  'temporal-admin-tools',
  'temporal-ui',
  'mongodb',
  'api',
  'worker',
];
export const ADMIN_TOOLS = 'temporal-admin-tools';
/** Repo folders that compose may bind-mount before they exist (docker then creates them empty). */
export const OPTIONAL_BIND_SOURCES = ['config'];
export const TEMPORAL_FRONTEND_PORT = 7233;
export const MONGODB_PORT = 27017;

export interface ComposeContext {
  /** Folder docker-compose.yml lives in; relative paths resolve against it. */
  root: string;
  readFile(relativePath: string): string | undefined;
}

export const repoContext: ComposeContext = {
  root: repoRoot,
  readFile(relativePath) {
    const p = path.resolve(repoRoot, relativePath);
    return existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined;
  },
};

export function existsInRepo(ctx: ComposeContext, relativePath: string): boolean {
  return existsSync(path.resolve(ctx.root, relativePath));
}

export function checkCompose(compose: unknown, ctx: ComposeContext = repoContext): string[] {
  const problems: string[] = [];
  const problem = (msg: string) => problems.push(msg);
  const top = obj(compose);
  const services = obj(top.services);
  const service = (name: string) => obj(services[name]);
  const names = Object.keys(services);

  if ('version' in top) problem('top-level `version:` is obsolete in the Compose spec; remove it');
  for (const name of REQUIRED_SERVICES) if (!(name in services)) problem(`service ${name} is missing`);

  // Which service answers to a host name on the compose network.
  const serviceByHost = (host: string): string | undefined =>
    names.find((n) => n === host || str(service(n).hostname) === host || str(service(n).container_name) === host);
  const imageOf = (name: string) => str(service(name).image) ?? '';
  const dockerfileOf = (name: string): string | undefined => {
    const b = buildOf(service(name));
    return b ? ctx.readFile(path.join(b.context, b.dockerfile)) : undefined;
  };
  const hasHealthcheck = (name: string): boolean => {
    const hc = obj(service(name).healthcheck);
    if (hc.disable === true) return false;
    if (Array.isArray(hc.test) && hc.test[0] === 'NONE') return false;
    if (hc.test !== undefined) return true;
    const df = dockerfileOf(name);
    return df !== undefined && dockerfileHealthcheck(df) !== undefined;
  };

  // --- every service: pinned images, Dockerfiles for builds, mounts that exist -----------------
  const declaredVolumes = Object.keys(obj(top.volumes));
  for (const name of names) {
    const svc = service(name);
    const image = str(svc.image);
    const b = buildOf(svc);
    if (image && !b) {
      const tag = image.slice(imageName(image).length + 1);
      if (!tag || tag === 'latest') problem(`service ${name}: image ${image} is not pinned to a version tag`);
    }
    if (!image && !b) problem(`service ${name}: has neither image nor build`);
    for (const [key, value] of Object.entries(environment(svc))) {
      if (/(SECRET|TOKEN|PASSWORD|PWD|_KEYS?$)/.test(key) && value && !value.includes('${')) {
        problem(`service ${name}: ${key} holds a literal value; secrets must come from \${...} interpolation`);
      }
    }
    if (b && !existsInRepo(ctx, path.join(b.context, b.dockerfile))) {
      problem(`service ${name}: build context ${b.context} has no ${b.dockerfile}`);
    }
    for (const m of mounts(svc)) {
      if (m.type === 'bind') {
        const rel = path.relative(ctx.root, path.resolve(ctx.root, m.source));
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue; // host paths outside the repo
        if (!existsInRepo(ctx, rel) && !OPTIONAL_BIND_SOURCES.includes(rel)) {
          problem(`service ${name}: mounts ${m.source}, which does not exist in the repository`);
        }
      } else if (m.source && !declaredVolumes.includes(m.source)) {
        problem(`service ${name}: named volume ${m.source} is not declared under top-level volumes`);
      }
    }
    for (const [dep, condition] of Object.entries(dependsOn(svc))) {
      if (!(dep in services)) {
        problem(`service ${name}: depends_on ${dep}, which is not a service`);
        continue;
      }
      if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) {
        problem(`service ${name}: depends_on ${dep} has unknown condition ${condition}`);
      }
      if (condition === 'service_healthy' && !hasHealthcheck(dep)) {
        problem(`service ${name}: waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      }
      if (
        condition === 'service_completed_successfully' &&
        ['always', 'unless-stopped'].includes(str(service(dep).restart) ?? '')
      ) {
        problem(`service ${name}: waits for ${dep} to complete, but ${dep} restarts forever`);
      }
    }
  }

  // --- postgresql + temporal --------------------------------------------------------------------
  const pg = service('postgresql');
  if (!imageName(str(pg.image) ?? '').endsWith('postgres')) problem('service postgresql: expected a postgres image');
  if (!mounts(pg).some((m) => m.type === 'volume' && m.source && m.target === '/var/lib/postgresql/data')) {
    problem('service postgresql: /var/lib/postgresql/data must be on a named volume');
  }
  if (!hasHealthcheck('postgresql')) problem('service postgresql: needs a healthcheck');

  const temporal = service('temporal');
  const tenv = environment(temporal);
  if (!/^temporalio\/auto-setup:1\.2\d(\.\d+)?$/.test(imageOf('temporal'))) {
    problem(
      `service temporal: expected temporalio/auto-setup pinned to a 1.2x tag, got ${imageOf('temporal') || '(none)'}`,
    );
  }
  if (tenv.DB !== 'postgres12') problem(`service temporal: DB must be postgres12, got ${tenv.DB ?? '(unset)'}`);
  const seeds = tenv.POSTGRES_SEEDS ?? '';
  if (serviceByHost(seeds) !== 'postgresql')
    problem(`service temporal: POSTGRES_SEEDS (${seeds || 'unset'}) must name the postgresql service`);
  if (resolveDefaults(tenv.DB_PORT ?? '') !== '5432')
    problem('service temporal: DB_PORT must be 5432 (postgres in its container)');
  const pgEnv = environment(pg);
  if (tenv.POSTGRES_USER !== pgEnv.POSTGRES_USER)
    problem('service temporal: POSTGRES_USER differs from the postgresql service');
  if (tenv.POSTGRES_PWD !== pgEnv.POSTGRES_PASSWORD)
    problem('service temporal: POSTGRES_PWD differs from the postgresql POSTGRES_PASSWORD');
  if (dependsOn(temporal).postgresql !== 'service_healthy')
    problem('service temporal: must depend on postgresql (condition: service_healthy)');
  if (!hasHealthcheck('temporal')) problem('service temporal: needs a healthcheck');

  const dynPath = tenv.DYNAMIC_CONFIG_FILE_PATH;
  if (!dynPath) {
    problem('service temporal: DYNAMIC_CONFIG_FILE_PATH is not set');
  } else {
    const target = path.posix.resolve('/etc/temporal', dynPath);
    const mount = mounts(temporal).find(
      (m) => m.type === 'bind' && (target === m.target || target.startsWith(`${m.target}/`)),
    );
    const source = mount && path.join(mount.source, path.posix.relative(mount.target, target));
    const text = source === undefined ? undefined : ctx.readFile(source);
    if (text === undefined) {
      problem(`service temporal: dynamic config ${dynPath} is not mounted from a file in the repository`);
    } else {
      const dyn = obj(YAML.parse(text));
      const versionCheck = obj((dyn['frontend.enableServerVersionCheck'] as unknown[] | undefined)?.[0]).value;
      if (versionCheck !== false) problem('temporal dynamic config: frontend.enableServerVersionCheck must be false');
    }
  }

  const frontendPort = Number(resolveDefaults(tenv.FRONTEND_GRPC_PORT ?? String(TEMPORAL_FRONTEND_PORT)));
  const isTemporalAddress = (address: string | undefined): boolean => {
    const hp = hostPort(address);
    if (!hp) return false;
    const target = serviceByHost(hp.host);
    return (
      target !== undefined &&
      /^temporalio\/(auto-setup|server)$/.test(imageName(imageOf(target))) &&
      hp.port === frontendPort
    );
  };

  // --- search attributes ------------------------------------------------------------------------
  const admin = service(ADMIN_TOOLS);
  const aenv = environment(admin);
  if (imageName(imageOf(ADMIN_TOOLS)) !== 'temporalio/admin-tools')
    problem(`service ${ADMIN_TOOLS}: expected the temporalio/admin-tools image`);
  if (dependsOn(admin).temporal !== 'service_healthy')
    problem(`service ${ADMIN_TOOLS}: must depend on temporal (condition: service_healthy)`);
  const words = [...tokens(admin.entrypoint), ...tokens(admin.command)];
  const joined = words.join(' ');
  const addressFlag = /--address[ =](\S+)/.exec(joined)?.[1];
  if (!isTemporalAddress(addressFlag ?? aenv.TEMPORAL_ADDRESS)) {
    problem(
      `service ${ADMIN_TOOLS}: TEMPORAL_ADDRESS (${addressFlag ?? aenv.TEMPORAL_ADDRESS ?? 'unset'}) must be the temporal service's frontend`,
    );
  }
  const adminNamespace = /(?:--namespace|-n)[ =](\S+)/.exec(joined)?.[1] ?? aenv.TEMPORAL_NAMESPACE ?? 'default';
  // Registered either inline (--name X --type Y) or by a mounted script given Name=Type pairs.
  const registered = new Map<string, string>();
  for (const m of joined.matchAll(/--name[ =](\w+)\s+--type[ =](\w+)/g))
    registered.set(m[1] ?? '', (m[2] ?? '').toLowerCase());
  for (const w of words) {
    const m = /^(\w+)=(\w+)$/.exec(w);
    if (m) registered.set(m[1] ?? '', (m[2] ?? '').toLowerCase());
  }
  let registersInline = /search-attribute create/.test(joined);
  for (const m of mounts(admin)) {
    if (m.type !== 'bind' || !words.some((w) => w === m.target)) continue;
    const script = ctx.readFile(m.source);
    if (script?.includes('search-attribute create')) registersInline = true;
  }
  if (!registersInline)
    problem(
      `service ${ADMIN_TOOLS}: does not run temporal operator search-attribute create (inline or in a mounted script)`,
    );
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) {
    const got = registered.get(name);
    if (got === undefined) problem(`service ${ADMIN_TOOLS}: search attribute ${name} is not registered`);
    else if (got !== type.toLowerCase())
      problem(`service ${ADMIN_TOOLS}: search attribute ${name} is registered as ${got}, expected ${type}`);
  }

  // --- api + worker -----------------------------------------------------------------------------
  for (const name of ['api', 'worker']) {
    const svc = service(name);
    const env = environment(svc);
    if (!buildOf(svc)) problem(`service ${name}: must be built from this repository (build: .)`);
    if (!isTemporalAddress(env.TEMPORAL_ADDRESS)) {
      problem(
        `service ${name}: TEMPORAL_ADDRESS (${env.TEMPORAL_ADDRESS ?? 'unset'}) must be <temporal service>:${frontendPort}`,
      );
    }
    const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
    if (namespace !== adminNamespace)
      problem(
        `service ${name}: TEMPORAL_NAMESPACE ${namespace} differs from the namespace search attributes are registered in (${adminNamespace})`,
      );

    let mongoOk = false;
    try {
      const uri = new URL(resolveDefaults(env.MONGODB_URI ?? ''));
      const target = serviceByHost(uri.hostname);
      mongoOk =
        uri.protocol === 'mongodb:' &&
        target !== undefined &&
        imageName(imageOf(target)) === 'mongo' &&
        Number(uri.port || MONGODB_PORT) === MONGODB_PORT &&
        uri.pathname.length > 1;
      if (mongoOk && dependsOn(svc)[target ?? ''] !== 'service_healthy')
        problem(`service ${name}: must depend on ${target} (condition: service_healthy)`);
    } catch {
      mongoOk = false;
    }
    if (!mongoOk)
      problem(
        `service ${name}: MONGODB_URI (${env.MONGODB_URI ?? 'unset'}) must be mongodb://<mongodb service>:${MONGODB_PORT}/<db>`,
      );

    for (const secret of SECRET_VARS) {
      if (!isRequiredInterpolationOf(env[secret], secret)) {
        problem(
          `service ${name}: ${secret} must be \${${secret}:?message} (from .env / the environment), not a literal`,
        );
      }
    }
    const deps = dependsOn(svc);
    if (deps[ADMIN_TOOLS] !== 'service_completed_successfully') {
      problem(
        `service ${name}: must wait for ${ADMIN_TOOLS} (condition: service_completed_successfully) so the search attributes exist`,
      );
    }
    if (str(svc.restart) !== 'unless-stopped') problem(`service ${name}: restart must be unless-stopped`);

    const df = dockerfileOf(name);
    const cmd = svc.command !== undefined ? tokens(svc.command) : df ? dockerfileCmd(df) : [];
    const entry = name === 'api' ? 'dist/api/main.js' : 'dist/worker/main.js';
    if (!cmd.includes(entry)) problem(`service ${name}: command must run ${entry}, got: ${cmd.join(' ') || '(none)'}`);
  }

  const queues = new Set(
    ['api', 'worker'].map((n) => environment(service(n)).TEMPORAL_TASK_QUEUE ?? 'vigil-incidents'),
  );
  if (queues.size !== 1)
    problem(
      `services api and worker: TEMPORAL_TASK_QUEUE differs (${[...queues].join(' vs ')}); the worker would never see the API's incidents`,
    );

  const api = service('api');
  const apiEnv = environment(api);
  if (resolveDefaults(apiEnv.VIGIL_API_HOST ?? '') !== '0.0.0.0')
    problem('service api: VIGIL_API_HOST must be 0.0.0.0 in a container');
  const apiPort = Number(resolveDefaults(apiEnv.VIGIL_API_PORT ?? '8080'));
  if (!ports(api).some((p) => p.target === apiPort && p.published))
    problem(`service api: must publish its VIGIL_API_PORT (${apiPort})`);
  const configDir = path.posix.resolve('/app', resolveDefaults(apiEnv.VIGIL_CONFIG_DIR ?? 'config'));
  if (!mounts(api).some((m) => m.type === 'bind' && m.target === configDir && m.readOnly)) {
    problem(`service api: must mount the on-call config read-only at VIGIL_CONFIG_DIR (${configDir})`);
  }

  // The image's HEALTHCHECK probes the API port; the worker does not listen there.
  const worker = service('worker');
  const workerDf = dockerfileOf('worker');
  if (workerDf && dockerfileHealthcheck(workerDf) && worker.healthcheck === undefined) {
    problem(
      "service worker: inherits the image's API HEALTHCHECK and would be marked unhealthy; disable or override it",
    );
  }

  // --- mongodb + ui -------------------------------------------------------------------------------
  const mongo = service('mongodb');
  if (!mounts(mongo).some((m) => m.type === 'volume' && m.source && m.target === '/data/db'))
    problem('service mongodb: /data/db must be on a named volume');
  if (!hasHealthcheck('mongodb')) problem('service mongodb: needs a healthcheck');
  const ui = service('temporal-ui');
  if (!isTemporalAddress(environment(ui).TEMPORAL_ADDRESS))
    problem("service temporal-ui: TEMPORAL_ADDRESS must be the temporal service's frontend");
  if (!ports(ui).some((p) => p.target === 8080 && p.published === '8233'))
    problem('service temporal-ui: must publish 8233 -> 8080');

  return problems;
}

/** Variables compose requires via ${VAR:?...}. */
export function requiredVariables(composeText: string): string[] {
  return [...new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?/g)].map((m) => m[1] ?? ''))];
}
