/**
 * Route table entries for people and their traces: personal tokens, the audit log, and
 * readiness (would a page reach someone). See
 * ./openapi-routes for the entry format.
 */
import { z } from 'zod';
import type { Content, RouteDoc } from './openapi-routes';
import { AuditListSchema, auditQuery } from './routes/audit';
import { readinessQuery, ReadinessSchema } from './routes/readiness';
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
];
