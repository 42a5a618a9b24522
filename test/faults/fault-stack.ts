/**
 * What every fault case runs on: its own killable Vigil stack (test/helpers/own-stack.ts,
 * the Temporal dev server on its SQLite file, FerretDB, the worker(s) and the API, started
 * the way `npm start` starts them), a signed webhook sink on loopback that every page goes
 * to, and the paging configuration below. One policy minute is one second (VIGIL_MINUTE_MS).
 *
 * The assertions are about sets, never durations: every accepted alert has its incident,
 * and the page keys the sink processed are exactly the ones the policy demands, computed
 * from each incident's run (no page lost, none invented or sent under a second key).
 * Waits poll to generous deadlines: the machine may be shared and slow.
 */
import mongoose from 'mongoose';
import { incidentWorkflowId } from '../../api/incident-id';
import { incidentRecordId } from '../../lib/models/incident-record';
import { notificationIdempotencyKey } from '../../domain/incident/notification';
import { startOwnStack, stackTokens, type OwnStack } from '../helpers/own-stack';
import { startWebhookSink, type Delivery, type WebhookSink } from '../e2e/webhook-sink';

const SECRET = 'fault-webhook-signing-secret-0123456789';
export const MINUTE_MS = 1000;
/** A delay no case reaches. */
const NEVER_MINUTES = 100_000;

/** A policy: who each level pages (one user each, by webhook) and the minutes before the next level. */
export interface FaultPolicy {
  levels: Array<{ user: string; minutes: number }>;
}

export interface FaultStack {
  stack: OwnStack;
  sink: WebhookSink;
  /** Service id -> its policy's levels. */
  policies: Record<string, FaultPolicy>;
  stop(): Promise<void>;
}

export async function startFaultStack(opts: {
  name: string;
  workers?: number;
  /** Service id (= policy id) -> policy. */
  policies: Record<string, FaultPolicy>;
}): Promise<FaultStack> {
  const sink = await startWebhookSink({ secret: SECRET });
  const stack = await startOwnStack({
    name: `faults-${opts.name}`,
    workers: opts.workers ?? 1,
    env: { VIGIL_MINUTE_MS: String(MINUTE_MS), VIGIL_WEBHOOK_SIGNING_SECRET: SECRET },
  }).catch(async (err: unknown) => {
    await sink.close();
    throw err;
  });
  const f: FaultStack = {
    stack,
    sink,
    policies: opts.policies,
    async stop() {
      await stack.stop();
      await sink.close();
    },
  };
  await seed(f).catch(async (err: unknown) => {
    await f.stop();
    throw err;
  });
  return f;
}

/** Users (one webhook each), a policy and a service per entry; SLA timers beyond any case. */
async function seed(f: FaultStack): Promise<void> {
  const admin = async (route: string, body: unknown) => {
    const r = await f.stack.call('POST', `/api/v1/${route}`, { body });
    if (r.status !== 201) throw new Error(`seed POST ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  const users = new Set(Object.values(f.policies).flatMap((p) => p.levels.map((l) => l.user)));
  for (const id of users) {
    await admin('users', {
      id,
      name: id,
      email: `${id}@example.com`,
      timezone: 'UTC',
      contactMethods: [{ id: 'hook', type: 'webhook', address: f.sink.url(id) }],
      notificationRules: [{ contactMethodId: 'hook', delayMinutes: 0 }],
    });
  }
  await admin('teams', { id: 'faults', name: 'Faults', members: [...users].map((userId) => ({ userId })) });
  const severityOverrides = {
    SEV2: {
      ackWithinMinutes: NEVER_MINUTES,
      resolveWithinMinutes: 2 * NEVER_MINUTES,
      updateEveryMinutes: NEVER_MINUTES,
    },
  };
  for (const [id, p] of Object.entries(f.policies)) {
    const levels = p.levels.map((l, i) => ({
      delayMinutes: i === p.levels.length - 1 ? NEVER_MINUTES : l.minutes,
      targets: [{ type: 'user', id: l.user }],
    }));
    await admin('escalation-policies', { id, name: id, loops: 0, levels });
    await admin('services', { id, name: id, tier: 1, teamId: 'faults', escalationPolicyId: id, severityOverrides });
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it answers something other than undefined; throws at the deadline. */
export async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${Math.round(ms / 1000)} s`);
    await sleep(500);
  }
}

/** One POST /api/v1/alerts: its status, or 0 when no answer came (connection refused, reset, timeout). */
export async function postAlert(f: FaultStack, service: string, dedupKey: string): Promise<number> {
  try {
    const r = await f.stack.call('POST', '/api/v1/alerts', {
      token: stackTokens.ingest,
      body: { source: 'faults', service, severity: 'SEV2', summary: `fault case ${dedupKey}`, dedupKey },
      timeoutMs: 20_000,
    });
    if (r.status === 202 && r.body?.incidentId !== incidentWorkflowId(service, dedupKey))
      throw new Error(`alert ${dedupKey} answered 202 for ${JSON.stringify(r.body)}`);
    return r.status;
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('alert ')) throw err;
    return 0;
  }
}

/** What a sender saw for each dedup key: every answer, in order (0 = no answer). */
export type Answers = Map<string, number[]>;

/**
 * `total` alerts with new dedup keys from `clients` concurrent senders, `pauseMs` apart each.
 * A sender sends a key again a second later until it is answered 202, as a monitoring
 * system retries; every answer is recorded per key. `done` resolves once all are accepted.
 */
export function alertStream(
  f: FaultStack,
  service: string,
  o: { prefix: string; total: number; clients: number; pauseMs: number },
) {
  const answers: Answers = new Map();
  let n = 0;
  const sender = async () => {
    while (n < o.total) {
      const key = `${o.prefix}-${n++}`;
      for (;;) {
        const status = await postAlert(f, service, key);
        answers.set(key, [...(answers.get(key) ?? []), status]);
        if (status === 202) break;
        await sleep(1000);
      }
      await sleep(o.pauseMs);
    }
  };
  const done = Promise.all(Array.from({ length: o.clients }, sender)).then(() => [...answers.keys()]);
  return {
    answers,
    /** Keys answered 202 so far. */
    accepted: () => [...answers].filter(([, s]) => s.includes(202)).map(([k]) => k),
    /** Every answer other than 202, as a set. */
    refusals: () => new Set([...answers.values()].flat().filter((s) => s !== 202)),
    done,
  };
}

interface Run {
  incidentId: string;
  runKey: string;
  seq: number;
}

/** Each incident's run, from its workflow (GET /api/v1/incidents/{id} queries it): proof it exists. */
export async function runsOf(f: FaultStack, service: string, keys: string[], ms = 120_000): Promise<Run[]> {
  const out: Run[] = [];
  for (const key of keys) {
    const id = incidentWorkflowId(service, key);
    out.push(
      await until(
        `incident ${id}`,
        async () => {
          // A query waits for a workflow task: a busy or recovering worker may not answer in time. Ask again.
          const r = await f.stack
            .call('GET', `/api/v1/incidents/${id}`, { token: stackTokens.responder, timeoutMs: 15_000 })
            .catch(() => undefined);
          return r?.status === 200
            ? { incidentId: id, runKey: String(r.body.runKey), seq: Number(r.body.seq) }
            : undefined;
        },
        ms,
      ),
    );
  }
  return out;
}

/** The page keys the policy demands of these runs: every level once, loop 0, first epoch. */
export function demandedKeys(f: FaultStack, service: string, runs: Run[], levels?: number): Set<string> {
  const policy = f.policies[service];
  if (!policy) throw new Error(`no policy for ${service}`);
  const keys = new Set<string>();
  for (const run of runs) {
    policy.levels.slice(0, levels).forEach((l, level) =>
      keys.add(
        notificationIdempotencyKey({
          workflowId: run.incidentId,
          runKey: run.runKey,
          userId: l.user,
          channel: 'hook',
          level,
          loop: 0,
          cycle: 0,
        }),
      ),
    );
  }
  return keys;
}

const isPage = (d: Delivery) => d.body?.event === 'page';

/** Page keys the sink processed (answered 2xx, or held) for incidents of `service`. */
export function pageKeys(f: FaultStack, service: string): Set<string> {
  const prefix = `incident-${service}-`;
  return f.sink.processedKeys((d) => isPage(d) && d.key.startsWith(prefix));
}

/**
 * Waits until the sink has processed every demanded key, then a settling pause so a late
 * extra page would show; answers the processed set (to compare with the demanded one).
 */
export async function awaitPages(f: FaultStack, service: string, demanded: Set<string>, ms: number, settleMs = 3000) {
  await until(
    `${demanded.size} pages for ${service}`,
    () => ([...demanded].every((k) => pageKeys(f, service).has(k)) ? true : undefined),
    ms,
  ).catch((err: Error) => {
    const missing = [...demanded].filter((k) => !pageKeys(f, service).has(k));
    throw new Error(`${err.message}; ${missing.length} missing, e.g. ${missing.slice(0, 3).join(', ')}`);
  });
  await sleep(settleMs);
  return pageKeys(f, service);
}

/** Every delivery the sink got was signed right (a fault must not corrupt a page). */
export const badSignatures = (f: FaultStack) => f.sink.deliveries.filter((d) => !d.signatureValid).length;

/** Waits until the read model (MongoDB `incidents`) holds each run at its workflow's seq or later. */
export async function awaitReadModel(f: FaultStack, runs: Run[], ms: number): Promise<void> {
  const conn = await mongoose.createConnection(f.stack.mongoUri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    const records = conn.collection<{ _id: string; seq: number }>('incidents');
    await until(
      `read model of ${runs.length} incidents`,
      async () => {
        const ids = runs.map(incidentRecordId);
        const found = await records.find({ _id: { $in: ids } }, { projection: { seq: 1 } }).toArray();
        const seqs = new Map(found.map((d) => [d._id, d.seq]));
        return runs.every((r) => (seqs.get(incidentRecordId(r)) ?? -1) >= r.seq) ? true : undefined;
      },
      ms,
    );
  } finally {
    await conn.close();
  }
}

/** One line per case (docs/benchmarks.md quotes them): what the fault caused, as counted. */
export function report(f: FaultStack, name: string, answers: Answers, facts: Record<string, number> = {}): void {
  const all = [...answers.values()].flat();
  const pages = f.sink.deliveries.filter(isPage);
  const counts = {
    alerts: answers.size,
    'unanswered posts': all.filter((s) => s === 0).length,
    '503s': all.filter((s) => s === 503).length,
    ...facts,
    'page deliveries': pages.length,
    'distinct page keys': new Set(pages.map((d) => d.key)).size,
    'refused by the receiver': pages.filter((d) => (d.status ?? 0) >= 300).length,
  };
  console.info(
    `[faults] ${name}: ${Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
}
