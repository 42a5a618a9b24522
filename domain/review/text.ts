/** Text helpers of the review's renderings (Markdown and the drafted prose): times, durations, inert Markdown. */
import { toEpochMs, toIso } from '../common/instant';

/** "2026-03-09 14:02 UTC", optionally without the date or with seconds. */
export function formatUtc(iso: string, opts: { date?: boolean; seconds?: boolean } = {}): string {
  const text = toIso(toEpochMs(iso));
  const time = text.slice(11, opts.seconds ? 19 : 16);
  return opts.date === false ? `${time} UTC` : `${text.slice(0, 10)} ${time} UTC`;
}

const UNITS: readonly [number, string][] = [
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'min'],
  [1, 's'],
];

/** The two largest adjacent units, truncated: "45 s", "3 min 20 s", "41 min", "2 h 5 min", "1 d 3 h". */
export function formatDuration(totalSeconds: number): string {
  const total = Math.max(0, Math.floor(totalSeconds));
  const first = UNITS.findIndex(([size]) => total >= size);
  if (first < 0) return '0 s';
  const parts: string[] = [];
  let rest = total;
  UNITS.forEach(([size, name], i) => {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 && (i === first || i === first + 1)) parts.push(`${n} ${name}`);
  });
  return parts.join(' ');
}

/**
 * One line of inert text: line breaks become spaces (a newline ends a table row), HTML is
 * entity-escaped, and the characters that open emphasis, code, links, strike-through,
 * headings or table cells are backslash-escaped.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#]/g, '\\$&');
}
