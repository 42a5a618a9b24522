/**
 * Starts and stops the processes Vigil runs on: the Temporal dev server, FerretDB, the
 * worker and the API. Used by `npm start` (scripts/up.ts) and the e2e tests' global setup,
 * so both run the system the same way. No process here talks to anything but loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../workflows/contract';

export const ROOT = path.resolve(__dirname, '..');

export interface Managed {
  name: string;
  proc: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

export type Output = 'inherit' | 'ignore' | ((name: string, chunk: Buffer) => void);

export function startProcess(
  name: string,
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; output: Output },
): Managed {
  const stdio = opts.output === 'inherit' || opts.output === 'ignore' ? opts.output : 'pipe';
  // Own process group: a terminal's Ctrl-C reaches only the supervisor, which stops
  // the children in order (API, worker, then the servers they use).
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', stdio, stdio],
    detached: true,
  });
  const sink = opts.output;
  if (typeof sink === 'function') {
    proc.stdout?.on('data', (c: Buffer) => sink(name, c));
    proc.stderr?.on('data', (c: Buffer) => sink(name, c));
  }
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code) => resolve(code));
    proc.on('error', () => resolve(-1));
  });
  return { name, proc, exited };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(m: Managed, graceMs = 10_000): Promise<void> {
  if (m.proc.exitCode !== null || m.proc.signalCode !== null) return;
  m.proc.kill('SIGTERM');
  const timer = setTimeout(() => m.proc.kill('SIGKILL'), graceMs);
  await m.exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.setTimeout(1_000);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Polls `ready` until it returns true; fails early if the process dies. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  opts: { timeoutMs: number; proc?: Managed },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.proc && opts.proc.proc.exitCode !== null) {
      throw new Error(`${what} exited with code ${opts.proc.proc.exitCode} before it was ready`);
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface TemporalOptions {
  bin: string;
  port: number;
  /** undefined = headless (no UI). */
  uiPort?: number;
  dbFile: string;
  output: Output;
  /** SQLite pragmas for the dev server's file; default DEV_SERVER_SQLITE_PRAGMAS. */
  sqlitePragmas?: readonly string[];
}

/**
 * The dev server's SQLite file in WAL mode: readers stop waiting on the writer, and a
 * commit appends to the log instead of rewriting pages (measured: a burst of incidents pages
 * about four times as fast, server CPU per incident halved; see docs/benchmarks.md).
 * synchronous stays FULL (NORMAL measured no faster), so a commit survives power loss too.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal'];

export async function startTemporal(o: TemporalOptions): Promise<Managed> {
  mkdirSync(path.dirname(o.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--db-filename',
    o.dbFile,
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    ...(o.uiPort ? ['--ui-port', String(o.uiPort)] : ['--headless']),
    ...(o.sqlitePragmas ?? DEV_SERVER_SQLITE_PRAGMAS).flatMap((p) => ['--sqlite-pragma', p]),
    ...SEARCH_ATTRIBUTES.flatMap((sa) => ['--search-attribute', `${sa.name}=${sa.type}`]),
  ];
  const env = { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1', TEMPORAL_CLI_DISABLE_VERSION_CHECK: '1' };
  const m = startProcess('temporal', o.bin, args, { env, output: o.output });
  await waitUntil('Temporal dev server', () => portOpen(o.port), { timeoutMs: 60_000, proc: m });
  return m;
}

export interface FerretOptions {
  bin: string;
  port: number;
  dataDir: string;
  output: Output;
}

export async function startFerret(o: FerretOptions): Promise<Managed> {
  const sqliteDir = path.join(o.dataDir, 'sqlite');
  mkdirSync(sqliteDir, { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${sqliteDir}/`,
    `--listen-addr=127.0.0.1:${o.port}`,
    `--state-dir=${o.dataDir}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=warn',
  ];
  const m = startProcess('ferretdb', o.bin, args, { output: o.output });
  await waitUntil('FerretDB', () => portOpen(o.port), { timeoutMs: 30_000, proc: m });
  return m;
}

/**
 * Runs a Vigil entry point (api/main.ts, worker/main.ts): with tsx, as `npm run api` does,
 * or, `compiled`, the JavaScript `npm run build` wrote to dist/ (no transpiler in the process).
 */
export function startVigil(
  name: 'api' | 'worker',
  env: NodeJS.ProcessEnv,
  output: Output,
  opts: { compiled?: boolean; label?: string } = {},
): Managed {
  const label = opts.label ?? name;
  if (opts.compiled)
    return startProcess(label, process.execPath, [path.join(ROOT, 'dist', name, 'main.js')], { env, output });
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  return startProcess(label, tsx, [path.join(ROOT, name, 'main.ts')], { env, output });
}
