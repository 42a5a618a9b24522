/**
 * A whole Vigil stack of its own, for the benchmark and the fault suite: the Temporal dev
 * server on a SQLite file and FerretDB, each on a fixed loopback port in a temporary folder
 * (so either can be killed and started again on the same file and port), one or more
 * workers and the API, started the way `npm start` starts them (scripts/stack.ts). Every
 * part can be SIGKILLed and restarted; output goes to one log file.
 */
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  freePort,
  portOpen,
  startFerret,
  startTemporal,
  startVigil,
  stopProcess,
  waitUntil,
  type Managed,
} from '../../scripts/stack';

export const stackTokens = {
  admin: 'admin-token-0123456789abcdef',
  responder: 'responder-token-0123456789abcdef',
  ingest: 'ingest-key-0123456789abcdef',
};

export interface OwnStackOptions {
  /** Folder name prefix under the OS temp dir. */
  name: string;
  workers?: number;
  /** Run dist/ (npm run build) instead of tsx. */
  compiled?: boolean;
  env?: Record<string, string>;
  /** Dev server SQLite pragmas; default scripts/stack.ts DEV_SERVER_SQLITE_PRAGMAS. */
  sqlitePragmas?: string[];
  /** Keep the temporary folder (logs, data) after stop(). */
  keep?: boolean;
}

export interface OwnStack {
  tmpDir: string;
  logFile: string;
  apiUrl: string;
  temporalAddress: string;
  mongoUri: string;
  taskQueue: string;
  env: NodeJS.ProcessEnv;
  /** Process of worker `i` (undefined while it is down). */
  worker(i?: number): Managed | undefined;
  /** The worker whose process group holds `pid` (a Temporal worker identity is "pid@host"). */
  workerIndexOf(pid: number): number | undefined;
  startWorker(i?: number): Promise<void>;
  killWorker(i?: number): Promise<void>;
  startApi(): Promise<void>;
  killApi(): Promise<void>;
  startTemporal(): Promise<void>;
  killTemporal(): Promise<void>;
  startFerret(): Promise<void>;
  killFerret(): Promise<void>;
  /** Resident memory of worker `i`'s process group (every process in it, summed), in bytes. */
  workerRss(i?: number): number;
  /** CPU time (user + system, ms) each running part has used since it started. */
  cpuByPart(): Record<string, number>;
  call(
    method: string,
    route: string,
    opts?: { token?: string | null; body?: unknown; timeoutMs?: number },
  ): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through npm (scripts/provision.sh provides it)`);
  return v;
};

export async function startOwnStack(o: OwnStackOptions): Promise<OwnStack> {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), `vigil-${o.name}-`));
  const logFile = path.join(tmpDir, 'stack.log');
  const [temporalPort, ferretPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const mongoUri = `mongodb://127.0.0.1:${ferretPort}/vigil`;
  const taskQueue = 'vigil-incidents';
  const ready = new Map<string, () => void>();
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const sink = (name: string, chunk: Buffer) => {
    const text = chunk.toString();
    logStream.write(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => `[${name}] ${l}\n`)
        .join(''),
    );
    if (text.includes('worker started')) ready.get(name)?.();
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info', // as `npm start` runs; readiness is the worker's "worker started" line
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URI: mongoUri,
    VIGIL_API_PORT: String(apiPort),
    VIGIL_ADMIN_TOKENS: `admin:${stackTokens.admin}`,
    VIGIL_RESPONDER_TOKENS: `alice:${stackTokens.responder}`,
    VIGIL_INGEST_KEYS: `monitoring:${stackTokens.ingest}`,
    VIGIL_CONFIG_DIR: path.join(tmpDir, 'no-config-folder'),
    VIGIL_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    ...o.env,
  };

  let temporal: Managed | undefined;
  let ferret: Managed | undefined;
  let api: Managed | undefined;
  const workers: Array<Managed | undefined> = [];

  const api_ = {
    async startTemporal() {
      temporal = await startTemporal({
        bin: need('TEMPORAL_CLI_PATH'),
        port: temporalPort,
        dbFile: path.join(tmpDir, 'temporal.db'),
        output: sink,
        ...(o.sqlitePragmas ? { sqlitePragmas: o.sqlitePragmas } : {}),
      });
    },
    async killTemporal() {
      if (temporal) await killGroup(temporal);
      temporal = undefined;
    },
    async startFerret() {
      ferret = await startFerret({
        bin: need('FERRETDB_PATH'),
        port: ferretPort,
        dataDir: path.join(tmpDir, 'ferretdb'),
        output: sink,
      });
    },
    async killFerret() {
      if (ferret) await killGroup(ferret);
      ferret = undefined;
    },
    async startWorker(i = 0) {
      const label = i === 0 ? 'worker' : `worker${i}`;
      const started = new Promise<void>((resolve) => ready.set(label, resolve));
      const w = startVigil('worker', env, sink, { compiled: o.compiled, label });
      workers[i] = w;
      const died = w.exited.then((code) => {
        throw new Error(`${label} exited with ${code}; see ${logFile}`);
      });
      await Promise.race([started, died, timeout(120_000, `${label} not ready; see ${logFile}`)]);
    },
    async killWorker(i = 0) {
      const w = workers[i];
      if (w) await killGroup(w);
      workers[i] = undefined;
    },
    async startApi() {
      api = startVigil('api', env, sink, { compiled: o.compiled });
      await waitUntil('API', () => portOpen(apiPort), { timeoutMs: 60_000, proc: api });
    },
    async killApi() {
      if (api) await killGroup(api);
      api = undefined;
    },
  };

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const stack: OwnStack = {
    tmpDir,
    logFile,
    apiUrl,
    temporalAddress,
    mongoUri,
    taskQueue,
    env,
    ...api_,
    worker: (i = 0) => workers[i],
    workerIndexOf(pid) {
      const i = workers.findIndex((w) => w?.proc.pid && groupStats(w.proc.pid).some((p) => Number(p.pid) === pid));
      return i < 0 ? undefined : i;
    },
    workerRss(i = 0) {
      const w = workers[i];
      if (!w?.proc.pid) throw new Error(`worker ${i} is not running`);
      return groupRss(w.proc.pid);
    },
    cpuByPart() {
      const parts: Array<[string, Managed | undefined]> = [
        ['temporal', temporal],
        ['ferretdb', ferret],
        ['api', api],
        ...workers.map((w, i): [string, Managed | undefined] => [i === 0 ? 'worker' : `worker${i}`, w]),
      ];
      return Object.fromEntries(parts.flatMap(([name, m]) => (m?.proc.pid ? [[name, groupCpuMs(m.proc.pid)]] : [])));
    },
    async call(method, route, opts = {}) {
      const token = opts.token === undefined ? stackTokens.admin : opts.token;
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${apiUrl}${route}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed };
    },
    async stop() {
      if (api) await stopProcess(api);
      for (const w of workers) if (w) await stopProcess(w);
      if (ferret) await stopProcess(ferret);
      if (temporal) await stopProcess(temporal);
      await new Promise((resolve) => logStream.end(resolve));
      if (!o.keep) rmSync(tmpDir, { recursive: true, force: true });
    },
  };

  try {
    await stack.startTemporal();
    await stack.startFerret();
    for (let i = 0; i < (o.workers ?? 1); i++) await stack.startWorker(i);
    await stack.startApi();
  } catch (err) {
    await stack.stop().catch(() => {});
    throw err;
  }
  return stack;
}

/**
 * SIGKILL to the whole process group: `tsx` runs the entry point in a child node process
 * and cannot relay a signal it cannot catch, so killing tsx alone would orphan the child.
 */
export async function killGroup(m: Managed): Promise<void> {
  if (m.proc.exitCode !== null || m.proc.signalCode !== null) return;
  try {
    if (m.proc.pid === undefined) throw new Error('no pid');
    process.kill(-m.proc.pid, 'SIGKILL');
  } catch {
    m.proc.kill('SIGKILL');
  }
  await m.exited;
}

/** The processes of a group: pid and the fields of /proc/<pid>/stat after the command name. */
function groupStats(pgid: number): Array<{ pid: string; fields: string[] }> {
  const out = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) out.push({ pid, fields }); // field 5 of stat: process group
    } catch {
      /* the process exited meanwhile */
    }
  }
  return out;
}

/**
 * The resident set of a process group, summed over its processes: the worker's node process,
 * and under tsx its launcher too (what `ps` shows for the group; shared pages counted per process).
 */
export function groupRss(pgid: number): number {
  let sum = 0;
  for (const { pid } of groupStats(pgid)) {
    try {
      const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
      sum += rssPages * 4096;
    } catch {
      /* exited meanwhile */
    }
  }
  return sum;
}

/** CPU time a process group has used (utime + stime, clock ticks of 10 ms), in ms. */
export function groupCpuMs(pgid: number): number {
  return groupStats(pgid).reduce((sum, { fields }) => sum + (Number(fields[11]) + Number(fields[12])) * 10, 0);
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}
