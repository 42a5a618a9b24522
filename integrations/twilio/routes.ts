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
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { IncidentGateway } from '../../api/incident-gateway';
import { audited, noteAudit } from '../../api/audit';
import { HttpError, parseOr400 } from '../../api/errors';
import type { AuditLog } from '../../lib/audit';
import type { Logger } from '../../lib/logger';
import { mongoTwilioDirectory, type TwilioDirectory } from './directory';
import { TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from './signature';
import { parseSmsReply, SMS_REPLY_USAGE, type ReplyAction } from './sms-replies';
import { message, say, twiml, TWIML_TYPE, escapeXml } from './twiml';
import { VOICE_CALLBACK_MAX_AGE_SEC, VOICE_DIGITS, voiceCallbackQuery } from './voice';

export interface TwilioRouteDeps {
  /** VIGIL_TWILIO_AUTH_TOKEN: the key of the signatures. */
  authToken: string;
  /** VIGIL_PUBLIC_URL: the URL Twilio called is this plus the path (never the Host header). */
  publicUrl: string;
  incidents: IncidentGateway;
  audit: AuditLog;
  log: Logger;
  directory?: TwilioDirectory;
  now?: () => number;
}

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

export function twilioRoutes(deps: TwilioRouteDeps): Router {
  const router = Router();
  const directory = deps.directory ?? mongoTwilioDirectory;
  const now = deps.now ?? Date.now;
  const base = deps.publicUrl.replace(/\/+$/, '');

  // The exact parameters Twilio signed, names repeated as sent: no parser runs before this.
  router.use(express.raw({ type: () => true, limit: '64kb' }));
  const verify = (req: Request, res: Response, next: (err?: unknown) => void) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const form = new URLSearchParams(raw);
    const signature = req.headers[TWILIO_SIGNATURE_HEADER];
    if (!verifyTwilioSignature(deps.authToken, base + req.originalUrl, form, String(signature ?? ''))) {
      req.log?.warn({ path: req.path }, 'twilio callback refused: bad or missing signature');
      next(new HttpError(403, 'invalid_signature', `missing or invalid ${TWILIO_SIGNATURE_HEADER}`));
      return;
    }
    res.locals.form = Object.fromEntries(form);
    next();
  };
  const actAs = (req: Request, user: { id: string; name: string }) => {
    req.principal = { role: 'responder', name: user.name, actor: user.id, userId: user.id };
  };
  const answer = (res: Response, ...verbs: string[]) =>
    void res
      .status(200)
      .type(TWIML_TYPE)
      .send(twiml(...verbs));

  /** Runs the command; the outcome (or the refusal) is what the person hears or reads. */
  const run = async (res: Response, incidentId: string, action: ReplyAction, by: string, note: string) => {
    noteAudit(res, { action: `incident.${action}`, target: `incident:${incidentId}` });
    try {
      const state = await deps.incidents.command(incidentId, action, { by, note });
      return `Incident ${state.number ?? incidentId} ${PAST[action]}.`;
    } catch (err) {
      if (!(err instanceof HttpError) || (err.status !== 409 && err.status !== 404)) throw err;
      noteAudit(res, { refused: err.message });
      return `Not ${PAST[action]}: ${err.message}.`;
    }
  };

  const callback = audited(deps.audit, { action: 'incident.phone', target: () => 'incident' }, verify);
  router.post('/voice', ...callback, async (req, res) => {
    const ref = parseOr400(voiceCallbackQuery, req.query, 'query');
    const call = parseOr400(voiceForm, res.locals.form, 'form');
    const user = await directory.userByPhone('voice', call.To);
    if (!user || user.id !== ref.u) {
      throw new HttpError(403, 'unknown_callee', 'the number called is not a voice contact of the user paged');
    }
    actAs(req, user);
    noteAudit(res, { target: `incident:${ref.i}` });
    const age = now() / 1000 - ref.t;
    if (age > VOICE_CALLBACK_MAX_AGE_SEC || age < -300) throw stale('the call was placed more than 30 minutes ago');
    const digits = call.Digits ?? '';
    const action = Object.hasOwn(VOICE_DIGITS, digits) ? VOICE_DIGITS[digits as keyof typeof VOICE_DIGITS] : undefined;
    if (!action) {
      noteAudit(res, { refused: `key "${digits}" is not 1 or 2` });
      const again = `<Gather numDigits="1" timeout="10" method="POST" action="${escapeXml(base + req.originalUrl)}">${say('Press 1 to acknowledge, 2 to escalate.')}</Gather>`;
      answer(res, again, say('Goodbye.'));
      return;
    }
    if (!(await directory.claim(`voice:${call.CallSid}`))) throw stale('this call has already acted');
    const state = await deps.incidents.state(ref.i).catch((err: unknown) => {
      if (err instanceof HttpError && err.status === 404) return undefined;
      throw err;
    });
    if (!state || (ref.n !== undefined && state.number !== ref.n)) {
      noteAudit(res, { refused: `incident #${ref.n} has ended` });
      answer(res, say(`This page was for incident ${ref.n}, which has ended. Goodbye.`));
      return;
    }
    answer(res, say(`${await run(res, ref.i, action, user.id, 'by phone')} Goodbye.`));
  });

  router.post('/sms', ...callback, async (req, res) => {
    const sms = parseOr400(smsForm, res.locals.form, 'form');
    const user = await directory.userByPhone('sms', sms.From);
    if (!user) {
      req.log?.info('twilio sms from a number no user has; ignored');
      answer(res);
      return;
    }
    actAs(req, user);
    if (!(await directory.claim(`sms:${sms.MessageSid}`))) throw stale('this message was already handled');
    const reply = parseSmsReply(sms.Body);
    if (!reply) {
      noteAudit(res, { action: 'incident.sms-reply', refused: 'not a command' });
      answer(res, message(SMS_REPLY_USAGE));
      return;
    }
    const pages = await directory.smsPages(user.id);
    const page = reply.number === undefined ? pages[0] : pages.find((p) => p.number === reply.number);
    if (!page) {
      const which = reply.number === undefined ? 'No open incident' : `No open incident #${reply.number}`;
      noteAudit(res, { action: `incident.${reply.action}`, refused: `${which} was paged to ${user.id} by SMS` });
      answer(res, message(`${which} was paged to this number.`));
      return;
    }
    answer(res, message(await run(res, page.incidentId, reply.action, user.id, 'by SMS reply')));
  });
  return router;
}
