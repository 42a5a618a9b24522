/**
 * Acting from Slack, authenticated by Slack's request signature instead of a token:
 *   POST /api/v1/slack/commands      slash command `/incident ...` (form-encoded)
 *   POST /api/v1/slack/interactions  button presses (form field `payload` = JSON)
 * The raw body is read before any parsing and verified (HMAC, constant time, 5-minute
 * window). Slack wants an answer within 3 s: the route answers at once, then runs the
 * command (a workflow update may take longer) and posts the result to `response_url`
 * (./respond-later). A Slack user is acted for only when a Vigil user has a `slack`
 * contact method with that Slack user id.
 */
import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { defineRoute, ok } from '../../api/http/route';
import { feature, type Services } from '../../api/http/services';
import { runAction, runSlashCommand, type SlackMessage } from './commands';
import { mongoSlackDirectory } from './directory';
import { createLater } from './respond-later';
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, verifySlackRequest } from './verify';

/** Slack's own limit for these payloads is far below this. */
const BODY_LIMIT = '64kb';

export const SlackMessageSchema = z.object({
  response_type: z.enum(['ephemeral', 'in_channel']),
  text: z.string(),
  replace_original: z.boolean().optional(),
});
const SignatureRefusedSchema = z.object({ error: z.literal('invalid_signature'), reason: z.string() });
const commandForm = z.object({
  command: z.string().optional(),
  text: z.string().optional(),
  user_id: z.string().optional(),
  response_url: z.string().optional(),
  /** Inside an incident channel, commands need no incident id. */
  channel_id: z.string().max(30).optional(),
});
const interactionForm = z.object({ payload: z.string().optional() });
const interactionPayload = z.object({
  type: z.string().optional(),
  user: z.object({ id: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string().optional(), value: z.string().optional() })).optional(),
  response_url: z.string().optional(),
});

/** The exact bytes Slack signed, verified before anything else reads them. */
function signed(services: Services): RequestHandler[] {
  const slack = feature(services, 'slack');
  const now = slack.now ?? Date.now;
  const verify: RequestHandler = (req, res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = (name: string) => [req.headers[name]].flat()[0];
    const result = verifySlackRequest(
      slack.signingSecret,
      header(SLACK_TIMESTAMP_HEADER),
      header(SLACK_SIGNATURE_HEADER),
      raw,
      now(),
    );
    if (!result.ok) {
      req.log?.warn({ reason: result.reason }, 'slack request refused');
      res.status(401).json({ error: 'invalid_signature', reason: result.reason });
      return;
    }
    next();
  };
  return [express.raw({ type: () => true, limit: BODY_LIMIT }), verify];
}

/** The form's fields, the first value of each (as URLSearchParams.get reads them). */
function formFields(req: Request): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams((req.body as Buffer).toString('utf8'))) fields[name] ??= value;
  return fields;
}

function slackContext(services: Services) {
  const slack = feature(services, 'slack');
  const directory = slack.directory ?? mongoSlackDirectory;
  const later = createLater({
    prefix: slack.responseUrlPrefix ?? 'https://hooks.slack.com/',
    fetch: slack.fetch ?? globalThis.fetch,
    log: services.log,
  });
  const runbooks = slack.runbooks ?? services.runbooks?.gateway;
  const commandDeps = {
    incidents: slack.incidents ?? services.incidents,
    runbooks,
    directory,
    declareService: slack.declareService,
    now: slack.now,
  };
  return { directory, later, commandDeps };
}

const notMapped = (slackUserId: string): SlackMessage => ({
  response_type: 'ephemeral',
  text:
    `Your Slack user ${slackUserId} is not mapped to a Vigil user. Ask an admin to add a contact method ` +
    `{"type": "slack", "address": "${slackUserId}"} to your Vigil user.`,
});
const alreadyRead: RequestHandler = (_req, _res, next) => next();
const form = <S extends z.ZodType>(schema: S, fields: string) => ({
  schema,
  parser: alreadyRead,
  read: formFields,
  where: 'form',
  content: { 'application/x-www-form-urlencoded': schema },
  description: `Slack's form fields: ${fields}`,
});
const base = {
  method: 'post',
  tag: 'Slack',
  auth: 'slackSignature',
  feature: 'slack',
  middleware: signed,
} as const;
const refused = ok('Bad or stale signature', SignatureRefusedSchema);

export const slackRoutes = [
  defineRoute({
    ...base,
    path: '/api/v1/slack/commands',
    operationId: 'postSlackCommand',
    summary: 'Slash command /incident ...',
    request: { body: form(commandForm, 'command, text, user_id, response_url') },
    responses: {
      200: ok(
        'Answered at once ("Working on ..." or "not mapped"); the result goes to response_url',
        SlackMessageSchema,
      ),
      401: refused,
    },
    handler: async ({ body: f }, services, { reply, req }) => {
      const { directory, later, commandDeps } = slackContext(services);
      const slackUserId = f.user_id ?? '';
      const text = f.text ?? '';
      const user = slackUserId ? await directory.userBySlackId(slackUserId) : undefined;
      if (!user) return reply(200, notMapped(slackUserId || '(none)'));
      req.log?.info({ slackUserId, userId: user.id, verb: text.trim().split(/\s+/)[0] }, 'slack command');
      later(() => runSlashCommand(text, user.id, commandDeps, f.channel_id), f.response_url);
      return reply(200, {
        response_type: 'ephemeral',
        text: `Working on \`${f.command ?? '/incident'} ${text.trim()}\`…`,
      });
    },
  }),
  defineRoute({
    ...base,
    path: '/api/v1/slack/interactions',
    operationId: 'postSlackInteraction',
    summary: 'Buttons: acknowledge, resolve, escalate, runbook approvals',
    request: { body: form(interactionForm, 'payload (JSON: type, user, actions, response_url)') },
    responses: {
      200: { description: 'Acknowledged at once (empty); the outcome goes to response_url' },
      400: ok('The payload is not JSON', z.object({ error: z.literal('invalid_payload') })),
      401: refused,
    },
    handler: async ({ body: f }, services, { reply, req }) => {
      let json: unknown;
      try {
        json = JSON.parse(f.payload ?? '');
      } catch {
        return reply(400, { error: 'invalid_payload' });
      }
      const payload = interactionPayload.safeParse(json).data;
      if (payload?.type !== 'block_actions') return reply(200, undefined);
      const { directory, later, commandDeps } = slackContext(services);
      const slackUserId = payload.user?.id ?? '';
      const user = slackUserId ? await directory.userBySlackId(slackUserId) : undefined;
      if (!user) {
        later(async () => notMapped(slackUserId || '(none)'), payload.response_url);
        return reply(200, undefined);
      }
      for (const { action_id: actionId, value } of payload.actions ?? []) {
        if (!actionId || !value) continue;
        req.log?.info({ slackUserId, userId: user.id, action: actionId }, 'slack action');
        const run = async () => ({
          replace_original: false,
          ...(await runAction(actionId, value, user.id, commandDeps)),
        });
        later(run, payload.response_url);
      }
      return reply(200, undefined);
    },
  }),
];
