/**
 * The blameless draft of a review: a factual narrative of what happened, generated from the
 * timeline, and for the other sections the facts that bear on them followed by the
 * question the seeds' template asks. The draft describes what the system and the process
 * did, never who was at fault: responders appear only as the people who acted.
 */
import { parseInstant, toEpochMs } from '../common/instant';
import type { ReviewEvent, ReviewFacts, ReviewSections } from './review';
import { formatDuration, formatUtc } from './markdown';

export const ROOT_CAUSE_PROMPT =
  'Why did it happen? Describe the technical cause and the conditions that allowed it, asking "why" until ' +
  'you reach a gap in a system or a process (5 Whys). People acted reasonably on what they knew at the time: ' +
  'name the contributing factors, not who did what.';

const DETECTION_PROMPT =
  'Which signal could have shown the problem earlier: an alert, a dashboard, a test, a review? ' +
  'Did thresholds, alert routing or the on-call schedule add to the time it took to notice?';

const WENT_WELL_PROMPT =
  'What helped: alerts, runbooks, tools, communication, people who stepped in? Name what to keep doing.';

const IMPROVE_PROMPT =
  'What slowed detection, response or recovery? Look at systems and processes, not people. ' +
  'Turn each improvement into an action item with an owner and a due date.';

export function draftSections(facts: ReviewFacts): ReviewSections {
  return {
    whatHappened: narrative(facts),
    rootCause: ROOT_CAUSE_PROMPT,
    whyNotCaughtEarlier: withFacts(detectionFacts(facts), DETECTION_PROMPT),
    whatWentWell: withFacts(wentWellFacts(facts), WENT_WELL_PROMPT),
    whatToImprove: withFacts(improveFacts(facts), IMPROVE_PROMPT),
  };
}

function withFacts(facts: readonly string[], prompt: string): string {
  return facts.length === 0 ? prompt : `${facts.map((f) => `- ${f}`).join('\n')}\n\n${prompt}`;
}

/** System text quoted into a sentence: one line, so it cannot start a Markdown block. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** `elapsed` is seconds since the incident was triggered. */
type Describe = (e: ReviewEvent, f: ReviewFacts, elapsed: number) => string;

// Event types worth a sentence; the rest (repeat alerts, notes, notifications) are counted.
const DESCRIBE = new Map<string, Describe>([
  ['triggered', triggeredSentence],
  ['acknowledged', (e, _f, elapsed) => `acknowledged${actor(e)} after ${formatDuration(elapsed)}`],
  ['snoozed', (e) => `snoozed${actor(e)}${until(e.data?.until)}`],
  ['retriggered', (e) => `re-triggered: ${oneLine(e.message)}`],
  ['escalated', escalatedSentence],
  ['escalation_exhausted', () => 'the escalation policy was exhausted without an acknowledgement'],
  ['sla_breach', (e) => (text(e.data?.sla) ? `the ${text(e.data?.sla)} SLA was breached` : 'an SLA was breached')],
  ['severity_changed', (e) => oneLine(e.message)],
  ['reassigned', (e) => oneLine(e.message)],
  ['resolved', (e, _f, elapsed) => `resolved${actor(e)} after ${formatDuration(elapsed)}`],
]);

function actor(e: ReviewEvent): string {
  return e.by ? ` by ${e.by}` : '';
}

function until(value: unknown): string {
  const at = text(value);
  return at !== undefined && parseInstant(at) !== undefined ? ` until ${formatUtc(at, { date: false })}` : '';
}

function triggeredSentence(e: ReviewEvent, f: ReviewFacts, elapsed: number): string {
  if (elapsed > 0) return 'triggered again';
  // The summary stays out: it is alert-source text, shown escaped in the summary table instead.
  return `${f.incident.service} triggered (${text(e.data?.severity) ?? f.incident.severity})`;
}

function escalatedSentence(e: ReviewEvent): string {
  const level = typeof e.data?.level === 'number' ? e.data.level + 1 : undefined;
  const loop = typeof e.data?.loop === 'number' && e.data.loop > 0 ? ` (loop ${e.data.loop + 1})` : '';
  const users = Array.isArray(e.data?.userIds) ? e.data.userIds.filter((u) => typeof u === 'string') : [];
  const paged = users.length > 0 ? `, paging ${users.join(', ')}` : '';
  return level === undefined ? `escalated: ${oneLine(e.message)}` : `escalated to level ${level}${loop}${paged}`;
}

/** "At 14:02 UTC checkout triggered (SEV1) ...", one sentence a line, the date when it changes. */
function narrative(f: ReviewFacts): string {
  const start = toEpochMs(f.incident.createdAt);
  const lines: string[] = [];
  let day = '';
  for (const e of f.timeline) {
    const sentence = DESCRIBE.get(e.type)?.(e, f, Math.max(0, (toEpochMs(e.at) - start) / 1000));
    if (sentence === undefined) continue;
    lines.push(`At ${formatUtc(e.at, { date: e.at.slice(0, 10) !== day })} ${sentence}.`);
    day = e.at.slice(0, 10);
  }
  const tally = counts(f);
  if (tally.length > 0) lines.push(`In all: ${tally.join(', ')}.`);
  return lines.join('\n');
}

function countOf(f: ReviewFacts, type: string): number {
  return f.timeline.filter((e) => e.type === type).length;
}

function counts(f: ReviewFacts): string[] {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const sent = countOf(f, 'notified');
  const failed = countOf(f, 'notification_failed');
  const logged = countOf(f, 'notification_logged');
  const notes = countOf(f, 'note');
  const notDelivered = [failed > 0 ? `${failed} failed` : '', logged > 0 ? `${logged} logged, not delivered` : '']
    .filter(Boolean)
    .join(', ');
  return [
    plural(f.metrics.alertCount, 'alert'),
    ...(sent + failed + logged > 0
      ? [`${plural(sent, 'notification')} sent${notDelivered ? ` (${notDelivered})` : ''}`]
      : []),
    ...(notes > 0 ? [plural(notes, 'note')] : []),
  ];
}

function detectionFacts(f: ReviewFacts): string[] {
  const first = f.timeline.find((e) => e.type === 'triggered');
  const source = text(first?.data?.source);
  const ack = f.slaTargets ? ` (target ${formatDuration(f.slaTargets.ackWithinMinutes * 60)})` : '';
  return [
    `The first alert reached Vigil at ${formatUtc(f.incident.createdAt)}${source ? ` from ${source}` : ''}.`,
    f.metrics.mttaSeconds === undefined
      ? 'Nobody acknowledged the incident before it was resolved.'
      : `The first response came after ${formatDuration(f.metrics.mttaSeconds)}${ack}.`,
  ];
}

function wentWellFacts(f: ReviewFacts): string[] {
  const out: string[] = [];
  const breached = new Set(f.slaBreaches.map((b) => b.sla));
  const t = f.slaTargets;
  if (t && f.metrics.mttaSeconds !== undefined && !breached.has('response')) {
    out.push(
      `Acknowledged within the response target (${formatDuration(f.metrics.mttaSeconds)} of ${formatDuration(t.ackWithinMinutes * 60)}).`,
    );
  }
  if (t && !breached.has('resolution')) {
    out.push(
      `Resolved within the resolution target (${formatDuration(f.metrics.mttrSeconds)} of ${formatDuration(t.resolveWithinMinutes * 60)}).`,
    );
  }
  const firstLevelOnly = f.escalationPath.every((s) => s.level === 0 && s.loop === 0);
  if (f.escalationPath.length > 0 && firstLevelOnly && f.metrics.mttaSeconds !== undefined) {
    out.push('The first level of the escalation policy answered; nobody further had to be paged.');
  }
  return out;
}

function improveFacts(f: ReviewFacts): string[] {
  const out = f.slaBreaches.map(
    (b) => `The ${b.sla} SLA was missed by ${formatDuration(b.overBySeconds)} (due ${formatUtc(b.dueAt)}).`,
  );
  const retriggered = countOf(f, 'retriggered');
  if (retriggered > 0)
    out.push(`The incident re-triggered ${retriggered} time(s) after being acknowledged or snoozed.`);
  if (countOf(f, 'escalation_exhausted') > 0)
    out.push('The escalation policy ran out of levels before anyone acknowledged.');
  out.push(...undelivered(f));
  if (f.metrics.mttaSeconds === undefined) out.push('The incident was never acknowledged.');
  return out;
}

/**
 * Notifications that reached nobody, with why: "2 notification(s) could not be delivered:
 * ann by sms (channel_not_configured) x2, Level 2: team "x" does not exist."
 */
function undelivered(f: ReviewFacts): string[] {
  const what = (e: ReviewEvent): string => {
    const user = text(e.data?.userId);
    const reason = text(e.data?.reason);
    if (!user) return oneLine(e.message);
    return `${user} by ${text(e.data?.channel) ?? 'an unknown channel'}${reason ? ` (${reason})` : ''}`;
  };
  const listed = (type: string): [number, string] => {
    const tally = new Map<string, number>();
    for (const e of f.timeline.filter((x) => x.type === type)) tally.set(what(e), (tally.get(what(e)) ?? 0) + 1);
    const n = [...tally.values()].reduce((a, b) => a + b, 0);
    return [n, [...tally].map(([k, c]) => (c > 1 ? `${k} x${c}` : k)).join(', ')];
  };
  const [failed, failedList] = listed('notification_failed');
  const [logged, loggedList] = listed('notification_logged');
  return [
    ...(failed > 0 ? [`${failed} notification(s) could not be delivered: ${failedList}.`] : []),
    ...(logged > 0
      ? [`${logged} notification(s) were only logged, not delivered (development mode): ${loggedList}.`]
      : []),
  ];
}
