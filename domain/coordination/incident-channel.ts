/**
 * The incident channel: whether an incident gets its own Slack channel, what it is called,
 * the topic it carries, how loudly it is announced and when it is archived. Pure; the
 * workflow part (workflows/incident/incident-channel.ts) and the Slack activities apply it.
 * Zod-free on purpose: workflow code imports it (test/workflows/bundle.test.ts); the settings'
 * schema is in schemas.ts.
 */
import type { Severity } from '../incident/severity-levels';
import type { IncidentChannelSettings } from './schemas';
import type { IncidentState, TimelineEvent } from '../incident/incident';

export type { IncidentChannelSettings };

/** A day: the channel stays readable for the review, then leaves the sidebar. */
export const DEFAULT_ARCHIVE_AFTER_MINUTES = 24 * 60;

/** The seeds' service priority matrix: critical and high tiers open a channel from SEV2, medium only for SEV1. */
export const TIER_CHANNEL_SEVERITIES: Readonly<Record<number, readonly Severity[]>> = {
  1: ['SEV1', 'SEV2'],
  2: ['SEV1', 'SEV2'],
  3: ['SEV1'],
  4: [],
};

export interface ChannelRule {
  severities: Severity[];
  archiveAfterMinutes: number;
}

/** The rule a service's incidents follow: its own settings, else its tier's defaults. */
export function channelRule(service: { tier?: number; incidentChannel?: IncidentChannelSettings }): ChannelRule {
  const byTier = service.tier === undefined ? [] : (TIER_CHANNEL_SEVERITIES[service.tier] ?? []);
  return {
    severities: [...(service.incidentChannel?.severities ?? byTier)],
    archiveAfterMinutes: service.incidentChannel?.archiveAfterMinutes ?? DEFAULT_ARCHIVE_AFTER_MINUTES,
  };
}

/** An open incident at one of the rule's severities gets a channel (also when raised to one later). */
export function channelWanted(rule: Pick<ChannelRule, 'severities'>, severity: Severity): boolean {
  return rule.severities.includes(severity);
}

/** Slack's limit on channel names. */
export const CHANNEL_NAME_MAX = 80;

/**
 * `inc-<number>-<slug>`: Slack names are lowercase letters, digits, "-" and "_", no spaces,
 * at most 80 characters. The slug comes from the summary; accents are folded, anything else
 * becomes "-", and the name never ends in "-".
 */
export function channelName(number: number, summary: string): string {
  const prefix = `inc-${number}`;
  const slug = summary
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!slug) return prefix;
  return `${prefix}-${slug}`.slice(0, CHANNEL_NAME_MAX).replace(/-+$/, '');
}

/** Slack's limit on a topic. */
export const TOPIC_MAX = 250;

/** The role whose holder the topic names (seed 004's incident commander). */
export const COMMANDER_ROLE = 'incident-commander';

/**
 * "SEV1 | acknowledged | commander: alice | checkout: Error rate above 5%": the commander is
 * whoever holds role `incident-commander`; without one the acknowledger stands in.
 */
export function channelTopic(
  s: Pick<IncidentState, 'severity' | 'status' | 'acknowledgedBy' | 'service' | 'summary' | 'roles'>,
  commander = s.roles?.find((r) => r.roleId === COMMANDER_ROLE)?.userId,
): string {
  const lead = commander
    ? `commander: ${commander}`
    : s.acknowledgedBy
      ? `acknowledged by ${s.acknowledgedBy}`
      : 'nobody has acknowledged';
  const text = `${s.severity} | ${s.status} | ${lead} | ${s.service}: ${s.summary}`;
  return text.length <= TOPIC_MAX ? text : `${text.slice(0, TOPIC_MAX - 1)}…`;
}

/** Seed 003: SEV1 @channel, SEV2 @here, SEV3 plain, SEV4 silent. */
export const ANNOUNCEMENT_URGENCY = {
  SEV1: 'channel',
  SEV2: 'here',
  SEV3: 'plain',
  SEV4: 'silent',
} as const satisfies Record<Severity, string>;
export type AnnouncementUrgency = (typeof ANNOUNCEMENT_URGENCY)[Severity];

/**
 * The announcement's text. Slack notifies channel members only on a mention, so `channel`
 * and `here` carry Slack's special mentions; `plain` is the full line without one; `silent`
 * is posted as a bare context line (no mention, no link preview) for the record.
 */
export function announcementText(urgency: AnnouncementUrgency, line: string): string {
  if (urgency === 'channel') return `<!channel> ${line}`;
  if (urgency === 'here') return `<!here> ${line}`;
  return line;
}

/**
 * One timeline entry as a channel post, whatever its kind (new kinds show up without a change
 * here), with the note a responder gave the command (a resolution's "rolled back", ...).
 */
export function channelEntryText(e: Pick<TimelineEvent, 'type' | 'message' | 'by' | 'data'>): string {
  const by = e.by ? ` (${e.by})` : '';
  const note = typeof e.data?.note === 'string' && e.data.note ? ` (note: ${e.data.note})` : '';
  return `*${e.type.replace(/_/g, ' ')}*${by}: ${e.message}${note}`;
}
