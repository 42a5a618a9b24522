/**
 * Route table entries for people and their traces: personal tokens, the audit log,
 * readiness (would a page reach someone) and Twilio's callbacks (acting by phone). See
 * ./openapi-routes for the entry format.
 */
import { z } from 'zod';
import type { Content, RouteDoc } from './openapi-routes';
import { AuditListSchema, auditQuery } from './routes/audit';
import { readinessQuery, ReadinessSchema } from './routes/readiness';
import { smsForm, voiceForm } from '../integrations/twilio/routes';
import { voiceCallbackQuery } from '../integrations/twilio/voice';
import { createTokenBody, CreatedTokenSchema, tokenParams, TokenViewSchema, userIdParam } from './routes/tokens';

const json = (schema: z.ZodType | null): Content => ({ 'application/json': schema });
const E400 = 'The fields at fault, each named';
const E503 = 'MongoDB is unavailable; retry';
const SELF = 'An admin token, or a personal token of this user (a shared responder token is nobody in particular).';
const tokens = { tag: 'Tokens', auth: 'responder' } as const;

export const IDENTITY_ROUTES: readonly RouteDoc[] = [
  {
    ...tokens,
    method: 'post',
    path: '/api/v1/users/{userId}/tokens',
    operationId: 'createUserToken',
    summary: 'Create a personal token; the only answer that shows it',
    description: `${SELF} Only an admin may create an admin token. The token acts as the user: the user id is the actor of everything done with it.`,
    params: { path: userIdParam },
    body: { content: json(createTokenBody) },
    responses: {
      201: { description: 'Created: `token` is shown here once', content: json(CreatedTokenSchema) },
      400: E400,
      403: 'Not an admin nor this user, or an admin token asked for by a non-admin',
      404: 'Unknown user',
      503: E503,
    },
  },
  {
    ...tokens,
    method: 'get',
    path: '/api/v1/users/{userId}/tokens',
    operationId: 'listUserTokens',
    summary: "The user's tokens, revoked and expired ones included (never the secret)",
    description: SELF,
    params: { path: userIdParam },
    responses: {
      200: { description: '{ data }', content: json(z.object({ data: z.array(TokenViewSchema) })) },
      400: E400,
      403: 'Not an admin nor this user',
      404: 'Unknown user',
      503: E503,
    },
  },
  {
    ...tokens,
    method: 'delete',
    path: '/api/v1/users/{userId}/tokens/{tokenId}',
    operationId: 'revokeUserToken',
    summary: 'Revoke a token (at once on this API, within 5 s on others)',
    description: `${SELF} Revoking twice keeps the first time.`,
    params: { path: tokenParams },
    responses: {
      204: 'Revoked',
      400: E400,
      403: 'Not an admin nor this user',
      404: 'Unknown user or token',
      503: E503,
    },
  },
  {
    method: 'get',
    path: '/api/v1/audit',
    operationId: 'listAuditEntries',
    tag: 'Audit',
    auth: 'admin',
    summary: 'Audit entries, newest first',
    description:
      'One entry per configuration write, incident command, token created or revoked and runbook decision, accepted or refused. `target` also matches entries below it (`user:ola` finds `user:ola/token:...`).',
    params: {
      query: auditQuery,
      describe: { from: 'Inclusive', to: 'Exclusive', limit: 'Default 100' },
    },
    responses: { 200: { description: '{ data }', content: json(AuditListSchema) }, 400: E400, 503: E503 },
  },
  {
    method: 'get',
    path: '/api/v1/readiness',
    operationId: 'getPagingReadiness',
    tag: 'Configuration',
    auth: 'admin',
    summary: 'Would a page reach someone: unreachable users, escalation levels with gaps, services without a policy',
    description:
      'Warnings over the next 14 days from `at`: users none of whose notification rules use a channel this deployment delivers, escalation levels that resolve to nobody at some moment (schedule gaps, empty teams), services whose policy does not exist. The config apply and `npm run config:check` report the same.',
    params: { query: readinessQuery, describe: { at: 'Default: now' } },
    responses: { 200: { description: 'The report', content: json(ReadinessSchema) }, 400: E400, 503: E503 },
  },
  ...(['voice', 'sms'] as const).map((kind): RouteDoc => ({
    method: 'post',
    path: `/api/v1/integrations/twilio/${kind}`,
    operationId: kind === 'voice' ? 'twilioVoiceKeyPressed' : 'twilioSmsReply',
    tag: 'Twilio',
    auth: 'twilioSignature',
    feature: 'twilio',
    summary:
      kind === 'voice'
        ? 'A key pressed on a page call: 1 acknowledges, 2 escalates'
        : 'A reply to an SMS page: "1"/"ack", "2"/"escalate", "resolve", optionally with the incident number',
    ...(kind === 'voice'
      ? {
          params: {
            query: voiceCallbackQuery,
            describe: {
              i: 'Incident id',
              n: 'Incident number',
              u: 'User called',
              t: 'When the page was decided (epoch s)',
            },
          },
        }
      : {}),
    body: {
      content: { 'application/x-www-form-urlencoded': kind === 'voice' ? voiceForm : smsForm },
      description: "Twilio's form (more fields are signed and ignored)",
    },
    responses: {
      200: { description: 'TwiML: what the person hears or is texted back', content: { 'text/xml': null } },
      400: E400,
      403: 'Bad or missing signature; stale (a call placed over 30 minutes ago, or a call or message already acted on); a call to a number that is not the paged user’s',
      503: 'Temporal or MongoDB is unavailable; retry',
    },
  })),
];
