/**
 * Personal API tokens, per user: an admin manages anyone's, a person their own.
 *   POST   /users/{userId}/tokens            create; the only answer that shows the token
 *   GET    /users/{userId}/tokens            list (never the token)
 *   DELETE /users/{userId}/tokens/{tokenId}  revoke (204; revoking twice keeps the first time)
 * A non-admin may not mint an admin token. Creating and revoking are audited; the token
 * itself goes nowhere but the 201 body (not the log, not the audit log).
 */
import { z } from 'zod';
import { IdSchema, InstantSchema, toEpochMs } from '../../domain/common';
import { mintToken, PERSONAL_ROLES, TOKEN_ID_PATTERN, type ApiTokenRecord } from '../../lib/models/api-token';
import { noteAudit } from '../audit';
import type { Principal } from '../auth';
import { HttpError, notFound } from '../errors';
import { defineRoute, ok } from '../http/route';
import type { Services } from '../http/services';
import { E503_STORE } from './errors-doc';

export const userIdParam = z.object({ userId: IdSchema });
export const tokenParams = userIdParam.extend({
  tokenId: z.string().regex(TOKEN_ID_PATTERN, 'must be a token id as listed, e.g. "tok_0123456789abcdef"'),
});
export const createTokenBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  role: z.enum(PERSONAL_ROLES, { error: () => `must be one of: ${PERSONAL_ROLES.join(', ')}` }),
  expiresAt: InstantSchema.optional(),
});

/** A token as listed; `token` is added only in the answer to its creation. */
export const TokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(PERSONAL_ROLES),
  userId: z.string(),
  createdAt: InstantSchema,
  expiresAt: InstantSchema.optional(),
  revokedAt: InstantSchema.optional(),
});
const TokenListSchema = z.object({ data: z.array(TokenViewSchema) });
export const CreatedTokenSchema = TokenViewSchema.omit({ revokedAt: true }).extend({
  token: z.string().describe('vgl_<base64url>: shown here once, stored only as its SHA-256'),
});

const view = (t: ApiTokenRecord) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  userId: t.userId,
  createdAt: t.createdAt.toISOString(),
  ...(t.expiresAt ? { expiresAt: t.expiresAt.toISOString() } : {}),
  ...(t.revokedAt ? { revokedAt: t.revokedAt.toISOString() } : {}),
});

/** The user whose tokens these are, once the caller may manage them: an admin, or the user themself. */
async function owner(services: Services, userId: string, p: Principal | undefined) {
  if (p?.role !== 'admin' && p?.userId !== userId) {
    throw new HttpError(403, 'forbidden', `only an admin, or user "${userId}" with a personal token, may do this`);
  }
  const user = await services.tokens.user(userId);
  if (!user) throw notFound(`user "${userId}"`);
  return user;
}

function checkCreate(body: z.output<typeof createTokenBody>, p: Principal | undefined, now: number): void {
  if (body.role === 'admin' && p?.role !== 'admin') {
    throw new HttpError(403, 'forbidden', 'role: only an admin may create an admin token', [
      { path: 'role', message: 'only an admin may create an admin token' },
    ]);
  }
  if (body.expiresAt && toEpochMs(body.expiresAt) <= now) {
    throw new HttpError(400, 'validation_failed', 'invalid request body: expiresAt: must be in the future', [
      { path: 'expiresAt', message: 'must be in the future' },
    ]);
  }
}

const E400 = 'The fields at fault, each named';
const SELF = 'An admin token, or a personal token of this user (a shared responder token is nobody in particular).';
const NOT_SELF = 'Not an admin nor this user';
// `responder` lets any person's token in; each handler then allows admins or the user themself.
const base = { tag: 'Tokens', auth: 'responder' } as const;
const clock = (services: Services) => (services.tokens.now ?? Date.now)();

export const tokenRoutes = [
  defineRoute({
    ...base,
    method: 'post',
    path: '/api/v1/users/{userId}/tokens',
    operationId: 'createUserToken',
    summary: 'Create a personal token; the only answer that shows it',
    description: `${SELF} Only an admin may create an admin token. The token acts as the user: the user id is the actor of everything done with it.`,
    audit: { action: 'token.create', target: (p) => `user:${p.userId}/token` },
    request: { params: userIdParam, body: { schema: createTokenBody, read: (req) => req.body ?? {} } },
    responses: {
      201: ok('Created: `token` is shown here once', CreatedTokenSchema),
      400: E400,
      403: `${NOT_SELF}, or an admin token asked for by a non-admin`,
      404: 'Unknown user',
      503: E503_STORE,
    },
    handler: async ({ params: { userId }, body, principal, by }, services, { reply, res }) => {
      const user = await owner(services, userId, principal);
      const now = clock(services);
      checkCreate(body, principal, now);
      const { id, token, hash } = mintToken();
      const record: ApiTokenRecord = {
        id,
        userId,
        name: body.name,
        role: body.role,
        hash,
        userCreatedAt: user.createdAt,
        createdAt: new Date(now),
        createdBy: by,
        ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt) } : {}),
      };
      await services.tokens.store.insert(record);
      noteAudit(res, { target: `user:${userId}/token:${id}` });
      return reply(201, { ...view(record), token });
    },
  }),
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/users/{userId}/tokens',
    operationId: 'listUserTokens',
    summary: "The user's tokens, revoked and expired ones included (never the secret)",
    description: SELF,
    request: { params: userIdParam },
    responses: { 200: ok('{ data }', TokenListSchema), 400: E400, 403: NOT_SELF, 404: 'Unknown user', 503: E503_STORE },
    handler: async ({ params: { userId }, principal }, services, { reply }) => {
      await owner(services, userId, principal);
      return reply(200, { data: (await services.tokens.store.list(userId)).map(view) });
    },
  }),
  defineRoute({
    ...base,
    method: 'delete',
    path: '/api/v1/users/{userId}/tokens/{tokenId}',
    operationId: 'revokeUserToken',
    summary: 'Revoke a token (at once on this API, within 5 s on others)',
    description: `${SELF} Revoking twice keeps the first time.`,
    audit: { action: 'token.revoke', target: (p) => `user:${p.userId}/token:${p.tokenId}` },
    request: { params: tokenParams },
    responses: { 204: 'Revoked', 400: E400, 403: NOT_SELF, 404: 'Unknown user or token', 503: E503_STORE },
    handler: async ({ params: { userId, tokenId }, principal, by }, services, { reply }) => {
      await owner(services, userId, principal);
      const revoked = await services.tokens.store.revoke(userId, tokenId, by, new Date(clock(services)));
      if (!revoked) throw notFound(`token "${tokenId}" of user "${userId}"`);
      services.tokens.revoked();
      return reply(204, undefined);
    },
  }),
];
