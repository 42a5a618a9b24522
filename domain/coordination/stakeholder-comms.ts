/**
 * Telling a service's stakeholders (its `stakeholders` lists) about an incident with the
 * communication templates of audience `stakeholders`: the initial message once they hear of
 * it (their tier's or their own severities), an update at each update-cadence tick, and the
 * resolution. Updates and the resolution go only to stakeholders who had the initial
 * message: nobody reads "resolved" about an incident they never heard of.
 *
 * Pure: which message is due (from the timeline), what it says (the template rendered), and
 * the notification each recipient gets (the email or Slack channel sends its text as is).
 */
import type { IncidentState, TimelineEvent } from '../incident/incident';
import { incidentNotification, notificationIdempotencyKey, type Notification } from '../incident/notification';
import { stakeholdersHear, type Stakeholders } from './stakeholders';
import { pickTemplate, renderTemplate, type CommsTemplate, type TemplateKind } from './template';
import { incidentView, type ViewContext } from './view';

/** The timeline entry recording a message to the stakeholders (and any recipient it missed). */
export const STAKEHOLDERS_NOTIFIED = 'stakeholders_notified' as const;

export interface DueMessage {
  kind: TemplateKind;
  /** Unique per message of an incident: "initial", "update-3", "resolution". */
  key: string;
}

const told = (s: IncidentState): Set<string> =>
  new Set(
    s.timeline
      .filter((e) => e.type === STAKEHOLDERS_NOTIFIED && typeof e.data?.message === 'string')
      .map((e) => e.data?.message as string),
  );

/** The latest update-cadence tick's number (status_update_due entries), 0 before the first. */
function latestTick(s: IncidentState): number {
  const ticks = s.timeline.filter((e) => e.type === 'status_update_due').map((e) => Number(e.data?.count ?? 0));
  return ticks.length === 0 ? 0 : Math.max(...ticks);
}

/**
 * The message the stakeholders are owed now, judged from the timeline; `passed` lists the
 * keys the caller already found nobody hears (not sent, not asked again). Only the latest
 * cadence tick's update is owed: an older one says less than it.
 */
export function dueStakeholderMessage(
  s: IncidentState,
  passed: ReadonlySet<string> = new Set(),
): DueMessage | undefined {
  const sent = told(s);
  const pick = (m: DueMessage) => (sent.has(m.key) || passed.has(m.key) ? undefined : m);
  if (!sent.has('initial')) return s.status === 'resolved' ? undefined : pick({ kind: 'initial', key: 'initial' });
  if (s.status === 'resolved') return pick({ kind: 'resolution', key: 'resolution' });
  const tick = latestTick(s);
  return tick > 0 ? pick({ kind: 'update', key: `update-${tick}` }) : undefined;
}

export interface StakeholderRecipient {
  type: 'email' | 'slack';
  /** An email address or a Slack channel id. */
  address: string;
}

/** What the workflow sends: the rendered template and who gets it; or why nobody does. */
export type ComposedMessage =
  | { heard: false; why: string }
  | { heard: true; templateId: string; subject?: string; body: string; recipients: StakeholderRecipient[] };

export interface ComposeSources {
  service?: { name?: string; tier?: number; stakeholders?: Stakeholders };
  templates: readonly CommsTemplate[];
  /** Incident types with the templates they prefer. */
  types: ReadonlyArray<{ id: string; templates: readonly string[] }>;
}

/** Why nobody hears a message of a service whose stakeholder lists are empty. */
export const NO_STAKEHOLDER_LISTS = 'the service lists no stakeholders';

/** Everyone a service's stakeholder lists name: each email address and Slack channel. */
export function stakeholderRecipients(lists: Partial<Stakeholders> | undefined): StakeholderRecipient[] {
  return [
    ...(lists?.emails ?? []).map((address) => ({ type: 'email' as const, address })),
    ...(lists?.slackChannels ?? []).map((address) => ({ type: 'slack' as const, address })),
  ];
}

/** Renders the stakeholders' template of the kind for the incident, when its service's stakeholders hear of it. */
export function composeStakeholderMessage(
  sources: ComposeSources,
  s: IncidentState,
  kind: TemplateKind,
  ctx: Omit<ViewContext, 'serviceName' | 'tier'>,
): ComposedMessage {
  const { service } = sources;
  const recipients = stakeholderRecipients(service?.stakeholders);
  if (!service || recipients.length === 0) return { heard: false, why: NO_STAKEHOLDER_LISTS };
  // The initial message decides whether they hear of it; once told, they hear it out.
  if (kind === 'initial' && !stakeholdersHear(service, s.severity)) {
    return { heard: false, why: `the stakeholders do not hear of ${s.severity} (tier ${service.tier ?? 'none'})` };
  }
  const preferred = sources.types.find((t) => t.id === s.incidentType)?.templates;
  const namedByTypes = new Set(sources.types.flatMap((t) => t.templates));
  const want = { kind, audience: 'stakeholders' as const, severity: s.severity, ...(preferred ? { preferred } : {}) };
  const template = pickTemplate(sources.templates, want, namedByTypes);
  if (!template) return { heard: false, why: `no ${kind} template for the stakeholders at ${s.severity}` };
  const view = incidentView(s, {
    ...ctx,
    ...(service.name ? { serviceName: service.name } : {}),
    ...(service.tier === undefined ? {} : { tier: service.tier }),
  });
  return { heard: true, templateId: template.id, ...renderTemplate(template, view), recipients };
}

/** One recipient's notification: the rendered text, keyed by incident run, message and recipient. */
export function stakeholderNotification(
  s: IncidentState,
  m: { workflowId: string; key: string; subject?: string; body: string; occurredAt: string },
  to: StakeholderRecipient,
): Notification {
  const channel = `${to.type}:${to.address}`;
  const idempotencyKey = notificationIdempotencyKey({
    workflowId: m.workflowId,
    runKey: s.runKey,
    kind: 'update',
    userId: 'stakeholders',
    channel,
    discriminator: m.key,
  });
  const recipient = {
    userId: 'stakeholders',
    name: 'Stakeholders',
    contactMethod: { id: channel, type: to.type, address: to.address },
  };
  const n = incidentNotification(s, { idempotencyKey, kind: 'update', recipient, occurredAt: m.occurredAt });
  return { ...n, comms: { ...(m.subject ? { subject: m.subject } : {}), body: m.body } };
}

/** The timeline entry: who was told, who could not be (with why). */
export function stakeholdersEntry(
  at: string,
  due: DueMessage,
  templateId: string,
  outcomes: ReadonlyArray<{ to: StakeholderRecipient; error?: string }>,
): TimelineEvent {
  const reached = outcomes.filter((o) => o.error === undefined).map((o) => o.to.address);
  const failed = outcomes.filter((o) => o.error !== undefined).map((o) => ({ address: o.to.address, error: o.error }));
  const what = `${due.kind} message (template ${templateId})`;
  const told = reached.length > 0 ? `Stakeholders notified: ${what} to ${reached.join(', ')}` : undefined;
  const missed = failed.map((f) => `${f.address}: ${f.error}`).join('; ');
  const message = [told, missed ? `could not reach ${missed}` : undefined].filter(Boolean).join('; ');
  return {
    at,
    type: STAKEHOLDERS_NOTIFIED,
    message: told ? message : `Could not notify stakeholders of the ${what}: ${missed}`,
    data: { message: due.key, kind: due.kind, templateId, reached, failed },
  };
}
