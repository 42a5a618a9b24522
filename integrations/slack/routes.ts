/**
 * Acting from Slack, authenticated by Slack's request signature instead of a token:
 *   POST /api/v1/slack/commands      slash command `/incident ...` (form-encoded)
 *   POST /api/v1/slack/interactions  button presses (form field `payload` = JSON)
 * The raw body is read before any parsing and verified (HMAC, constant time, 5-minute
 * window). Slack wants an answer within 3 s: the route answers at once, then runs the
 * command (a workflow update may take longer) and posts the result to `response_url`,
 * only when that URL starts with the configured prefix (https://hooks.slack.com/), so a
 * signed request cannot make Vigil post anywhere else. A Slack user is acted for only
 * when a Vigil user has a `slack` contact method with that Slack user id.
 */
import express, { Router, type Request } from 'express';
import type { Logger } from '../../lib/logger';
import type { IncidentGateway } from '../../api/incident-gateway';
import type { RunbookGateway } from '../../api/routes/runbooks';
import { runAction, runSlashCommand, type SlackMessage } from './commands';
import { mongoSlackDirectory, type SlackDirectory } from './directory';
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, verifySlackRequest } from './verify';

export interface SlackRouteDeps {
  /** VIGIL_SLACK_SIGNING_SECRET. */
  signingSecret: string;
  incidents: IncidentGateway;
  log: Logger;
  /** VIGIL_SLACK_RESPONSE_URL_PREFIX. */
  responseUrlPrefix?: string;
  /** VIGIL_SLACK_DECLARE_SERVICE. */
  declareService?: string;
  /** Approve / Deny buttons of runbook approval steps. */
  runbooks?: Pick<RunbookGateway, 'decide'>;
  directory?: SlackDirectory;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/** Slack's own limit for these payloads is far below this. */
const BODY_LIMIT = '64kb';

export function slackRoutes(deps: SlackRouteDeps): Router {
  const router = Router();
  const directory = deps.directory ?? mongoSlackDirectory;
  const now = deps.now ?? Date.now;
  const prefix = deps.responseUrlPrefix ?? 'https://hooks.slack.com/';
  const doFetch = deps.fetch ?? globalThis.fetch;
  const commandDeps = {
    incidents: deps.incidents,
    runbooks: deps.runbooks,
    directory,
    declareService: deps.declareService,
    now,
  };

  // The exact bytes Slack signed: no urlencoded/json parser runs before this.
  router.use(express.raw({ type: () => true, limit: BODY_LIMIT }));
  router.use((req, res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = verifySlackRequest(
      deps.signingSecret,
      header(req, SLACK_TIMESTAMP_HEADER),
      header(req, SLACK_SIGNATURE_HEADER),
      raw,
      now(),
    );
    if (!result.ok) {
      req.log?.warn({ reason: result.reason }, 'slack request refused');
      res.status(401).json({ error: 'invalid_signature', reason: result.reason });
      return;
    }
    res.locals.form = new URLSearchParams(raw.toString('utf8'));
    next();
  });

  /** Posts the outcome to response_url; failures are logged (the user already has our "working" answer). */
  const respond = async (responseUrl: string | undefined, message: SlackMessage) => {
    if (!responseUrl || !responseUrl.startsWith(prefix)) {
      deps.log.warn({ prefix }, 'slack response_url missing or outside the allowed prefix; result not posted');
      return;
    }
    try {
      const res = await doFetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (!res.ok) deps.log.warn({ status: res.status }, 'slack response_url refused the result');
    } catch (err) {
      deps.log.warn({ err }, 'could not post to slack response_url');
    }
  };
  /** Runs after the HTTP answer has gone out. */
  const later = (work: () => Promise<SlackMessage>, responseUrl: string | undefined) => {
    setImmediate(() => {
      void work().then(
        (message) => respond(responseUrl, message),
        (err: unknown) => {
          deps.log.error({ err }, 'slack command failed');
          return respond(responseUrl, {
            response_type: 'ephemeral',
            text: 'Something went wrong; the error is in the Vigil API log.',
          });
        },
      );
    });
  };
  const notMapped = (slackUserId: string): SlackMessage => ({
    response_type: 'ephemeral',
    text:
      `Your Slack user ${slackUserId} is not mapped to a Vigil user. Ask an admin to add a contact method ` +
      `{"type": "slack", "address": "${slackUserId}"} to your Vigil user.`,
  });

  router.post('/commands', async (req, res) => {
    const form = res.locals.form as URLSearchParams;
    const slackUserId = form.get('user_id') ?? '';
    const text = form.get('text') ?? '';
    const user = slackUserId ? await directory.userBySlackId(slackUserId) : undefined;
    if (!user) {
      res.json(notMapped(slackUserId || '(none)'));
      return;
    }
    req.log?.info({ slackUserId, userId: user.id, verb: text.trim().split(/\s+/)[0] }, 'slack command');
    res.json({
      response_type: 'ephemeral',
      text: `Working on \`${form.get('command') ?? '/incident'} ${text.trim()}\`…`,
    });
    later(() => runSlashCommand(text, user.id, commandDeps), form.get('response_url') ?? undefined);
  });

  router.post('/interactions', async (req, res) => {
    const form = res.locals.form as URLSearchParams;
    let payload: {
      type?: string;
      user?: { id?: string };
      actions?: Array<{ action_id?: string; value?: string }>;
      response_url?: string;
    };
    try {
      payload = JSON.parse(form.get('payload') ?? '');
    } catch {
      res.status(400).json({ error: 'invalid_payload' });
      return;
    }
    const responseUrl = typeof payload.response_url === 'string' ? payload.response_url : undefined;
    if (payload.type !== 'block_actions') {
      res.status(200).end();
      return;
    }
    const slackUserId = payload.user?.id ?? '';
    const user = slackUserId ? await directory.userBySlackId(slackUserId) : undefined;
    res.status(200).end(); // acknowledged at once; the outcome goes to response_url
    if (!user) {
      later(async () => notMapped(slackUserId || '(none)'), responseUrl);
      return;
    }
    for (const action of payload.actions ?? []) {
      if (!action.action_id || !action.value) continue;
      req.log?.info({ slackUserId, userId: user.id, action: action.action_id }, 'slack action');
      const { action_id: actionId, value } = action;
      later(
        async () => ({ replace_original: false, ...(await runAction(actionId, value, user.id, commandDeps)) }),
        responseUrl,
      );
    }
  });
  return router;
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
