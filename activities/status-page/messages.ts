/**
 * What a subscriber receives: an email (text and HTML, the unsubscribe link in both) or a
 * webhook document, for one page update; and the confirmation email of a double opt-in.
 * Pure: the same update gives the same message, byte for byte, on every retry.
 */
import { escapeHtml as escape } from '../../lib/html';
import type { PageIncidentRecord, PageUpdateRecord } from '../../domain/status-page/records';
import type { Announcement } from '../../domain/status-page/subscribers';

export interface UpdateMessageView {
  page: { id: string; name: string; url: string };
  incident: PageIncidentRecord;
  update: PageUpdateRecord;
  announcement: Announcement;
  /** Component id -> its name on the page. */
  componentNames: Record<string, string>;
}

const STATUS_LABEL: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

function affected(v: UpdateMessageView): string {
  return Object.keys(v.incident.components)
    .map((id) => v.componentNames[id] ?? id)
    .join(', ');
}

export function updateEmail(
  v: UpdateMessageView,
  unsubscribeUrl: string,
): { subject: string; text: string; html: string } {
  const label = STATUS_LABEL[v.update.status] ?? v.update.status;
  const subject = `[${v.page.name}] ${label}: ${v.incident.name}`.slice(0, 200);
  const components = affected(v);
  const text = [
    `${v.incident.name}`,
    '',
    `${label} - ${v.update.body}`,
    '',
    ...(components ? [`Affected: ${components}`] : []),
    `Posted: ${v.update.displayAt}`,
    '',
    `Status page: ${v.page.url}`,
    `Unsubscribe: ${unsubscribeUrl}`,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="margin:0 0 8px 0">${escape(v.incident.name)}</h2>`,
    `<p><b>${escape(label)}</b> - ${escape(v.update.body)}</p>`,
    components ? `<p>Affected: ${escape(components)}</p>` : '',
    `<p style="color:#666">Posted ${escape(v.update.displayAt)}</p>`,
    `<p><a href="${escape(v.page.url)}">${escape(v.page.name)}</a></p>`,
    `<p style="color:#666;font-size:12px">You subscribed to ${escape(v.page.name)}. `,
    `<a href="${escape(unsubscribeUrl)}">Unsubscribe</a></p>`,
    '</body></html>',
  ].join('');
  return { subject, text, html };
}

export function confirmationEmail(
  page: { name: string; url: string },
  confirmUrl: string,
): { subject: string; text: string; html: string } {
  const subject = `Confirm your subscription to ${page.name}`.slice(0, 200);
  const text = [
    `Someone (we hope you) asked to be told about incidents on ${page.name} (${page.url}).`,
    '',
    `Confirm: ${confirmUrl}`,
    '',
    'If it was not you, ignore this message: nothing is sent until the link is opened and confirmed.',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>Someone (we hope you) asked to be told about incidents on <a href="${escape(page.url)}">${escape(page.name)}</a>.</p>`,
    `<p><a href="${escape(confirmUrl)}">Confirm the subscription</a></p>`,
    '<p style="color:#666">If it was not you, ignore this message: nothing is sent until the link is opened and confirmed.</p>',
    '</body></html>',
  ].join('');
  return { subject, text, html };
}

export interface SubscriberWebhookPayload {
  event: `incident.${Announcement}`;
  idempotency_key: string;
  occurred_at: string;
  page: { id: string; name: string; url: string };
  incident: {
    id: string;
    name: string;
    status: string;
    impact: string;
    created_at: string;
    resolved_at?: string;
    components: Array<{ id: string; name: string; status: string }>;
  };
  update: { id: string; status: string; body: string; created_at: string; display_at: string };
  subscriber: { id: string };
}

/** The JSON document a webhook subscriber receives (signed like every Vigil webhook). */
export function updateWebhookPayload(
  v: UpdateMessageView,
  subscriberId: string,
  idempotencyKey: string,
): SubscriberWebhookPayload {
  const i = v.incident;
  return {
    event: `incident.${v.announcement}`,
    idempotency_key: idempotencyKey,
    occurred_at: v.update.createdAt,
    page: v.page,
    incident: {
      id: i.id,
      name: i.name,
      status: i.status,
      impact: i.impact,
      created_at: i.createdAt,
      ...(i.resolvedAt ? { resolved_at: i.resolvedAt } : {}),
      components: Object.entries(v.update.components ?? i.components).map(([id, status]) => ({
        id,
        name: v.componentNames[id] ?? id,
        status,
      })),
    },
    update: {
      id: v.update.id,
      status: v.update.status,
      body: v.update.body,
      created_at: v.update.createdAt,
      display_at: v.update.displayAt,
    },
    subscriber: { id: subscriberId },
  };
}
