import { describe, it, expect } from 'vitest';
import YAML from 'yaml';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SEARCH_ATTRIBUTES as CONTRACT_SEARCH_ATTRIBUTES } from '../../workflows/contract';

/**
 * docker-compose.yml, Dockerfile and deploy/ cannot be run here (no Docker engine), so this
 * parses them and checks the wiring the app's config (lib/config.ts) depends on. The checks
 * are plain functions returning a list of problems, so the negative tests can feed them
 * deliberately broken copies and expect the matching complaint.
 */

const repoRoot = path.resolve(__dirname, '../..');

/** Custom search attributes the incident workflows upsert; Temporal rejects unknown ones. */
const SEARCH_ATTRIBUTES: Record<string, string> = Object.fromEntries(
  CONTRACT_SEARCH_ATTRIBUTES.map((sa) => [sa.name, sa.type]),
);
/** Must come from the user's environment / .env, never from the compose file. */
const SECRET_VARS = [
  'VIGIL_INGEST_KEYS',
  'VIGIL_RESPONDER_TOKENS',
  'VIGIL_ADMIN_TOKENS',
  'VIGIL_WEBHOOK_SIGNING_SECRET',
];
const REQUIRED_SERVICES = ['postgresql', 'temporal', 'temporal-admin-tools', 'temporal-ui', 'mongodb', 'api', 'worker'];
const ADMIN_TOOLS = 'temporal-admin-tools';
/** Repo folders that compose may bind-mount before they exist (docker then creates them empty). */
const OPTIONAL_BIND_SOURCES = ['config'];
const TEMPORAL_FRONTEND_PORT = 7233;
const MONGODB_PORT = 27017;

// ---------------------------------------------------------------------------------------------
// Small readers for the compose spec's long and short syntaxes.
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `${VAR:-default}` / `${VAR-default}` -> default, `$$` -> `$`; other interpolations stay. */
function resolveDefaults(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1').replace(/\$\$/g, '$');
}

function isRequiredInterpolationOf(value: string | undefined, name: string): boolean {
  return value !== undefined && new RegExp(`^\\$\\{${name}:\\?[^}]*\\}$`).test(value);
}

function environment(service: Obj): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const entry of env) {
      const s = str(entry) ?? '';
      const eq = s.indexOf('=');
      if (eq > 0) out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else {
    for (const [k, v] of Object.entries(obj(env))) out[k] = str(v) ?? '';
  }
  return out;
}

function dependsOn(service: Obj): Record<string, string> {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), 'service_started']));
  return Object.fromEntries(
    Object.entries(obj(deps)).map(([name, spec]) => [name, str(obj(spec).condition) ?? 'service_started']),
  );
}

function tokens(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => str(v) ?? '');
  const s = str(value);
  return s ? s.trim().split(/\s+/) : [];
}

interface Port {
  hostIp?: string;
  published?: string;
  target: number;
}
function ports(service: Obj): Port[] {
  const list = Array.isArray(service.ports) ? service.ports : [];
  return list.map((p): Port => {
    if (typeof p === 'object' && p !== null) {
      const o = obj(p);
      return { hostIp: str(o.host_ip), published: str(o.published), target: Number(o.target) };
    }
    const spec = resolveDefaults(str(p) ?? '').replace(/\/(tcp|udp)$/, '');
    const ipv6 = /^\[([^\]]+)\]:(.*)$/.exec(spec);
    const parts = ipv6 ? [ipv6[1] ?? '', ...(ipv6[2] ?? '').split(':')] : spec.split(':');
    if (parts.length === 1) return { target: Number(parts[0]) };
    if (parts.length === 2) return { published: parts[0], target: Number(parts[1]) };
    return { hostIp: parts[0], published: parts[1], target: Number(parts[2]) };
  });
}

interface Mount {
  type: 'bind' | 'volume';
  source: string;
  target: string;
  readOnly: boolean;
}
function mounts(service: Obj): Mount[] {
  const list = Array.isArray(service.volumes) ? service.volumes : [];
  return list.map((v): Mount => {
    if (typeof v === 'object' && v !== null) {
      const o = obj(v);
      return {
        type: o.type === 'bind' ? 'bind' : 'volume',
        source: str(o.source) ?? '',
        target: str(o.target) ?? '',
        readOnly: o.read_only === true,
      };
    }
    const parts = (str(v) ?? '').split(':');
    if (parts.length === 1) return { type: 'volume', source: '', target: parts[0] ?? '', readOnly: false };
    const source = parts[0] ?? '';
    const modes = (parts[2] ?? '').split(',');
    return {
      type: /^[./~]/.test(source) ? 'bind' : 'volume',
      source,
      target: parts[1] ?? '',
      readOnly: modes.includes('ro'),
    };
  });
}

function buildOf(service: Obj): { context: string; dockerfile: string } | undefined {
  if (service.build === undefined) return undefined;
  const b = service.build;
  if (typeof b === 'string') return { context: b, dockerfile: 'Dockerfile' };
  const o = obj(b);
  return { context: str(o.context) ?? '.', dockerfile: str(o.dockerfile) ?? 'Dockerfile' };
}

function imageName(image: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.indexOf(':', slash + 1);
  return colon === -1 ? image : image.slice(0, colon);
}

/** host:port -> parts, or undefined when it is not of that shape. */
function hostPort(address: string | undefined): { host: string; port: number } | undefined {
  const m = /^([^\s:/]+):(\d{1,5})$/.exec(address ?? '');
  return m ? { host: m[1] ?? '', port: Number(m[2]) } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*#/.test(raw)) continue; // comments (and parser directives)
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());

  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const keyword = (m[1] ?? '').toUpperCase();
    const args = (m[2] ?? '').replace(/\s+/g, ' ');
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ image: from?.[1] ?? args, name: from?.[2], instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** Exec-form JSON array or shell form, as a list of words. */
function commandWords(args: string): string[] {
  if (args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed)) return parsed.map((w) => String(w));
    } catch {
      // fall through to the shell form
    }
  }
  return args.split(' ');
}

function finalStage(dockerfile: string): Stage | undefined {
  return parseDockerfile(dockerfile).at(-1);
}

function dockerfileCmd(dockerfile: string): string[] {
  const cmd = finalStage(dockerfile)
    ?.instructions.filter((i) => i.keyword === 'CMD')
    .at(-1);
  return cmd ? commandWords(cmd.args) : [];
}

function dockerfileHealthcheck(dockerfile: string): string | undefined {
  const hc = finalStage(dockerfile)
    ?.instructions.filter((i) => i.keyword === 'HEALTHCHECK')
    .at(-1);
  return hc && !/^NONE$/i.test(hc.args) ? hc.args : undefined;
}

function checkDockerfile(text: string): string[] {
  const problems: string[] = [];
  const stages = parseDockerfile(text);
  if (stages.length < 2) problems.push('Dockerfile: expected a multi-stage build (build + runtime stages)');
  for (const s of stages) {
    if (s.image !== 'node:20-bookworm-slim')
      problems.push(`Dockerfile: stage ${s.name ?? s.image} is FROM ${s.image}, expected node:20-bookworm-slim`);
  }
  const final = stages.at(-1);
  if (!final) return [...problems, 'Dockerfile: no FROM'];
  const build = stages.slice(0, -1);
  const runs = (st: Stage[]) => st.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));

  const buildRuns = runs(build);
  if (!buildRuns.some((r) => /\bnpm ci\b/.test(r) && !/--omit[= ]dev|--production/.test(r))) {
    problems.push('Dockerfile: the build stage must install all dependencies with npm ci');
  }
  if (!buildRuns.some((r) => /\bnpm run build\b/.test(r)))
    problems.push('Dockerfile: the build stage must run npm run build');

  const finalRuns = runs([final]);
  if (!finalRuns.some((r) => /\bnpm (ci|prune)\b.*(--omit[= ]dev|--production)/.test(r))) {
    problems.push('Dockerfile: the runtime stage must install production dependencies only (npm ci --omit=dev)');
  }
  if (finalRuns.some((r) => /\bnpm run build\b/.test(r)))
    problems.push('Dockerfile: the runtime stage must not compile (copy dist/ from the build stage)');
  const buildNames = build.map((s, i) => s.name ?? String(i));
  const copiesDist = final.instructions.some((i) => {
    const m = /^COPY\s+--from=(\S+)\s+(\S+)/i.exec(`${i.keyword} ${i.args}`);
    return m !== null && buildNames.includes(m[1] ?? '') && /(^|\/)dist\/?$/.test(m[2] ?? '');
  });
  if (!copiesDist) problems.push('Dockerfile: the runtime stage must COPY --from=<build stage> the compiled dist/');

  const envLines = final.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args);
  if (!envLines.some((e) => /(^|\s)NODE_ENV[= ]"?production"?(\s|$)/.test(e)))
    problems.push('Dockerfile: the runtime stage must set NODE_ENV=production');
  const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
  if (!user || /^(root|0)(:|$)/.test(user))
    problems.push('Dockerfile: the runtime stage must switch to a non-root USER');

  const hc = dockerfileHealthcheck(text);
  if (!hc) {
    problems.push('Dockerfile: the runtime stage needs a HEALTHCHECK for the API');
  } else {
    const words = commandWords(hc.replace(/^(--\S+\s+)*CMD\s+/i, ''));
    if (words[0] !== 'node')
      problems.push(`Dockerfile: HEALTHCHECK must use node (the slim image has no curl/wget), got: ${hc}`);
    const script = words.find((w) => /\.(m?js|cjs)$/.test(w));
    if (script && !final.instructions.some((i) => i.keyword === 'COPY' && i.args.includes(script))) {
      problems.push(`Dockerfile: HEALTHCHECK runs ${script}, which the runtime stage does not COPY`);
    }
  }
  const cmd = dockerfileCmd(text);
  if (cmd[0] !== 'node' || !cmd.includes('dist/api/main.js'))
    problems.push(`Dockerfile: CMD must be node dist/api/main.js, got: ${cmd.join(' ') || '(none)'}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------------------

interface ComposeContext {
  /** Folder docker-compose.yml lives in; relative paths resolve against it. */
  root: string;
  readFile(relativePath: string): string | undefined;
}

const repoContext: ComposeContext = {
  root: repoRoot,
  readFile(relativePath) {
    const p = path.resolve(repoRoot, relativePath);
    return existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined;
  },
};

function existsInRepo(ctx: ComposeContext, relativePath: string): boolean {
  return existsSync(path.resolve(ctx.root, relativePath));
}

function checkCompose(compose: unknown, ctx: ComposeContext = repoContext): string[] {
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
function requiredVariables(composeText: string): string[] {
  return [...new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?/g)].map((m) => m[1] ?? ''))];
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

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
