/**
 * Personal API tokens, per user: an admin manages anyone's, a person their own.
 *   POST   /users/:userId/tokens            create; the only answer that shows the token
 *   GET    /users/:userId/tokens            list (never the token)
 *   DELETE /users/:userId/tokens/:tokenId   revoke (204; revoking twice keeps the first time)
 * A non-admin may not mint an admin token. Creating and revoking are audited; the token
 * itself goes nowhere but the 201 body (not the log, not the audit log).
 */
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { IdSchema, InstantSchema, toEpochMs } from '../../domain/common';
import type { AuditLog } from '../../lib/audit';
import {
  mintToken,
  PERSONAL_ROLES,
  TOKEN_ID_PATTERN,
  type ApiTokenRecord,
  type ApiTokenStore,
} from '../../lib/models/api-token';
import { audited, noteAudit } from '../audit';
import { HttpError, notFound, parseOr400 } from '../errors';

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
export const CreatedTokenSchema = TokenViewSchema.omit({ revokedAt: true }).extend({
  token: z.string().describe('vgl_<base64url>: shown here once, stored only as its SHA-256'),
});

export interface TokenRouteDeps {
  store: ApiTokenStore;
  /** The user as configured now; undefined when there is none. */
  user(userId: string): Promise<{ name: string; createdAt: Date } | undefined>;
  audit: AuditLog;
  /** Called after a revocation, so this process stops accepting the token at once. */
  revoked?: () => void;
  now?: () => number;
}

const view = (t: ApiTokenRecord) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  userId: t.userId,
  createdAt: t.createdAt.toISOString(),
  ...(t.expiresAt ? { expiresAt: t.expiresAt.toISOString() } : {}),
  ...(t.revokedAt ? { revokedAt: t.revokedAt.toISOString() } : {}),
});

/** `signedIn`: any responder or admin token; the routes then allow admins, or the user themself. */
export function tokenRoutes(deps: TokenRouteDeps, signedIn: RequestHandler): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const userTarget = (p: Record<string, string>) => `user:${p.userId}`;

  /** The user whose tokens these are, once the caller may manage them. */
  const owner = async (req: Request) => {
    const { userId } = parseOr400(userIdParam, req.params, 'path');
    const p = req.principal;
    if (p?.role !== 'admin' && p?.userId !== userId) {
      throw new HttpError(403, 'forbidden', `only an admin, or user "${userId}" with a personal token, may do this`);
    }
    const user = await deps.user(userId);
    if (!user) throw notFound(`user "${userId}"`);
    return { userId, user };
  };

  const create = audited(deps.audit, { action: 'token.create', target: (p) => `${userTarget(p)}/token` }, signedIn);
  router.post('/users/:userId/tokens', ...create, async (req, res) => {
    const { userId, user } = await owner(req);
    const body = parseOr400(createTokenBody, req.body ?? {});
    if (body.role === 'admin' && req.principal?.role !== 'admin') {
      throw new HttpError(403, 'forbidden', 'role: only an admin may create an admin token', [
        { path: 'role', message: 'only an admin may create an admin token' },
      ]);
    }
    if (body.expiresAt && toEpochMs(body.expiresAt) <= now()) {
      throw new HttpError(400, 'validation_failed', 'invalid request body: expiresAt: must be in the future', [
        { path: 'expiresAt', message: 'must be in the future' },
      ]);
    }
    const { id, token, hash } = mintToken();
    const record: ApiTokenRecord = {
      id,
      userId,
      name: body.name,
      role: body.role,
      hash,
      userCreatedAt: user.createdAt,
      createdAt: new Date(now()),
      createdBy: req.principal?.actor ?? 'unknown',
      ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt) } : {}),
    };
    await deps.store.insert(record);
    noteAudit(res, { target: `user:${userId}/token:${id}` });
    res.status(201).json({ ...view(record), token });
  });

  router.get('/users/:userId/tokens', signedIn, async (req, res) => {
    const { userId } = await owner(req);
    res.json({ data: (await deps.store.list(userId)).map(view) });
  });

  const revoke = audited(
    deps.audit,
    { action: 'token.revoke', target: (p) => `${userTarget(p)}/token:${p.tokenId}` },
    signedIn,
  );
  router.delete('/users/:userId/tokens/:tokenId', ...revoke, async (req, res) => {
    const { tokenId } = parseOr400(tokenParams, req.params, 'path');
    const { userId } = await owner(req);
    const revoked = await deps.store.revoke(userId, tokenId, req.principal?.actor ?? 'unknown', new Date(now()));
    if (!revoked) throw notFound(`token "${tokenId}" of user "${userId}"`);
    deps.revoked?.();
    res.status(204).end();
  });
  return router;
}
