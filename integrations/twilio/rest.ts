/**
 * One POST to a Twilio-compatible REST resource (`Messages.json` for SMS, `Calls.json` for
 * voice): basic auth sid:token, a form body, and `I-Twilio-Idempotency-Token` (Twilio
 * dedups requests carrying the same token, so a retried send is not a second message or
 * call). Answers are classified like every HTTP channel's (activities/notify/http.ts).
 */
import { rejected, type SendContext } from '../../activities/notify/channel';
import { httpUrl, postOnce } from '../../activities/notify/http';
import type { DeliveryReceipt, Notification } from '../../domain/incident/notification';
import type { Logger } from '../../lib/logger';

export interface TwilioRestDeps {
  /** e.g. https://api.twilio.com (VIGIL_TWILIO_API_URL); tests point it at a local receiver. */
  baseUrl: string;
  accountSid: string;
  /** Never logged. */
  authToken: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

export type TwilioPost = (
  form: Record<string, string>,
  idempotencyKey: string,
  ctx: SendContext,
) => Promise<{ status: number; sid?: string }>;

export function twilioResource(deps: TwilioRestDeps, resource: 'Messages' | 'Calls'): TwilioPost {
  const base = httpUrl(deps.baseUrl);
  if (!base) throw new Error('Twilio channels need an http(s) API base URL (VIGIL_TWILIO_API_URL)');
  const url = new URL(
    `${base.pathname.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(deps.accountSid)}/${resource}.json`,
    base,
  );
  const auth = `Basic ${Buffer.from(`${deps.accountSid}:${deps.authToken}`).toString('base64')}`;
  return async (form, idempotencyKey, ctx) => {
    const res = await postOnce(url, ctx, {
      what: `twilio ${resource.toLowerCase()} api ${url.host}`,
      headers: {
        authorization: auth,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': 'Vigil',
        'i-twilio-idempotency-token': idempotencyKey,
      },
      body: new URLSearchParams(form).toString(),
      timeoutMs: deps.timeoutMs,
      fetch: deps.fetch,
      now: deps.now,
    });
    let sid: string | undefined;
    try {
      const parsed = JSON.parse(res.text) as { sid?: unknown };
      if (typeof parsed.sid === 'string') sid = parsed.sid;
    } catch {
      // Accepted is accepted; the sid is only for the receipt.
    }
    return { status: res.status, ...(sid ? { sid } : {}) };
  };
}

/**
 * A channel's send through one resource: the recipient's number checked (E.164) before
 * anything is posted, `To` added to the channel's form, the answer turned into a receipt.
 */
export function twilioSender(
  deps: TwilioRestDeps & { log: Logger },
  resource: 'Messages' | 'Calls',
  channel: 'sms' | 'voice',
): (n: Notification, form: Record<string, string>, ctx: SendContext) => Promise<DeliveryReceipt> {
  const post = twilioResource(deps, resource);
  const now = deps.now ?? Date.now;
  return async (n, form, ctx) => {
    const to = n.recipient.contactMethod.address;
    if (!/^\+[1-9]\d{1,14}$/.test(to))
      throw rejected(`invalid ${channel} number: not E.164`, { reason: 'invalid_address' });
    const { status, sid } = await post({ To: to, ...form }, n.idempotencyKey, ctx);
    deps.log.debug({ idempotencyKey: n.idempotencyKey, channel, status, sid }, 'twilio accepted');
    return {
      channel,
      idempotencyKey: n.idempotencyKey,
      deliveredAt: new Date(now()).toISOString(),
      status,
      ...(sid ? { providerMessageId: sid } : {}),
    };
  };
}
