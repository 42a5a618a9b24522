/**
 * SMS channel: a Twilio-compatible Messages API.
 *
 * Request: `POST {baseUrl}/2010-04-01/Accounts/{sid}/Messages.json`, basic auth sid:token,
 * form-encoded `To`, `From`, `Body`, and `I-Twilio-Idempotency-Token: <idempotency key>`
 * (Twilio dedups requests carrying the same token). Answers are classified like the
 * webhook's: 2xx sent, 408/429/5xx retried (Retry-After honoured), other 4xx (invalid
 * number, unverified recipient, bad credentials) refused for good. With `replies` (two-way
 * SMS, integrations/twilio/routes.ts), a page for an open incident says how to answer.
 */
import type { Logger } from '../../lib/logger';
import type { DeliveryReceipt } from '../../domain/incident/notification';
import { twilioSender, type TwilioRestDeps } from '../../integrations/twilio/rest';
import type { NotificationChannel } from './channel';
import { incidentRef, localTime, tierLabel } from './format';

export interface SmsChannelDeps extends TwilioRestDeps {
  /** Sender number (E.164) or messaging service id. */
  from: string;
  /** Replies to this number reach Vigil (VIGIL_PUBLIC_URL is set): pages say "Reply 1 to ack". */
  replies?: boolean;
  log: Logger;
}

/** SMS bodies stay short: two segments at most. */
const MAX_BODY = 300;
export const SMS_REPLY_HINT = 'Reply 1 to ack, 2 to escalate, "resolve" to resolve.';

/** Header and text, cut to fit; the link is kept whole (a cut link is a broken one) or, if it cannot fit, left out. */
export function smsBody(n: Parameters<NotificationChannel['send']>[0], replies = false): string {
  const hint = replies && n.kind === 'page' && n.status !== 'resolved' ? `\n${SMS_REPLY_HINT}` : '';
  const text = [
    `[${n.severity}] ${incidentRef(n)} ${n.service}${tierLabel(n)} ${n.kind === 'page' ? 'TRIGGERED' : n.kind.toUpperCase()} ${localTime(n)}`,
    n.message ?? n.summary,
  ].join('\n');
  // The incident's link first, then the bridge (short: its URL alone), each kept only while the text keeps 40 characters.
  const links: string[] = [];
  for (const l of [n.links?.incident, n.bridge?.url]) {
    if (l && roomFor(hint, [...links, l]) >= 40) links.push(l);
  }
  return links.length > 0
    ? `${text.slice(0, roomFor(hint, links)).trimEnd()}\n${links.join('\n')}${hint}`
    : `${text.slice(0, MAX_BODY - hint.length)}${hint}`;
}

/** Characters left for the text beside the hint and the links (one line each). */
const roomFor = (hint: string, links: readonly string[]): number =>
  MAX_BODY - hint.length - links.reduce((sum, l) => sum + l.length + 1, 0);

export function createSmsChannel(deps: SmsChannelDeps): NotificationChannel {
  const send = twilioSender(deps, 'Messages', 'sms');
  return {
    type: 'sms',
    send: (n, ctx): Promise<DeliveryReceipt> => send(n, { From: deps.from, Body: smsBody(n, deps.replies) }, ctx),
  };
}
