/**
 * Twilio's callbacks, authenticated by X-Twilio-Signature instead of a token:
 *   POST /api/v1/integrations/twilio/voice  the key pressed on a page call (Gather action)
 *   POST /api/v1/integrations/twilio/sms    a reply to an SMS page ("1", "ack", "resolve 42")
 * Each acts for the Vigil user who owns the phone number (a `voice` / `sms` contact method)
 * and is audited as that user. Refused: an unsigned or badly signed request (403), and a
 * stale one (403): a call placed more than 30 minutes before the key press (the signed
 * callback URL carries when), or a call or message Vigil has already acted on (a replay).
 * Answers are TwiML: Twilio says or texts the outcome to the person.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { noteAudit } from '../../api/audit';
import { HttpError } from '../../api/errors';
import { defineRoute } from '../../api/http/route';
import { feature, type Services } from '../../api/http/services';
import type { IncidentGateway } from '../../api/incident-gateway';
import { mongoTwilioDirectory } from './directory';
import type { TwilioServices } from './services';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from './signature';
import { parseSmsReply, SMS_REPLY_USAGE, type ReplyAction } from './sms-replies';
import { message, say, twiml, TWIML_TYPE, escapeXml } from './twiml';
import { VOICE_CALLBACK_MAX_AGE_SEC, VOICE_DIGITS, voiceCallbackQuery } from './voice';

const E164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number');
/** The form fields each callback needs (Twilio sends many more; they are signed and ignored). */
export const voiceForm = z.object({
  CallSid: z.string().regex(/^CA[0-9a-f]{32}$/, 'must be a call sid: CA and 32 hex digits'),
  To: E164,
  Digits: z.string().max(20).optional(),
});
export const smsForm = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/, 'must be a message sid: SM and 32 hex digits'),
  From: E164,
  Body: z.string().max(1600, 'must be at most 1600 characters'),
});

const PAST: Record<ReplyAction, string> = { acknowledge: 'acknowledged', escalate: 'escalated', resolve: 'resolved' };
const stale = (reason: string) => new HttpError(403, 'stale_callback', reason);
const baseUrl = (twilio: TwilioServices) => twilio.publicUrl.replace(/\/+$/, '');
const rawForm = (req: Request) => new URLSearchParams(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');

/** The exact parameters Twilio signed, names repeated as sent: no other parser runs before this. */
function signed(services: Services): RequestHandler[] {
  const twilio = feature(services, 'twilio');
  const verify: RequestHandler = (req, _res, next) => {
    const signature = req.headers[TWILIO_SIGNATURE_HEADER];
    if (
      !verifyTwilioSignature(twilio.authToken, baseUrl(twilio) + req.originalUrl, rawForm(req), String(signature ?? ''))
    ) {
      req.log?.warn({ path: req.path }, 'twilio callback refused: bad or missing signature');
      next(new HttpError(403, 'invalid_signature', `missing or invalid ${TWILIO_SIGNATURE_HEADER}`));
      return;
    }
    next();
  };
  return [express.raw({ type: () => true, limit: '64kb' }), verify];
}

const actAs = (req: Request, user: { id: string; name: string }) => {
  req.principal = { role: 'responder', name: user.name, actor: user.id, userId: user.id };
};

/** Runs the command; the outcome (or the refusal) is what the person hears or reads. */
async function run(
  incidents: IncidentGateway,
  res: Response,
  incidentId: string,
  action: ReplyAction,
  by: string,
  note: string,
) {
  noteAudit(res, { action: `incident.${action}`, target: `incident:${incidentId}` });
  try {
    const state = await incidents.command(incidentId, action, { by, note });
    return `Incident ${state.number ?? incidentId} ${PAST[action]}.`;
  } catch (err) {
    if (!(err instanceof HttpError) || (err.status !== 409 && err.status !== 404)) throw err;
    noteAudit(res, { refused: err.message });
    return `Not ${PAST[action]}: ${err.message}.`;
  }
}

const alreadyRead: RequestHandler = (_req, _res, next) => next();
const form = <S extends z.ZodType>(schema: S) => ({
  schema,
  parser: alreadyRead,
  read: (req: Request) => Object.fromEntries(rawForm(req)),
  where: 'form',
  content: { 'application/x-www-form-urlencoded': schema },
  description: "Twilio's form (more fields are signed and ignored)",
});
const base = {
  method: 'post',
  tag: 'Twilio',
  auth: 'twilioSignature',
  feature: 'twilio',
  middleware: signed,
  audit: { action: 'incident.phone', target: () => 'incident' },
} as const;
const responses = {
  200: { description: 'TwiML: what the person hears or is texted back', content: { 'text/xml': z.string() } },
  400: 'The fields at fault, each named',
  403: 'Bad or missing signature; stale (a call placed over 30 minutes ago, or a call or message already acted on); a call to a number that is not the paged user’s',
  503: 'Temporal or MongoDB is unavailable; retry',
};
const answer = (...verbs: string[]) => ({ body: twiml(...verbs), extra: { type: TWIML_TYPE } });
const directoryOf = (services: Services) => {
  const twilio = feature(services, 'twilio');
  return { twilio, directory: twilio.directory ?? mongoTwilioDirectory, now: twilio.now ?? Date.now };
};

export const twilioRoutes = [
  defineRoute({
    ...base,
    path: '/api/v1/integrations/twilio/voice',
    operationId: 'twilioVoiceKeyPressed',
    summary: 'A key pressed on a page call: 1 acknowledges, 2 escalates',
    request: {
      query: voiceCallbackQuery,
      describe: { i: 'Incident id', n: 'Incident number', u: 'User called', t: 'When the page was decided (epoch s)' },
      body: form(voiceForm),
    },
    responses,
    handler: async ({ query: ref, body: call }, services, { reply, req, res }) => {
      const { twilio, directory, now } = directoryOf(services);
      const say200 = (...verbs: string[]) => {
        const { body, extra } = answer(...verbs);
        return reply(200, body, extra);
      };
      const user = await directory.userByPhone('voice', call.To);
      if (!user || user.id !== ref.u) {
        throw new HttpError(403, 'unknown_callee', 'the number called is not a voice contact of the user paged');
      }
      actAs(req, user);
      noteAudit(res, { target: `incident:${ref.i}` });
      const age = now() / 1000 - ref.t;
      if (age > VOICE_CALLBACK_MAX_AGE_SEC || age < -300) throw stale('the call was placed more than 30 minutes ago');
      const digits = call.Digits ?? '';
      const action = Object.hasOwn(VOICE_DIGITS, digits)
        ? VOICE_DIGITS[digits as keyof typeof VOICE_DIGITS]
        : undefined;
      if (!action) {
        noteAudit(res, { refused: `key "${digits}" is not 1 or 2` });
        const again = `<Gather numDigits="1" timeout="10" method="POST" action="${escapeXml(baseUrl(twilio) + req.originalUrl)}">${say('Press 1 to acknowledge, 2 to escalate.')}</Gather>`;
        return say200(again, say('Goodbye.'));
      }
      if (!(await directory.claim(`voice:${call.CallSid}`))) throw stale('this call has already acted');
      const state = await services.incidents.state(ref.i).catch((err: unknown) => {
        if (err instanceof HttpError && err.status === 404) return undefined;
        throw err;
      });
      if (!state || (ref.n !== undefined && state.number !== ref.n)) {
        noteAudit(res, { refused: `incident #${ref.n} has ended` });
        return say200(say(`This page was for incident ${ref.n}, which has ended. Goodbye.`));
      }
      return say200(say(`${await run(services.incidents, res, ref.i, action, user.id, 'by phone')} Goodbye.`));
    },
  }),
  defineRoute({
    ...base,
    path: '/api/v1/integrations/twilio/sms',
    operationId: 'twilioSmsReply',
    summary: 'A reply to an SMS page: "1"/"ack", "2"/"escalate", "resolve", optionally with the incident number',
    request: { body: form(smsForm) },
    responses,
    handler: async ({ body: sms }, services, { reply, req, res }) => {
      const { directory } = directoryOf(services);
      const text200 = (...verbs: string[]) => {
        const { body, extra } = answer(...verbs);
        return reply(200, body, extra);
      };
      const user = await directory.userByPhone('sms', sms.From);
      if (!user) {
        req.log?.info('twilio sms from a number no user has; ignored');
        return text200();
      }
      actAs(req, user);
      if (!(await directory.claim(`sms:${sms.MessageSid}`))) throw stale('this message was already handled');
      const parsed = parseSmsReply(sms.Body);
      if (!parsed) {
        noteAudit(res, { action: 'incident.sms-reply', refused: 'not a command' });
        return text200(message(SMS_REPLY_USAGE));
      }
      const pages = await directory.smsPages(user.id);
      const page = parsed.number === undefined ? pages[0] : pages.find((p) => p.number === parsed.number);
      if (!page) {
        const which = parsed.number === undefined ? 'No open incident' : `No open incident #${parsed.number}`;
        noteAudit(res, { action: `incident.${parsed.action}`, refused: `${which} was paged to ${user.id} by SMS` });
        return text200(message(`${which} was paged to this number.`));
      }
      const outcome = await run(services.incidents, res, page.incidentId, parsed.action, user.id, 'by SMS reply');
      return text200(message(outcome));
    },
  }),
];
