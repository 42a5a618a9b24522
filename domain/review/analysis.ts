/**
 * Facts a review reads off an incident timeline: time in each phase, SLA breaches, the
 * escalation path and the responders. Event types are open-ended strings; types not named
 * here pass through untouched. The rules are documented in build-review.ts. Zod-free, as the
 * review workflow runs it (test/workflows/bundle.test.ts): event data is checked by hand.
 */
import { parseInstant, toEpochMs, toIso } from '../common/instant';
import type { EscalationRecord, Responder, ReviewEvent, SlaBreach, TimeInState } from './review';

export interface Timed {
  ms: number;
  event: ReviewEvent;
}

export interface TimelineInput {
  at: string;
  type: string;
  message: string;
  by?: string;
  data?: Record<string, unknown>;
}

export interface SlaTargetMinutes {
  ackWithinMinutes: number;
  resolveWithinMinutes: number;
}

/** Types that answer a page: each ends the wait that MTTA and the response SLA measure. */
export const RESPONSE_TYPES: ReadonlySet<string> = new Set(['acknowledged', 'snoozed']);

type Phase = keyof TimeInState;
// A Map, not an object literal: event types are open-ended strings ("constructor" included).
const PHASE_AFTER = new Map<string, Phase | 'resolved'>([
  ['triggered', 'triggered'],
  ['retriggered', 'triggered'],
  ['acknowledged', 'acknowledged'],
  ['snoozed', 'snoozed'],
  ['resolved', 'resolved'],
]);

/** Stable sort by instant, with instants normalised to UTC ISO. */
export function sortTimeline(events: readonly TimelineInput[]): Timed[] {
  return events
    .map((e) => {
      const ms = toEpochMs(e.at);
      const event: ReviewEvent = { at: toIso(ms), type: e.type, message: e.message };
      if (e.by !== undefined) event.by = e.by;
      if (e.data !== undefined) event.data = { ...e.data };
      return { ms, event };
    })
    .sort((a, b) => a.ms - b.ms);
}

export function optionalMs(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : toEpochMs(iso);
}

export function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}

export function timeInState(timeline: readonly Timed[], start: number, end: number): TimeInState {
  const spent: Record<Phase, number> = { triggered: 0, acknowledged: 0, snoozed: 0 };
  let phase: Phase = 'triggered';
  let since = start;
  for (const { ms, event } of timeline) {
    const next = PHASE_AFTER.get(event.type);
    if (next === undefined) continue;
    // Clamp: events before the incident opened or after it resolved (late notes) add no time.
    const at = Math.min(Math.max(ms, since), end);
    spent[phase] += at - since;
    since = at;
    if (next === 'resolved') break;
    phase = next;
  }
  spent[phase] += end - since;
  return {
    triggered: seconds(spent.triggered),
    acknowledged: seconds(spent.acknowledged),
    snoozed: seconds(spent.snoozed),
  };
}

interface Breach {
  sla: SlaBreach['sla'];
  due: number;
  source: SlaBreach['source'];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An sla_breach event's kind and due instant, if well-formed: `dueAt` ISO text with offset or
 * a valid Date, normalised through ISO text as the review's instants are.
 */
function recordedBreach(data: unknown): { sla: SlaBreach['sla']; due: number } | undefined {
  if (!isRecord(data) || (data.sla !== 'response' && data.sla !== 'resolution')) return undefined;
  const { dueAt } = data;
  const iso = dueAt instanceof Date && !Number.isNaN(dueAt.getTime()) ? toIso(dueAt.getTime()) : dueAt;
  const ms = typeof iso === 'string' ? parseInstant(iso) : undefined;
  return ms === undefined ? undefined : { sla: data.sla, due: toEpochMs(toIso(ms)) };
}

/** Recorded breaches, one per kind and due time: a record repeated by a retried write counts once. */
function recordedBreaches(timeline: readonly Timed[]): Map<string, Breach> {
  const found = new Map<string, Breach>();
  for (const { event } of timeline) {
    if (event.type !== 'sla_breach') continue;
    const data = recordedBreach(event.data);
    if (data) found.set(`${data.sla}@${data.due}`, { sla: data.sla, due: data.due, source: 'recorded' });
  }
  return found;
}

export function slaBreaches(
  timeline: readonly Timed[],
  start: number,
  end: number,
  firstResponse: number | undefined,
  targets: SlaTargetMinutes | undefined,
): SlaBreach[] {
  const found = recordedBreaches(timeline);
  const computed = targets
    ? [
        {
          sla: 'response' as const,
          due: start + targets.ackWithinMinutes * 60_000,
          metAt: Math.min(firstResponse ?? end, end),
        },
        { sla: 'resolution' as const, due: start + targets.resolveWithinMinutes * 60_000, metAt: end },
      ]
    : [];
  for (const c of computed.filter((c) => c.metAt > c.due)) {
    // One breach per kind: the earliest recorded one is the same breach seen by the workflow.
    const same = [...found.values()].filter((r) => r.sla === c.sla).sort((a, b) => a.due - b.due)[0];
    if (same) same.source = 'both';
    else found.set(`${c.sla}@${c.due}`, { sla: c.sla, due: c.due, source: 'computed' });
  }
  return [...found.values()]
    .sort((a, b) => a.due - b.due)
    .map((b) => {
      const met = b.sla === 'resolution' ? end : firstResponseAfter(timeline, b.due, end);
      return {
        sla: b.sla,
        dueAt: toIso(b.due),
        metAt: toIso(met),
        overBySeconds: seconds(met - b.due),
        source: b.source,
      };
    });
}

/** A response breach ends at the first acknowledgement, snooze or resolution after it was due. */
function firstResponseAfter(timeline: readonly Timed[], due: number, end: number): number {
  const hit = timeline.find((t) => t.ms >= due && (RESPONSE_TYPES.has(t.event.type) || t.event.type === 'resolved'));
  return Math.min(hit?.ms ?? end, end);
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** An 'escalated' event's level, loop (default 0) and paged users (default none), if well-formed. */
function escalatedData(data: unknown): Omit<EscalationRecord, 'at'> | undefined {
  if (!isRecord(data)) return undefined;
  const { level, loop = 0, userIds = [] } = data;
  if (!isCount(level) || !isCount(loop) || !Array.isArray(userIds)) return undefined;
  const ids: unknown[] = [...userIds];
  return ids.every((id): id is string => typeof id === 'string') ? { level, loop, userIds: ids } : undefined;
}

/** Escalations as taken; an 'escalated' event without a usable level stays on the timeline only. */
export function escalationPath(timeline: readonly Timed[]): EscalationRecord[] {
  return timeline.flatMap(({ event }) => {
    if (event.type !== 'escalated') return [];
    const data = escalatedData(event.data ?? {});
    return data ? [{ at: event.at, ...data }] : [];
  });
}

/** Everyone who acted (events with `by`), in order of their first action. */
export function responders(timeline: readonly Timed[]): Responder[] {
  const byName = new Map<string, Responder>();
  for (const { event } of timeline) {
    if (!event.by) continue;
    const seen = byName.get(event.by);
    if (seen) seen.actions += 1;
    else byName.set(event.by, { name: event.by, firstAction: event.type, firstActionAt: event.at, actions: 1 });
  }
  return [...byName.values()];
}
