/**
 * What a person reads, shared by the human channels (email, SMS, Slack, Teams): a title
 * line and a short description of what happened, from the same Notification.
 */
import { DateTime } from 'luxon';
import type { Notification, NotificationKind } from '../../domain/incident/notification';
import type { Severity } from '../../domain/incident/severity';

/** Severity colours (Slack attachment colour, Teams themeColor, email accent). */
export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  SEV1: '#D00000',
  SEV2: '#F77F00',
  SEV3: '#FCBF49',
  SEV4: '#3A86FF',
};

const KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  page: 'Incident triggered',
  acknowledged: 'Incident acknowledged',
  resolved: 'Incident resolved',
  update: 'Incident update',
  status_update_due: 'Status update due',
  sla_breach: 'SLA breached',
  escalation_exhausted: 'Escalation exhausted',
  role_assigned: 'Role assigned',
  role_unfilled: 'Role unfilled',
};

/** "#42" or the incident id when no number has been allocated yet. */
export function incidentRef(n: Notification): string {
  return n.incidentNumber === undefined ? n.incidentId : `#${n.incidentNumber}`;
}

/** e.g. "[SEV1] #42 checkout (tier 1): Error rate above 5%". */
export function titleLine(n: Notification): string {
  return `[${n.severity}] ${incidentRef(n)} ${n.service}${tierLabel(n)}: ${n.summary}`;
}

/** " (tier 1)", or nothing for a notification planned before tiers were carried. */
export function tierLabel(n: Pick<Notification, 'tier'>): string {
  return n.tier === undefined ? '' : ` (tier ${n.tier})`;
}

/**
 * When it happened, in the recipient's own zone (user.timezone; UTC when unknown), e.g.
 * "Sun 29 Mar 03:30 GMT+2" or "Sat 28 Mar 20:30 EDT": luxon applies the zone's DST rules.
 */
export function localTime(n: Pick<Notification, 'occurredAt' | 'recipient'>): string {
  const at = DateTime.fromISO(n.occurredAt, { zone: n.recipient.timeZone ?? 'UTC' });
  // An unknown zone (config edited by hand) must not hide the time: fall back to UTC.
  const shown = at.isValid ? at : DateTime.fromISO(n.occurredAt, { zone: 'UTC' });
  return shown.toFormat('ccc d LLL HH:mm ZZZZ');
}

/** e.g. "Incident triggered (escalation level 1, loop 1) at Sun 29 Mar 03:30 GMT+2", or with an update's message. */
export function whatHappened(n: Notification): string {
  const label = KIND_LABELS[n.kind] ?? n.kind;
  const where =
    n.level === undefined
      ? ''
      : ` (escalation level ${n.level + 1}${n.loop === undefined ? '' : `, loop ${n.loop + 1}`})`;
  const when = ` at ${localTime(n)}`;
  return n.message ? `${label}${where}${when}: ${n.message}` : `${label}${where}${when}`;
}

/**
 * What following `links.incident` offers: the link is the recipient's respond page
 * (integrations/respond/link.ts), where an open incident can be acknowledged or resolved.
 */
export function linkLabel(n: Notification): string {
  return n.status === 'resolved' ? 'Open the incident' : 'Acknowledge or resolve';
}

/** Plain text for email and fallbacks: title, what happened, status, the labelled link. */
export function plainText(n: Notification): string {
  const link = n.links?.incident;
  const bridge = n.bridge ? `${n.bridge.title}: ${n.bridge.url}` : undefined;
  return [titleLine(n), whatHappened(n), `Status: ${n.status}`, link ? `${linkLabel(n)}: ${link}` : undefined, bridge]
    .filter(Boolean)
    .join('\n');
}

export { escapeHtml } from '../../lib/html';
