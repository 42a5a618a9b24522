/**
 * Who is on call: layers, restrictions and overrides combined (semantics in ./schedule).
 * `onCallAt` and `shifts` share one code path, a sweep over [from, to), so "who is on call
 * now" and the published timeline cannot disagree; `onCallAt` sweeps a 1 ms range.
 */
import { type InstantInput, toEpochMs, toIso } from '../common/fields';
import { clipToWindows, restrictionWindows } from './restriction';
import { type LayerShift, compileRotation, rotationShifts } from './rotation';
import type { Schedule } from './schedule';
import { zoneOf } from '../common/wall-clock';

export interface OnCall {
  /** Who is on call (at most one person: each layer is a one-person rotation). */
  userIds: string[];
  /** The layer whose rotation put someone on call, if any. */
  layerId?: string;
  /** Who the rotation says is on call, before overrides. */
  scheduledUserId?: string;
  /** True when an override decided who is on call. */
  overrideApplied: boolean;
  /** Index in `schedule.overrides` of the override that decided it. */
  overrideIndex?: number;
}

export interface Shift {
  userId: string;
  /** ISO instants (UTC), `end` exclusive. */
  start: string;
  end: string;
  layerId?: string;
  override: boolean;
}

interface Piece extends OnCall {
  start: number;
  end: number;
}

interface LayerTrack {
  layerId: string;
  shifts: LayerShift[];
  cursor: number;
}

interface OverrideSpan {
  index: number;
  start: number;
  end: number;
  userId: string;
  replacesUserId?: string;
}

/** Who is on call at `instant`, and why. */
export function onCallAt(schedule: Schedule, instant: InstantInput): OnCall {
  const t = toEpochMs(instant);
  const [piece] = timeline(schedule, t, t + 1);
  if (piece === undefined) return { userIds: [], overrideApplied: false };
  const { start: _start, end: _end, ...onCall } = piece;
  return onCall;
}

/**
 * The on-call timeline clipped to [from, to): one entry per person per stretch, adjacent
 * stretches with the same person, layer and override flag merged; nobody-on-call gaps omitted.
 */
export function shifts(schedule: Schedule, from: InstantInput, to: InstantInput): Shift[] {
  const out: Array<Omit<Shift, 'start' | 'end'> & { start: number; end: number }> = [];
  for (const piece of timeline(schedule, toEpochMs(from), toEpochMs(to))) {
    for (const userId of piece.userIds) {
      const last = out[out.length - 1];
      const layerId = piece.layerId;
      const override = piece.overrideApplied;
      if (
        last?.userId === userId &&
        last.layerId === layerId &&
        last.override === override &&
        last.end === piece.start
      ) {
        last.end = piece.end;
      } else {
        out.push({
          userId,
          start: piece.start,
          end: piece.end,
          override,
          ...(layerId === undefined ? {} : { layerId }),
        });
      }
    }
  }
  return out.map((s) => ({ ...s, start: toIso(s.start), end: toIso(s.end) }));
}

function timeline(schedule: Schedule, from: number, to: number): Piece[] {
  if (!(to > from)) return [];
  const zone = zoneOf(schedule.timeZone);
  const tracks: LayerTrack[] = schedule.layers.map((layer) => {
    const rotation = compileRotation(layer, zone);
    const raw = rotationShifts(rotation, layer.participants, from, to);
    return {
      layerId: layer.id,
      shifts: clipToWindows(raw, restrictionWindows(layer.restrictions, zone, from, to)),
      cursor: 0,
    };
  });
  const overrides: OverrideSpan[] = schedule.overrides
    .map((o, index) => ({ ...o, index, start: toEpochMs(o.start), end: toEpochMs(o.end) }))
    .filter((o) => o.end > from && o.start < to);
  const cuts = new Set<number>([from, to]);
  const addCut = (t: number): void => {
    if (t > from && t < to) cuts.add(t);
  };
  for (const track of tracks) for (const s of track.shifts) [s.start, s.end].forEach(addCut);
  for (const o of overrides) [o.start, o.end].forEach(addCut);
  const points = [...cuts].sort((a, b) => a - b);
  const pieces: Piece[] = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const start = points[i] as number;
    const end = points[i + 1] as number;
    pieces.push({ start, end, ...applyOverrides(scheduledAt(tracks, start), overrides, start) });
  }
  return pieces;
}

/** The highest layer with someone at `t`; cursors only move forward as `t` increases. */
function scheduledAt(tracks: LayerTrack[], t: number): { layerId: string; userId: string } | undefined {
  let found: { layerId: string; userId: string } | undefined;
  for (const track of tracks) {
    while ((track.shifts[track.cursor]?.end ?? Infinity) <= t) track.cursor += 1;
    const shift = track.shifts[track.cursor];
    if (shift !== undefined && shift.start <= t) found = { layerId: track.layerId, userId: shift.userId };
  }
  return found;
}

function applyOverrides(
  scheduled: { layerId: string; userId: string } | undefined,
  overrides: readonly OverrideSpan[],
  t: number,
): OnCall {
  let userIds = scheduled === undefined ? [] : [scheduled.userId];
  let overrideIndex: number | undefined;
  for (const o of overrides) {
    if (o.start > t || o.end <= t) continue;
    if (o.replacesUserId === undefined) userIds = [o.userId];
    else if (userIds.includes(o.replacesUserId)) userIds = userIds.map((u) => (u === o.replacesUserId ? o.userId : u));
    else continue;
    overrideIndex = o.index;
  }
  return {
    userIds: [...new Set(userIds)],
    overrideApplied: overrideIndex !== undefined,
    ...(scheduled === undefined ? {} : { layerId: scheduled.layerId, scheduledUserId: scheduled.userId }),
    ...(overrideIndex === undefined ? {} : { overrideIndex }),
  };
}
