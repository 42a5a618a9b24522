/**
 * Voice channel: a Twilio-compatible Calls API. `POST .../Calls.json` with `To`, `From` and
 * the call's TwiML inline (`Twiml`): the call reads the incident and, while it is open,
 * offers "press 1 to acknowledge, 2 to escalate" (`<Gather numDigits="1">`). The key
 * pressed comes back to `VIGIL_PUBLIC_URL` + /api/v1/integrations/twilio/voice with the
 * incident, its number, the user and the time the page was decided in the query; Twilio
 * signs that URL with the rest of the callback, so none of it can be forged, and the time
 * lets the API refuse a stale callback (older than 30 minutes). Without VIGIL_PUBLIC_URL the
 * call only reads the incident.
 */
import { z } from 'zod';
import { IdSchema } from '../../domain/common/fields';
import type { DeliveryReceipt, Notification } from '../../domain/incident/notification';
import { INCIDENT_ID_PATTERN } from '../../api/incident-id';
import type { Logger } from '../../lib/logger';
import type { NotificationChannel } from '../../activities/notify/channel';
import { incidentRef, whatHappened } from '../../activities/notify/format';
import { twilioSender, type TwilioRestDeps } from './rest';
import { escapeXml, say, twiml } from './twiml';

export const VOICE_CALLBACK_PATH = '/api/v1/integrations/twilio/voice';
/** A key pressed on a call placed longer ago than this is refused as stale (a call lasts minutes). */
export const VOICE_CALLBACK_MAX_AGE_SEC = 30 * 60;
export const VOICE_DIGITS = { '1': 'acknowledge', '2': 'escalate' } as const;

/** What the callback URL carries: incident, its number, the user called, when the page was decided (epoch s). */
export const voiceCallbackQuery = z.object({
  i: z.string().regex(INCIDENT_ID_PATTERN, 'must be an incident id'),
  n: z.coerce.number().int().min(0).optional(),
  u: IdSchema,
  t: z.coerce.number({ error: 'must be epoch seconds' }).int().min(0),
});
export type VoiceCallbackRef = z.infer<typeof voiceCallbackQuery>;

export function voiceCallbackUrl(publicUrl: string, ref: VoiceCallbackRef): string {
  const query = new URLSearchParams({
    i: ref.i,
    ...(ref.n === undefined ? {} : { n: String(ref.n) }),
    u: ref.u,
    t: String(ref.t),
  });
  return `${publicUrl.replace(/\/+$/, '')}${VOICE_CALLBACK_PATH}?${query.toString()}`;
}

/** What the call says: severity, incident, service, summary and what happened, without symbols a voice reads oddly. */
export function spokenPage(n: Notification): string {
  const ref = incidentRef(n).replace('#', 'incident ');
  const text = `Vigil ${n.kind === 'page' ? 'page' : 'notice'}. ${n.severity} ${ref} on ${n.service}: ${n.summary}. ${whatHappened(n)}.`;
  return text.replace(/[#*_`<>{}[\]|]/g, ' ').slice(0, 1200);
}

/** The call: the incident read twice, inside a one-key Gather while the incident is open and a callback URL exists. */
export function pageTwiml(n: Notification, actionUrl?: string): string {
  const text = spokenPage(n);
  if (!actionUrl || n.status === 'resolved') return twiml(say(text));
  const prompt = `${text} Press 1 to acknowledge, 2 to escalate.`;
  return twiml(
    `<Gather numDigits="1" timeout="10" method="POST" action="${escapeXml(actionUrl)}">${say(prompt, 2)}</Gather>`,
    say('No key pressed. Goodbye.'),
  );
}

export interface VoiceChannelDeps extends TwilioRestDeps {
  /** The caller number (E.164): VIGIL_TWILIO_VOICE_FROM, else VIGIL_TWILIO_FROM. */
  from: string;
  /** VIGIL_PUBLIC_URL: where Twilio posts the key pressed; absent: the call only reads the incident. */
  publicUrl?: string;
  log: Logger;
}

export function createVoiceChannel(deps: VoiceChannelDeps): NotificationChannel {
  const send = twilioSender(deps, 'Calls', 'voice');
  const now = deps.now ?? Date.now;
  return {
    type: 'voice',
    async send(n, ctx): Promise<DeliveryReceipt> {
      // As of the notification, not the attempt: every retry places the same call (and Twilio dedups it).
      const decided = Date.parse(n.occurredAt);
      const t = Math.floor((Number.isFinite(decided) ? Math.min(decided, now()) : now()) / 1000);
      const action = deps.publicUrl
        ? voiceCallbackUrl(deps.publicUrl, { i: n.incidentId, n: n.incidentNumber, u: n.recipient.userId, t })
        : undefined;
      return send(n, { From: deps.from, Twiml: pageTwiml(n, action) }, ctx);
    },
  };
}
