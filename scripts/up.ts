/**
 * `npm start`: the whole system on embedded defaults. Starts what is missing (Temporal dev
 * server with UI and a persistent file, FerretDB on SQLite), then the worker and the API;
 * Ctrl-C stops everything in order. Data stays in .vigil/ between runs. With
 * TEMPORAL_ADDRESS or MONGODB_URI set, that service is used and nothing is started for it.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prettyFactory } from 'pino-pretty';
import {
  portOpen,
  ROOT,
  startFerret,
  startTemporal,
  startVigil,
  stopProcess,
  waitUntil,
  type Managed,
  type Output,
} from './stack';

const env = process.env;
const dataDir = path.resolve(ROOT, env.VIGIL_DATA_DIR ?? '.vigil');
const say = (msg: string) => process.stderr.write(`[vigil] ${msg}\n`);

let shuttingDown = false;
const logDir = path.join(dataDir, 'logs');
/**
 * Server output (Temporal, FerretDB) goes to .vigil/logs/<name>.log, not the terminal: their
 * routine warnings would bury Vigil's own lines. A server that dies unexpectedly has the end
 * of its log shown (see serverExited).
 */
const toLogFile: Output = (name, chunk) => {
  if (!shuttingDown) appendFileSync(path.join(logDir, `${name}.log`), chunk);
};

/**
 * The API's and worker's JSON logs, made readable for the person at the terminal
 * (`VIGIL_LOG_FORMAT=json` keeps the JSON). A partial line waits for the rest of it.
 */
function prettyLogs(): Output {
  if (env.VIGIL_LOG_FORMAT === 'json') return 'inherit';
  const pretty = prettyFactory({
    colorize: process.stderr.isTTY,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,service,name',
    messageFormat: '{name}: {msg}',
    singleLine: true,
  });
  const pending = new Map<string, string>();
  return (name, chunk) => {
    const lines = ((pending.get(name) ?? '') + chunk.toString()).split('\n');
    pending.set(name, lines.pop() ?? '');
    for (const line of lines) {
      if (!line.trim()) continue;
      process.stderr.write(line.startsWith('{') ? pretty(line) : `[${name}] ${line}\n`);
    }
  };
}

/** The last lines a server wrote, for the message when it exits unexpectedly. */
function tailOfLog(name: string, lines = 20): string {
  const file = path.join(logDir, `${name}.log`);
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Tokens for a first run, kept in .vigil/credentials.env so the next run reuses them;
 * secrets added since (the respond-link key) are appended to an older file.
 */
function credentials(): Record<string, string> {
  const file = path.join(dataDir, 'credentials.env');
  const t = () => randomBytes(24).toString('base64url');
  if (!existsSync(file)) {
    writeFileSync(
      file,
      [
        `VIGIL_ADMIN_TOKENS=admin:${t()}`,
        `VIGIL_RESPONDER_TOKENS=responder:${t()}`,
        `VIGIL_INGEST_KEYS=default:${t()}`,
        `VIGIL_WEBHOOK_SIGNING_SECRET=${t()}`,
      ].join('\n') + '\n',
      { mode: 0o600 },
    );
    say(`generated credentials in ${path.relative(ROOT, file)} (keep them secret)`);
  }
  if (!/^VIGIL_LINK_SIGNING_SECRET=/m.test(readFileSync(file, 'utf8'))) {
    appendFileSync(file, `VIGIL_LINK_SIGNING_SECRET=${t()}${t()}\n`);
  }
  const pairs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('='));
  return Object.fromEntries(pairs.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

async function main(): Promise<void> {
  mkdirSync(logDir, { recursive: true });
  const started: Managed[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    shuttingDown = true;
    say('stopping');
    for (const m of [...started].reverse()) await stopProcess(m);
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const temporalAddress = await temporal(started);
    const mongoUri = await mongo(started);
    const childEnv: NodeJS.ProcessEnv = {
      ...credentials(),
      ...env,
      TEMPORAL_ADDRESS: temporalAddress,
      MONGODB_URI: mongoUri,
    };
    // Respond links in notifications point at this API unless VIGIL_PUBLIC_URL says where people reach it.
    childEnv.VIGIL_PUBLIC_URL ??= `http://127.0.0.1:${childEnv.VIGIL_API_PORT ?? 8080}`;
    const logs = prettyLogs();
    const worker = startVigil('worker', childEnv, logs);
    started.push(worker);
    const api = startVigil('api', childEnv, logs);
    started.push(api);
    const apiPort = Number(childEnv.VIGIL_API_PORT ?? 8080);
    await waitUntil('API', () => portOpen(apiPort), { timeoutMs: 60_000, proc: api });
    say(`Logs       Temporal and FerretDB write to ${path.relative(ROOT, logDir)}/`);
    say(
      `API        http://127.0.0.1:${apiPort}  (tokens in ${path.relative(ROOT, path.join(dataDir, 'credentials.env'))})`,
    );
    for (const m of started) {
      void m.exited.then((code) => {
        if (!stopping) {
          say(`${m.name} exited with code ${code}; stopping everything`);
          const tail = tailOfLog(m.name);
          if (tail) say(`last lines of ${path.relative(ROOT, path.join(logDir, `${m.name}.log`))}:\n${tail}`);
          void stopAll(1);
        }
      });
    }
  } catch (err) {
    say(`start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
  }
}

async function temporal(started: Managed[]): Promise<string> {
  if (env.TEMPORAL_ADDRESS) {
    say(`Temporal   using ${env.TEMPORAL_ADDRESS} (TEMPORAL_ADDRESS); starting none`);
    return env.TEMPORAL_ADDRESS;
  }
  const port = 7233;
  const uiPort = 8233;
  if (await portOpen(port)) {
    say(`Temporal   something already listens on ${port}; reusing it`);
  } else {
    started.push(
      await startTemporal({
        bin: required('TEMPORAL_CLI_PATH'),
        port,
        uiPort,
        dbFile: path.join(dataDir, 'temporal.db'),
        output: toLogFile,
      }),
    );
    say(
      `Temporal   127.0.0.1:${port}, UI http://127.0.0.1:${uiPort}, data ${path.relative(ROOT, dataDir)}/temporal.db`,
    );
  }
  return `127.0.0.1:${port}`;
}

async function mongo(started: Managed[]): Promise<string> {
  if (env.MONGODB_URI) {
    say('MongoDB    using MONGODB_URI; starting none');
    return env.MONGODB_URI;
  }
  const port = 27017;
  if (await portOpen(port)) {
    say(`MongoDB    something already listens on ${port}; reusing it`);
  } else {
    started.push(
      await startFerret({
        bin: required('FERRETDB_PATH'),
        port,
        dataDir: path.join(dataDir, 'ferretdb'),
        output: toLogFile,
      }),
    );
    say(`FerretDB   127.0.0.1:${port} (SQLite in ${path.relative(ROOT, dataDir)}/ferretdb)`);
  }
  return `mongodb://127.0.0.1:${port}/vigil`;
}

function required(name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set: run through \`npm start\` (scripts/up.sh provisions it)`);
  return v;
}

void main();
