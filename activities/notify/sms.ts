/**
 * SMS channel: a Twilio-compatible Messages API.
 *
 * Request: `POST {baseUrl}/2010-04-01/Accounts/{sid}/Messages.json`, basic auth sid:token,
 * form-encoded `To`, `From`, `Body`, and `I-Twilio-Idempotency-Token: <idempotency key>`
 * (Twilio dedups requests carrying the same token). Answers are classified like the
 * webhook's: 2xx sent, 408/429/5xx retried (Retry-After honoured), other 4xx (invalid
 * number, unverified recipient, bad credentials) refused for good.
 */
import type { Logger } from '../../lib/logger';
import type { DeliveryReceipt } from '../../domain/incident/notification';
import { rejected, type NotificationChannel } from './channel';
import { incidentRef, localTime, tierLabel } from './format';
import { httpUrl, postOnce } from './http';

export interface SmsChannelDeps {
  /** e.g. https://api.twilio.com (VIGIL_TWILIO_API_URL); tests point it at a local receiver. */
  baseUrl: string;
  accountSid: string;
  /** Never logged. */
  authToken: string;
  /** Sender number (E.164) or messaging service id. */
  from: string;
  timeoutMs?: number;
  log: Logger;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/** SMS bodies stay short: two segments at most. */
const MAX_BODY = 300;

/** Header and text, cut to fit; the link is kept whole (a cut link is a broken one) or, if it cannot fit, left out. */
export function smsBody(n: Parameters<NotificationChannel['send']>[0]): string {
  const text = [
    `[${n.severity}] ${incidentRef(n)} ${n.service}${tierLabel(n)} ${n.kind === 'page' ? 'TRIGGERED' : n.kind.toUpperCase()} ${localTime(n)}`,
    n.message ?? n.summary,
  ].join('\n');
  const link = n.links?.incident;
  const room = MAX_BODY - (link?.length ?? 0) - 1;
  return link && room >= 40 ? `${text.slice(0, room).trimEnd()}\n${link}` : text.slice(0, MAX_BODY);
}

export function createSmsChannel(deps: SmsChannelDeps): NotificationChannel {
  const base = httpUrl(deps.baseUrl);
  if (!base) throw new Error('SMS channel needs an http(s) API base URL (VIGIL_TWILIO_API_URL)');
  const url = new URL(
    `${base.pathname.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(deps.accountSid)}/Messages.json`,
    base,
  );
  const auth = `Basic ${Buffer.from(`${deps.accountSid}:${deps.authToken}`).toString('base64')}`;
  const now = deps.now ?? Date.now;

  return {
    type: 'sms',
    async send(n, ctx): Promise<DeliveryReceipt> {
      const to = n.recipient.contactMethod.address;
      if (!/^\+[1-9]\d{1,14}$/.test(to)) throw rejected('invalid SMS number: not E.164', { reason: 'invalid_address' });
      const body = new URLSearchParams({ To: to, From: deps.from, Body: smsBody(n) }).toString();
      const res = await postOnce(url, ctx, {
        what: `sms api ${url.host}`,
        headers: {
          authorization: auth,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'user-agent': 'Vigil',
          'i-twilio-idempotency-token': n.idempotencyKey,
        },
        body,
        timeoutMs: deps.timeoutMs,
        fetch: deps.fetch,
        now,
      });
      let sid: string | undefined;
      try {
        const parsed = JSON.parse(res.text) as { sid?: unknown };
        if (typeof parsed.sid === 'string') sid = parsed.sid;
      } catch {
        // Accepted is accepted; the message sid is only for the receipt.
      }
      deps.log.debug({ idempotencyKey: n.idempotencyKey, status: res.status, sid }, 'sms accepted');
      return {
        channel: 'sms',
        idempotencyKey: n.idempotencyKey,
        deliveredAt: new Date(now()).toISOString(),
        status: res.status,
        ...(sid ? { providerMessageId: sid } : {}),
      };
    },
  };
}
