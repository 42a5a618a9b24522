/**
 * Every incident's list row in memory, newest first, with the filters of the list API.
 * Why memory: FerretDB 1.24's SQLite backend pushes down nothing but `_id` equality, so
 * any other filter or sort reads and decodes the whole collection (measured: 7 s for
 * 100,000 small rows, 70 s for full records). The rows are loaded once and then follow the
 * shared incident feed, so each replica holds a cache of the read model, not state of its own.
 */
import type { IncidentListRow } from '../../domain/incident/list-row';
import type { IncidentStatus } from '../../domain/incident/incident';
import type { Severity } from '../../domain/incident/severity';
import { toEpochMs } from '../../domain/common/fields';
import { INCIDENT_STATUSES, type Cursor } from './query';

export interface ListFilter {
  statuses?: readonly IncidentStatus[];
  services?: ReadonlySet<string>;
  severities?: readonly Severity[];
  pagedTo?: string;
  createdFrom?: string;
  createdTo?: string;
  words?: readonly string[];
}

export interface ListPage {
  rows: IncidentListRow[];
  counts: Record<IncidentStatus, number>;
  next?: Cursor;
}

interface Entry {
  row: IncidentListRow;
  createdMs: number;
  text: string;
}

/** Newest first; ties (same instant) by record id, descending, so the order is total. */
const before = (a: Entry, ms: number, id: string) => a.createdMs > ms || (a.createdMs === ms && a.row.recordId > id);

export function createListIndex() {
  const byId = new Map<string, Entry>();
  const ordered: Entry[] = [];
  /** Per incident id, its newest incident (an id is reused after resolution). */
  const latest = new Map<string, Entry>();

  /** The index of the first entry that comes after (createdMs, id) in list order. */
  function positionAfter(ms: number, id: string): number {
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (
        before(ordered[mid] as Entry, ms, id) ||
        (ordered[mid]?.createdMs === ms && ordered[mid]?.row.recordId === id)
      )
        lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function matcher(f: ListFilter, withStatus: boolean): (e: Entry) => boolean {
    const from = f.createdFrom ? toEpochMs(f.createdFrom) : -Infinity;
    const to = f.createdTo ? toEpochMs(f.createdTo) : Infinity;
    return (e) =>
      (!withStatus || !f.statuses || f.statuses.includes(e.row.status)) &&
      (!f.services || f.services.has(e.row.service)) &&
      (!f.severities || f.severities.includes(e.row.severity)) &&
      (!f.pagedTo || e.row.pagedUserIds.includes(f.pagedTo)) &&
      e.createdMs >= from &&
      e.createdMs < to &&
      (!f.words || f.words.every((w) => e.text.includes(w)));
  }

  return {
    size: () => byId.size,
    get: (recordId: string) => byId.get(recordId)?.row,
    /** Adds or replaces a row; an older `seq` than the one held is ignored (feed repeats). */
    put(row: IncidentListRow): void {
      const held = byId.get(row.recordId);
      if (held && held.row.seq >= row.seq) return;
      const entry: Entry = { row, createdMs: toEpochMs(row.createdAt), text: row.summary.toLowerCase() };
      if (held && held.createdMs === entry.createdMs) {
        ordered[positionAfter(held.createdMs, row.recordId) - 1] = entry;
      } else {
        if (held) ordered.splice(positionAfter(held.createdMs, row.recordId) - 1, 1);
        ordered.splice(positionAfter(entry.createdMs, row.recordId), 0, entry);
      }
      byId.set(row.recordId, entry);
      const newest = latest.get(row.incidentId);
      if (!newest || newest.row.recordId === row.recordId || before(entry, newest.createdMs, newest.row.recordId))
        latest.set(row.incidentId, entry);
    },
    latestOf: (incidentId: string): IncidentListRow | undefined => latest.get(incidentId)?.row,
    /** Open incidents per service (the console's services page). */
    openByService(): Map<string, { triggered: number; acknowledged: number }> {
      const out = new Map<string, { triggered: number; acknowledged: number }>();
      for (const { row } of ordered) {
        if (row.status === 'resolved') continue;
        const c = out.get(row.service) ?? { triggered: 0, acknowledged: 0 };
        c[row.status] += 1;
        out.set(row.service, c);
      }
      return out;
    },
    query(f: ListFilter, limit: number, cursor?: Cursor): ListPage {
      const counts = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, 0])) as Record<IncidentStatus, number>;
      const counted = matcher(f, false);
      for (const e of ordered) if (counted(e)) counts[e.row.status] += 1;
      const wanted = matcher(f, true);
      const rows: IncidentListRow[] = [];
      const start = cursor ? positionAfter(toEpochMs(cursor[0]), cursor[1]) : 0;
      for (let i = start; i < ordered.length && rows.length <= limit; i++) {
        const e = ordered[i] as Entry;
        if (wanted(e)) rows.push(e.row);
      }
      const more = rows.length > limit;
      if (more) rows.pop();
      const last = rows[rows.length - 1];
      return { rows, counts, ...(more && last ? { next: [last.createdAt, last.recordId] as Cursor } : {}) };
    },
  };
}
export type ListIndex = ReturnType<typeof createListIndex>;
