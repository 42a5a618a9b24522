/**
 * A review rendered as Markdown, in the order of the seeds' post-incident review template
 * (summary, impact, timeline, root-cause questions, what went well / could be improved,
 * action items), with the metrics, SLA, escalation and responder facts in between.
 *
 * Text from outside (summaries, event messages, names, action items) is escaped for its
 * one-line cell, so it can neither break a table nor inject HTML. The blameless sections
 * are prose written in Markdown, so only HTML and unclosed code fences are neutralised.
 */
import type { Review, SlaBreach } from './review';
import { escapeMarkdown, formatDuration, formatUtc } from './text';

export { escapeMarkdown, formatDuration, formatUtc };

const NONE = '—';

/** Author prose: Markdown stays, raw HTML and a fence left open (it would swallow the rest) do not. */
function proseBlock(text: string): string {
  const body = text.trim().replace(/</g, '&lt;');
  if (body === '') return '_Not written yet._';
  const fences = body.split('\n').filter((line) => /^\s*(```|~~~)/.test(line)).length;
  return fences % 2 === 0 ? body : `${body}\n\`\`\``;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

const when = (iso: string | undefined): string => (iso === undefined ? NONE : formatUtc(iso, { seconds: true }));
const by = (name: string | undefined): string => (name ? ` by ${escapeMarkdown(name)}` : '');

function summarySection(r: Review): string[] {
  const i = r.incident;
  const rows: string[][] = [
    ['Incident', escapeMarkdown(i.incidentId)],
    ...(i.number === undefined ? [] : [['Number', String(i.number)]]),
    ['Service', escapeMarkdown(i.service)],
    ['Severity', i.severity],
    ['Summary', escapeMarkdown(i.summary)],
    ['Date', i.createdAt.slice(0, 10)],
    ['Triggered', when(i.createdAt)],
    ['Acknowledged', i.acknowledgedAt ? `${when(i.acknowledgedAt)}${by(i.acknowledgedBy)}` : 'never acknowledged'],
    ['Resolved', `${when(i.resolvedAt)}${by(i.resolvedBy)}`],
    ['Duration', formatDuration(r.metrics.durationSeconds)],
  ];
  return [
    `# Post-Incident Review: ${escapeMarkdown(i.incidentId)}`,
    '',
    '## Incident Summary',
    '',
    ...table(['Field', 'Value'], rows),
  ];
}

function impactSection(r: Review): string[] {
  const kinds = r.slaBreaches.map((b) => b.sla).join(', ');
  const dropped = r.metrics.timelineDropped > 0 ? ` (${r.metrics.timelineDropped} not on the timeline)` : '';
  return [
    '## Impact',
    '',
    `- **Services affected**: ${escapeMarkdown(r.incident.service)}`,
    `- **Duration**: ${formatDuration(r.metrics.durationSeconds)} at ${r.incident.severity}`,
    `- **Alerts received**: ${r.metrics.alertCount}${dropped}`,
    `- **SLO impact**: ${r.slaBreaches.length === 0 ? 'no SLA breached' : `${r.slaBreaches.length} SLA breach(es): ${kinds}`}`,
    '- **User impact**: _to be completed_',
    '- **Business impact**: _to be completed_',
  ];
}

function timelineSection(r: Review): string[] {
  const rows = r.timeline.map((e) => {
    const note = typeof e.data?.note === 'string' ? ` (note: ${escapeMarkdown(e.data.note)})` : '';
    return [
      when(e.at),
      escapeMarkdown(e.type),
      e.by ? escapeMarkdown(e.by) : NONE,
      `${escapeMarkdown(e.message)}${note}`,
    ];
  });
  return ['## Timeline', '', ...table(['Time (UTC)', 'Event', 'By', 'Details'], rows)];
}

function metricsSection(r: Review): string[] {
  const m = r.metrics;
  const rows = [
    ['MTTA (time to acknowledge)', m.mttaSeconds === undefined ? 'never acknowledged' : formatDuration(m.mttaSeconds)],
    ['MTTR (time to resolve)', formatDuration(m.mttrSeconds)],
    ['Time triggered (unanswered)', formatDuration(m.timeInState.triggered)],
    ['Time acknowledged', formatDuration(m.timeInState.acknowledged)],
    ['Time snoozed', formatDuration(m.timeInState.snoozed)],
    ['Alerts', String(m.alertCount)],
  ];
  return ['## Metrics', '', ...table(['Metric', 'Value'], rows)];
}

const SLA_NAME: Record<SlaBreach['sla'], string> = { response: 'Response', resolution: 'Resolution' };

function slaSection(r: Review): string[] {
  const t = r.slaTargets;
  const targets = t
    ? [
        `Targets: acknowledge within ${formatDuration(t.ackWithinMinutes * 60)}, resolve within ${formatDuration(t.resolveWithinMinutes * 60)}.`,
        '',
      ]
    : [];
  if (r.slaBreaches.length === 0) return ['## SLA', '', ...targets, 'No SLA breached.'];
  const rows = r.slaBreaches.map((b) => [
    SLA_NAME[b.sla],
    when(b.dueAt),
    when(b.metAt),
    formatDuration(b.overBySeconds),
    b.source,
  ]);
  return ['## SLA', '', ...targets, ...table(['SLA', 'Due (UTC)', 'Met (UTC)', 'Over by', 'Source'], rows)];
}

function escalationSection(r: Review): string[] {
  if (r.escalationPath.length === 0) return ['## Escalation Path', '', 'No escalation recorded.'];
  // Stored 0-based like the escalation cursor; people count levels and loops from 1.
  const rows = r.escalationPath.map((s) => [
    when(s.at),
    String(s.level + 1),
    String(s.loop + 1),
    s.userIds.length === 0 ? NONE : s.userIds.map(escapeMarkdown).join(', '),
  ]);
  return ['## Escalation Path', '', ...table(['Time (UTC)', 'Level', 'Loop', 'Paged'], rows)];
}

function respondersSection(r: Review): string[] {
  if (r.responders.length === 0) return ['## Responders', '', 'Nobody acted on this incident.'];
  const rows = r.responders.map((p) => [
    escapeMarkdown(p.name),
    escapeMarkdown(p.firstAction),
    when(p.firstActionAt),
    String(p.actions),
  ]);
  return ['## Responders', '', ...table(['Responder', 'First action', 'At (UTC)', 'Actions'], rows)];
}

function rolesSection(r: Review): string[] {
  const type = r.incidentType ? [`Incident type: ${escapeMarkdown(r.incidentType)}`, ''] : [];
  if (!r.roles?.length) return ['## Roles', '', ...type, 'No response roles were held.'];
  const until = (iso: string | undefined) => (iso ? when(iso) : 'the end');
  const rows = r.roles.map((h) => [escapeMarkdown(h.roleId), escapeMarkdown(h.userId), when(h.from), until(h.until)]);
  return ['## Roles', '', ...type, ...table(['Role', 'Held by', 'From (UTC)', 'Until (UTC)'], rows)];
}

function blamelessSections(r: Review): string[] {
  const s = r.sections;
  return [
    '## Root Cause Analysis',
    '',
    '### What Happened?',
    '',
    proseBlock(s.whatHappened),
    '',
    '### Why Did It Happen?',
    '',
    proseBlock(s.rootCause),
    '',
    "### Why Wasn't It Caught Earlier?",
    '',
    proseBlock(s.whyNotCaughtEarlier),
    '',
    '## What Went Well',
    '',
    proseBlock(s.whatWentWell),
    '',
    '## What Could Be Improved',
    '',
    proseBlock(s.whatToImprove),
  ];
}

function actionItemsSection(r: Review): string[] {
  if (r.actionItems.length === 0) {
    return ['## Action Items', '', '_No action items yet: give each improvement an owner and a due date._'];
  }
  const lines = r.actionItems.map((a) => {
    const priority = a.priority ? `, priority ${a.priority}` : '';
    const check = a.status === 'done' ? 'x' : ' ';
    return `- [${check}] ${escapeMarkdown(a.title)} (owner: ${escapeMarkdown(a.owner)}, due ${a.dueDate}${priority}; id ${escapeMarkdown(a.id)}${exported(a.external)})`;
  });
  return ['## Action Items', '', ...lines];
}

/** "; jira [OPS-12](https://...)": where an exported item lives now (only http(s) links are linked). */
function exported(ref: Review['actionItems'][number]['external']): string {
  if (!ref) return '';
  const key = escapeMarkdown(ref.key);
  const parsed = ref.url && URL.canParse(ref.url) ? new URL(ref.url) : undefined;
  const url = /^https?:$/.test(parsed?.protocol ?? '') ? parsed!.href.replace(/\(/g, '%28').replace(/\)/g, '%29') : '';
  return `; ${ref.tracker} ${url ? `[${key}](${url})` : key}`;
}

/** The whole review as one Markdown document (GitHub-flavoured tables and task lists). */
export function renderReviewMarkdown(review: Review): string {
  const blocks = [
    summarySection,
    impactSection,
    timelineSection,
    metricsSection,
    slaSection,
    escalationSection,
    respondersSection,
    rolesSection,
    blamelessSections,
    actionItemsSection,
  ].map((section) => section(review).join('\n'));
  return `${blocks.join('\n\n')}\n`;
}
