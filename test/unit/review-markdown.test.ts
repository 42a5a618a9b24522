import { describe, expect, it } from 'vitest';
import {
  applyActionItemPatch,
  buildReview,
  renderReviewMarkdown,
  type Review,
  type ReviewSource,
} from '../../domain/review/review';
import { escapeMarkdown, formatDuration, formatUtc } from '../../domain/review/markdown';

const BASE = Date.parse('2026-03-09T14:02:00Z');
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();
type Ev = ReviewSource['timeline'][number];

const HOSTILE = 'Checkout | * # <script>alert(1)</script>\n| x | y |';

function review(timeline: Ev[], extra: Partial<ReviewSource> = {}): Review {
  return buildReview(
    {
      incidentId: 'incident-checkout-1',
      number: 7,
      service: 'checkout',
      severity: 'SEV1',
      summary: HOSTILE,
      createdAt: at(0),
      alertCount: 4,
      timelineDropped: 1,
      resolvedAt: at(41),
      resolvedBy: 'carol',
      timeline: [
        { at: at(0), type: 'triggered', message: 'Triggered by curl: x', data: { severity: 'SEV1' } },
        ...timeline,
      ],
      ...extra,
    },
    { slaTargets: { ackWithinMinutes: 5, resolveWithinMinutes: 30 } },
  );
}

const full = review([
  { at: at(0), type: 'escalated', message: 'Paged level 1', data: { level: 0, loop: 0, userIds: ['alice'] } },
  { at: at(5), type: 'escalated', message: 'Paged level 2', data: { level: 1, loop: 0, userIds: ['bob', 'dave_x'] } },
  { at: at(8), type: 'acknowledged', message: 'Acknowledged by bob', by: 'bob' },
  {
    at: at(10),
    type: 'note',
    message: 'Note by bob',
    by: 'bob',
    data: { note: 'rolled back\n| <img src=x onerror=alert(1)>' },
  },
  { at: at(41), type: 'resolved', message: 'Resolved by carol', by: 'carol' },
]);
const md = renderReviewMarkdown(full);
const lines = md.split('\n');

/** Cells of a table row, split on pipes that are not backslash-escaped. */
const cells = (row: string) =>
  row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());

/** Runs of consecutive table lines. */
function tablesOf(all: readonly string[]): string[][] {
  const tables: string[][] = [];
  all.forEach((line, i) => {
    if (!line.startsWith('|')) return;
    if (all[i - 1]?.startsWith('|')) tables[tables.length - 1]?.push(line);
    else tables.push([line]);
  });
  return tables;
}

describe('renderReviewMarkdown', () => {
  it("follows the seeds' template order", () => {
    const headings = lines.filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Post-Incident Review: incident-checkout-1',
      '## Incident Summary',
      '## Impact',
      '## Timeline',
      '## Metrics',
      '## SLA',
      '## Escalation Path',
      '## Responders',
      '## Roles',
      '## Root Cause Analysis',
      '### What Happened?',
      '### Why Did It Happen?',
      "### Why Wasn't It Caught Earlier?",
      '## What Went Well',
      '## What Could Be Improved',
      '## Action Items',
    ]);
  });

  it.each([
    ['summary', '| Number | 7 |'],
    ['summary', '| Acknowledged | 2026-03-09 14:10:00 UTC by bob |'],
    ['summary', '| Resolved | 2026-03-09 14:43:00 UTC by carol |'],
    ['summary', '| Duration | 41 min |'],
    ['impact', '- **Alerts received**: 4 (1 not on the timeline)'],
    ['timeline', '| 2026-03-09 14:10:00 UTC | acknowledged | bob | Acknowledged by bob |'],
    ['timeline', '| 2026-03-09 14:43:00 UTC | resolved | carol | Resolved by carol |'],
    ['metrics', '| MTTA (time to acknowledge) | 8 min |'],
    ['metrics', '| Time acknowledged | 33 min |'],
    ['SLA', 'Targets: acknowledge within 5 min, resolve within 30 min.'],
    ['SLA', '| Response | 2026-03-09 14:07:00 UTC | 2026-03-09 14:10:00 UTC | 3 min | computed |'],
    ['SLA', '| Resolution | 2026-03-09 14:32:00 UTC | 2026-03-09 14:43:00 UTC | 11 min | computed |'],
    ['escalation, 1-based', '| 2026-03-09 14:07:00 UTC | 2 | 1 | bob, dave\\_x |'],
    ['responders', '| bob | acknowledged | 2026-03-09 14:10:00 UTC | 2 |'],
    ['what happened', 'At 14:10 UTC acknowledged by bob after 8 min.'],
    ['action items', '_No action items yet: give each improvement an owner and a due date._'],
  ])('%s: %s', (_section, line) => {
    expect(lines).toContain(line);
  });

  it('escapes user text so it cannot break a table or inject HTML', () => {
    expect(md).not.toMatch(/<script|<img/i);
    expect(lines).toContain('| Summary | Checkout \\| \\* \\# &lt;script&gt;alert(1)&lt;/script&gt; \\| x \\| y \\| |');
    const tables = tablesOf(lines);
    expect(tables).toHaveLength(6); // summary, timeline, metrics, SLA, escalation, responders
    for (const [header, ...rows] of tables) {
      for (const row of rows) expect(cells(row), row).toHaveLength(cells(header ?? '').length);
    }
    const note = lines.find((l) => l.includes('| note |'));
    expect(note).toBe(
      '| 2026-03-09 14:12:00 UTC | note | bob | Note by bob (note: rolled back \\| &lt;img src=x onerror=alert(1)&gt;) |',
    );
  });

  it('renders author prose as Markdown without raw HTML, closing a fence left open', () => {
    const edited: Review = {
      ...full,
      sections: { ...full.sections, rootCause: 'A *bad* deploy <iframe>\n```\nlog line', whatWentWell: '  ' },
    };
    const out = renderReviewMarkdown(edited);
    expect(out).toContain("A *bad* deploy &lt;iframe>\n```\nlog line\n```\n\n### Why Wasn't It Caught Earlier?");
    expect(out).toContain('## What Went Well\n\n_Not written yet._');
  });

  it('lists action items as a checklist with owner and due date, escaped', () => {
    let r: Review = full;
    for (const patch of [
      { op: 'add', title: 'Alert on disk at 80% [now]', owner: 'alice', dueDate: '2026-04-01', priority: 'high' },
      { op: 'add', title: 'Write the runbook', owner: 'Bob <b>', dueDate: '2026-04-15' },
      { op: 'complete', id: 'A2' },
    ]) {
      const result = applyActionItemPatch(r, patch);
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      r = result.review;
    }
    const out = renderReviewMarkdown(r).split('\n');
    expect(out).toContain('- [ ] Alert on disk at 80% \\[now\\] (owner: alice, due 2026-04-01, priority high; id A1)');
    expect(out).toContain('- [x] Write the runbook (owner: Bob &lt;b&gt;, due 2026-04-15; id A2)');
  });

  it('shows where an exported item lives, linking only http(s) URLs', () => {
    const added = applyActionItemPatch(full, { op: 'add', title: 'Canary', owner: 'alice', dueDate: '2026-04-01' });
    if (!added.ok) throw new Error(JSON.stringify(added.issues));
    const item = added.review.actionItems[0]!;
    const withRef = (external: NonNullable<typeof item.external>) =>
      renderReviewMarkdown({ ...added.review, actionItems: [{ ...item, external }] }).split('\n');
    expect(withRef({ tracker: 'jira', key: 'OPS-12', url: 'https://acme.atlassian.net/browse/OPS-12' })).toContain(
      '- [ ] Canary (owner: alice, due 2026-04-01; id A1; jira [OPS-12](https://acme.atlassian.net/browse/OPS-12))',
    );
    expect(withRef({ tracker: 'github', key: 'acme/web#3', url: 'https://x.test/a(b)' })).toContain(
      '- [ ] Canary (owner: alice, due 2026-04-01; id A1; github [acme/web\\#3](https://x.test/a%28b%29))',
    );
    expect(withRef({ tracker: 'webhook', key: 'k', url: 'javascript:alert(1)' })).toContain(
      '- [ ] Canary (owner: alice, due 2026-04-01; id A1; webhook k)',
    );
  });

  it('says so when nobody acknowledged, escalated or acted', () => {
    const quiet = renderReviewMarkdown(review([], { resolvedBy: undefined }));
    expect(quiet).toContain('| Acknowledged | never acknowledged |');
    expect(quiet).toContain('| MTTA (time to acknowledge) | never acknowledged |');
    expect(quiet).toContain('No escalation recorded.');
    expect(quiet).toContain('Nobody acted on this incident.');
    expect(quiet).toContain('| Resolved | 2026-03-09 14:43:00 UTC |');
  });
});

describe('text helpers', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [200, '3 min 20 s'],
    [2460, '41 min'],
    [3600, '1 h'],
    [3605, '1 h'],
    [7500, '2 h 5 min'],
    [86_400 + 3 * 3600 + 59, '1 d 3 h'],
    [59.9, '59 s'],
  ])('formatDuration(%s) = %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it.each([
    ['plain text', 'plain text'],
    ['a|b', 'a\\|b'],
    ['*bold* _it_ `code` ~~s~~', '\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~'],
    ['# h [l](u) \\', '\\# h \\[l\\](u) \\\\'],
    ['<b>&amp;', '&lt;b&gt;&amp;amp;'],
    ['two\r\nlines\tand\u2028more', 'two lines and more'],
  ])('escapeMarkdown(%j)', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('formats instants in UTC whatever offset they were given in', () => {
    expect(formatUtc('2026-03-09T09:02:07-05:00')).toBe('2026-03-09 14:02 UTC');
    expect(formatUtc('2026-03-09T09:02:07-05:00', { date: false, seconds: true })).toBe('14:02:07 UTC');
  });
});
