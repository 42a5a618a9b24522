import type { IncidentStatus } from '../../domain/incident/incident';

/** User id -> display name, from the configuration (ids of people not configured show as given). */
export type Names = ReadonlyMap<string, string>;

export const nameOf = (names: Names, id: string | undefined): string => (id ? (names.get(id) ?? id) : '');

export const namesOf = (names: Names, ids: readonly string[]): string =>
  ids.length === 0 ? 'nobody' : ids.map((id) => nameOf(names, id)).join(', ');

/** "2026-03-01 10:00 UTC": one absolute form everywhere, with a machine-readable <time>. */
export function When({ at }: { at?: string }) {
  if (!at) return <span>—</span>;
  const d = new Date(at);
  const text = `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return <time datetime={d.toISOString()}>{text}</time>;
}

/** "5 min", "2 h 10 min", "3 d 4 h" for a duration in ms (negative: treated as 0). */
export function duration(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export const ago = (at: string, now: number): string => `${duration(now - Date.parse(at))} ago`;

export const StatusBadge = ({ status }: { status: IncidentStatus }) => (
  <span class={`badge status-${status}`}>{status}</span>
);

export const SeverityBadge = ({ severity }: { severity: string }) => (
  <span class={`badge sev sev-${severity.toLowerCase()}`}>{severity}</span>
);
