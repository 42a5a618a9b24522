/**
 * A local Twilio-compatible receiver for e2e tests: the REST API's Messages.json and
 * Calls.json (basic auth sid:token, form `To`, `From` and `Body` or `Twiml`, as Twilio
 * documents them), recording each message and call; and Twilio's side of the callbacks:
 * pressing a key on a call posts to the call's `<Gather action>`, replying to a message
 * posts to the SMS webhook, each signed with X-Twilio-Signature as Twilio does. The
 * signature is computed here from Twilio's documented algorithm, not with Vigil's code.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlacedCall {
  sid: string;
  to: string;
  from: string;
  twiml: string;
  idempotencyToken?: string;
}
export interface SentMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  idempotencyToken?: string;
}

/** base64(HMAC-SHA1(token, url + each parameter sorted by name as name + value)). */
export function signAsTwilio(authToken: string, url: string, form: Record<string, string>): string {
  const data = Object.keys(form)
    .sort()
    .reduce((acc, name) => acc + name + form[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** `smsWebhook`: where the number's incoming messages go (the API's URL is known only once it runs). */
export async function startTwilioReceiver(opts: { accountSid: string; authToken: string; smsWebhook: () => string }) {
  const calls: PlacedCall[] = [];
  const messages: SentMessage[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const answer = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const m = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) return answer(404, { code: 20404, message: 'not found', status: 404 });
      if (m[1] !== opts.accountSid || req.headers.authorization !== expectedAuth)
        return answer(401, { code: 20003, message: 'Authenticate', status: 401 });
      const [to, from] = [form.get('To'), form.get('From')];
      const content = m[2] === 'Calls' ? form.get('Twiml') : form.get('Body');
      if (!to || !from || !content)
        return answer(400, { code: 21604, message: 'A required parameter is missing', status: 400 });
      const token = req.headers['i-twilio-idempotency-token'] as string | undefined;
      if (m[2] === 'Calls') calls.push({ sid: sid('CA'), to, from, twiml: content, idempotencyToken: token });
      else messages.push({ sid: sid('SM'), to, from, body: content, idempotencyToken: token });
      const made = m[2] === 'Calls' ? calls.at(-1) : messages.at(-1);
      answer(201, { sid: made?.sid, status: 'queued' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signedPost = (url: string, form: Record<string, string>, signature = signAsTwilio(opts.authToken, url, form)) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(form).toString(),
    });

  return {
    base,
    calls,
    messages,
    /** The callee presses `digit`: Twilio posts to the call's Gather action. */
    pressKey(call: PlacedCall, digit: string, signature?: string) {
      const action = /<Gather [^>]*action="([^"]+)"/.exec(call.twiml)?.[1];
      if (!action) throw new Error('the call offers no keys');
      const url = action
        .replace(/&apos;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
      const form = {
        AccountSid: opts.accountSid,
        ApiVersion: '2010-04-01',
        CallSid: call.sid,
        CallStatus: 'in-progress',
        Direction: 'outbound-api',
        Digits: digit,
        From: call.from,
        To: call.to,
      };
      return signedPost(url, form, signature);
    },
    /** `from` texts `body` back to the number a message came from. */
    reply(message: SentMessage, body: string, messageSid = sid('SM')) {
      const form = {
        AccountSid: opts.accountSid,
        ApiVersion: '2010-04-01',
        Body: body,
        From: message.to,
        MessageSid: messageSid,
        NumMedia: '0',
        SmsMessageSid: messageSid,
        To: message.from,
      };
      return signedPost(opts.smsWebhook(), form);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
