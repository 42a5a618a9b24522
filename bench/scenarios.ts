/**
 * The bench's measurements. Each returns raw samples; main.ts turns them into the table.
 * Vigil is driven only from outside (its HTTP API; pages arrive at the webhook sink), the
 * baselines with a bare Temporal client against the same server (bench/bare).
 */
import { performance } from 'node:perf_hooks';
import { BARE_TASK_QUEUE } from './bare/worker';
import { stackTokens } from '../test/helpers/own-stack';
import { PROBE_MINUTES, TICK_MINUTES, MINUTE_MS, type Bench } from './context';
import { drive, poll, sleep, type LoadResult } from './stats';
import type { Page } from './pages';

let serial = 0;
/** A dedup key no other alert of this run has. */
export const freshKey = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${serial++}`;

/** The wall-clock (epoch ms) equivalent of performance.now(), to compare with sink receipts. */
const epochNow = () => performance.timeOrigin + performance.now();

// ------------------------------------------------------------------------------- baselines

/** signalWithStart of a no-op workflow, `clients` at a time: what Temporal takes with nothing else to do. */
export async function rawSignalWithStart(b: Bench, n: number, clients: number): Promise<LoadResult> {
  const run = freshKey('sws');
  return drive(n, clients, async (i) => {
    await b.client.workflow.signalWithStart('noopWorkflow', {
      workflowId: `${run}-${i}`,
      taskQueue: BARE_TASK_QUEUE,
      args: [],
      signal: 'alertFired',
      signalArgs: [{ i }],
    });
  });
}

/** Start of a bare workflow to its one activity's POST arriving at the sink, one at a time. */
export async function bareFirstPage(b: Bench, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = freshKey('bare');
    const t0 = epochNow();
    await b.client.workflow.start('oneActivityWorkflow', {
      workflowId: key,
      taskQueue: BARE_TASK_QUEUE,
      args: [b.sink.url('bare'), key],
    });
    const at = await poll(() => b.pages.firstAt(key), 30_000, 5);
    if (at !== undefined) out.push(at - t0);
  }
  return out;
}

/** `n` bare one-activity workflows started as fast as `clients` can: start to POST, per workflow. */
export async function bareStorm(b: Bench, n: number, clients: number): Promise<number[]> {
  const starts = new Map<string, number>();
  await drive(n, clients, async () => {
    const key = freshKey('bare-storm');
    starts.set(key, epochNow());
    await b.client.workflow.start('oneActivityWorkflow', {
      workflowId: key,
      taskQueue: BARE_TASK_QUEUE,
      args: [b.sink.url('bare'), key],
    });
  });
  await poll(() => ([...starts.keys()].every((k) => b.pages.firstAt(k) !== undefined) ? true : undefined), 120_000);
  return [...starts].map(([k, t0]) => (b.pages.firstAt(k) ?? Infinity) - t0);
}

/** Bare timers of `delayMs`, started together: how late each POST arrives after its timer was due. */
export async function bareTimers(b: Bench, n: number, delayMs: number): Promise<number[]> {
  const keys = Array.from({ length: n }, () => freshKey('bare-timer'));
  await Promise.all(
    keys.map((key) =>
      b.client.workflow.start('timerWorkflow', {
        workflowId: key,
        taskQueue: BARE_TASK_QUEUE,
        args: [b.sink.url('bare-timer'), key, delayMs],
      }),
    ),
  );
  await poll(() => (keys.every((k) => b.pages.firstAt(k) !== undefined) ? true : undefined), delayMs + 60_000);
  const pages = new Map(b.pages.of('bare-timer').map((p) => [p.key, p]));
  return keys.flatMap((k) => {
    const p = pages.get(k);
    return p ? [p.receivedAt - p.occurredAt] : [];
  });
}

// ------------------------------------------------------------------------------- Vigil

/** An alert for a new incident, one at a time: POST to the first page arriving at the sink. */
export async function firstPageLatency(b: Bench, n: number, service = 'page'): Promise<number[]> {
  return (await tracedFirstPages(b, n, service)).map((t) => t.ms);
}

export interface TracedPage {
  id: string;
  /** When the POST was sent and when the first page arrived (epoch ms). */
  t0: number;
  at: number;
  ms: number;
}

/** Like firstPageLatency, keeping each incident's id and times (for whereTimeGoes). */
export async function tracedFirstPages(b: Bench, n: number, service = 'page'): Promise<TracedPage[]> {
  const out: TracedPage[] = [];
  for (let i = 0; i < n; i++) out.push(await timedAlert(b, service, freshKey('lat')));
  return out;
}

/** One new incident: ms from its POST to its first page (Infinity if none within 60 s). */
async function timedAlert(b: Bench, service: string, key: string): Promise<TracedPage> {
  const t0 = epochNow();
  const r = await b.alert(service, key);
  if (r.status !== 202 || !r.incidentId) throw new Error(`alert answered ${r.status}`);
  const id = r.incidentId;
  const at = await poll(() => b.pages.firstAt(id), 60_000, 5);
  return { id, t0, at: at ?? Infinity, ms: at === undefined ? Infinity : at - t0 };
}

type HistoryEvent = NonNullable<
  Awaited<ReturnType<ReturnType<Bench['client']['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];
const eventMs = (e: HistoryEvent | undefined): number | undefined =>
  e?.eventTime ? Number(e.eventTime.seconds ?? 0) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6) : undefined;

/**
 * Where an alert's time to its first page goes, from the incident's recorded history (p50
 * over the traced incidents, ms): the API until the run started, the server until a worker
 * took the first workflow task, that task in the worker (the run's start, the lookups in
 * front of the page), the server until a channel worker took the page, and the send.
 */
export async function whereTimeGoes(b: Bench, traced: TracedPage[]): Promise<string> {
  const parts: Record<string, number[]> = { api: [], dispatch: [], task: [], toSender: [], send: [] };
  for (const t of traced.filter((x) => Number.isFinite(x.at))) {
    const events = (await b.client.workflow.getHandle(t.id).fetchHistory()).events ?? [];
    const started = events.find((e) => e.workflowExecutionStartedEventAttributes);
    const wftStarted = events.find((e) => e.workflowTaskStartedEventAttributes);
    const wftDone = events.find((e) => e.workflowTaskCompletedEventAttributes);
    const send = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendNotification');
    const sendStarted = events.find(
      (e) =>
        e.activityTaskStartedEventAttributes &&
        String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(send?.eventId),
    );
    const ms = [t.t0, eventMs(started), eventMs(wftStarted), eventMs(wftDone), eventMs(sendStarted), t.at];
    if (ms.some((x) => x === undefined)) continue;
    const [a, b1, c, d, e, f] = ms as number[];
    parts.api!.push(b1! - a!);
    parts.dispatch!.push(c! - b1!);
    parts.task!.push(d! - c!);
    parts.toSender!.push(e! - d!);
    parts.send!.push(f! - e!);
  }
  const p50 = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length ? Math.round(s[Math.floor((s.length - 1) / 2)]!) : NaN;
  };
  return (
    `POST until the run started ${p50(parts.api!)} ms, until a worker took its first task ${p50(parts.dispatch!)} ms, ` +
    `that task (start, lookups, the page scheduled) ${p50(parts.task!)} ms, until a channel worker took the page ` +
    `${p50(parts.toSender!)} ms, the send until the sink had it ${p50(parts.send!)} ms (p50s over ${parts.api!.length})`
  );
}

export interface Ingest {
  load: LoadResult;
  /** Incident id -> when its POST was sent (epoch ms). */
  sent: Map<string, number>;
}

/** `n` alerts for new incidents, `clients` at a time. */
export async function ingest(b: Bench, n: number, clients: number, service = 'page'): Promise<Ingest> {
  const sent = new Map<string, number>();
  const load = await drive(n, clients, async () => {
    const t0 = epochNow();
    const r = await b.alert(service, freshKey('new'));
    if (r.status !== 202 || !r.incidentId) throw new Error(`alert answered ${r.status}`);
    sent.set(r.incidentId, t0);
  });
  return { load, sent };
}

/** Waits until every incident in `ids` has had its first page, or `timeoutMs`; the ones still waiting. */
export async function awaitFirstPages(b: Bench, ids: Iterable<string>, timeoutMs: number): Promise<string[]> {
  const waiting = new Set(ids);
  await poll(
    () => {
      for (const id of waiting) if (b.pages.firstAt(id) !== undefined) waiting.delete(id);
      return waiting.size === 0 ? true : undefined;
    },
    timeoutMs,
    200,
  );
  return [...waiting];
}

export interface DedupStorm {
  load: LoadResult;
  /** First-page latency of other new incidents opened during the storm. */
  during: number[];
}

/** `n` alerts with one dedup key, `clients` at a time; meanwhile a new incident every 500 ms. */
export async function dedupStorm(b: Bench, n: number, clients: number): Promise<DedupStorm> {
  const key = freshKey('storm');
  const first = await b.alert('dedup', key);
  if (first.status !== 202 || !first.incidentId) throw new Error(`alert answered ${first.status}`);
  await awaitFirstPages(b, [first.incidentId], 30_000);
  let running = true;
  const probes: Array<Promise<number>> = [];
  const prober = (async () => {
    while (running) {
      probes.push(timedAlert(b, 'page', freshKey('during')).then((t) => t.ms));
      await sleep(500);
    }
  })();
  const load = await drive(n, clients, async () => {
    const r = await b.alert('dedup', key);
    if (r.status !== 202) throw new Error(`alert answered ${r.status}`);
  });
  running = false;
  await prober;
  return { load, during: await Promise.all(probes) };
}

/** Opens `n` incidents on the "tick" policy (a page every TICK_MINUTES), 200 ms apart; their ids. */
export async function openTickers(b: Bench, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await b.alert('tick', freshKey('tick'));
    if (!r.incidentId) throw new Error(`alert answered ${r.status}`);
    ids.push(r.incidentId);
    await sleep(200);
  }
  await awaitFirstPages(b, ids, 60_000);
  return ids;
}

/**
 * How late each escalation step of `target`'s incidents arrived at the sink: the step is due
 * one level delay after the previous step's page was decided (its `occurred_at`, the
 * workflow's own clock, as the workflow counts it). Only steps due within [from, to].
 */
export function stepLateness(pages: Page[], levelMinutes: number, from: number, to: number): number[] {
  const byIncident = new Map<string, Page[]>();
  for (const p of pages) byIncident.set(p.incidentId, [...(byIncident.get(p.incidentId) ?? []), p]);
  const out: number[] = [];
  for (const steps of byIncident.values()) {
    steps.sort((x, y) => x.loop - y.loop || x.level - y.level);
    for (let i = 1; i < steps.length; i++) {
      const due = (steps[i - 1] as Page).occurredAt + levelMinutes * MINUTE_MS;
      if (due >= from && due <= to) out.push((steps[i] as Page).receivedAt - due);
    }
  }
  return out;
}

export const tickLateness = (b: Bench, from: number, to: number) =>
  stepLateness(b.pages.of('ticker'), TICK_MINUTES, from, to);

/** Acknowledges incidents so they stop paging; `clients` at a time. */
export async function acknowledgeAll(b: Bench, ids: string[], clients = 8): Promise<void> {
  await drive(ids.length, clients, async (i) => {
    await b.stack
      .call('POST', `/api/v1/incidents/${ids[i]}/acknowledge`, { token: stackTokens.responder, body: {} })
      .catch(() => {});
  });
}

/** `n` incidents on the "probe" policy, 100 ms apart; each step-2 page's lateness once all are in. */
export async function probeTimers(b: Bench, n: number): Promise<number[]> {
  const ids: string[] = [];
  const from = Date.now();
  for (let i = 0; i < n; i++) {
    const r = await b.alert('probe', freshKey('probe'));
    if (r.incidentId) ids.push(r.incidentId);
    await sleep(100);
  }
  const done = () => {
    const mine = b.pages.of('probe').filter((p) => ids.includes(p.incidentId));
    return mine.filter((p) => p.level === 2).length >= ids.length ? mine : undefined;
  };
  const pages = (await poll(done, PROBE_MINUTES * MINUTE_MS + 120_000, 200)) ?? b.pages.of('probe');
  return stepLateness(
    pages.filter((p) => ids.includes(p.incidentId)),
    PROBE_MINUTES,
    from,
    Infinity,
  );
}
