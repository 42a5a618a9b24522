import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { TOKEN_PREFIX, tokenHash, type ApiTokenRecord } from '../lib/models/api-token';
import { HttpError } from './errors';

export type Role = 'ingest' | 'responder' | 'admin';

export interface Principal {
  role: Role;
  /** Display name: the user's name, or the shared token's name. */
  name: string;
  /** Recorded as who did it: the user id for a personal token, `system:<name>` for a shared token. */
  actor: string;
  userId?: string;
  tokenId?: string;
}

export interface Credentials {
  ingestKeys: Array<{ name: string; secret: string }>;
  responderTokens: Array<{ name: string; secret: string }>;
  adminTokens: Array<{ name: string; secret: string }>;
}

/** What personal tokens are checked against: the token store and the users' configuration. */
export interface PersonalTokenSource {
  findByHash(hash: string): Promise<ApiTokenRecord | undefined>;
  /** By token id: what a console session signed in with is re-checked against. */
  findById?(id: string): Promise<ApiTokenRecord | undefined>;
  /** The user as configured now; undefined when there is no such user. */
  user(userId: string): Promise<{ name: string; createdAt: Date } | undefined>;
}

export type Authenticate = (secret: string) => Promise<Principal | undefined>;

/** An authenticator that can also say whether a principal it once returned still holds. */
export type Authenticator = Authenticate & {
  /** Drops every cached lookup (after a revocation through this process). */
  forget(): void;
  /**
   * Whether the token behind a principal is still good: a shared token still configured
   * under that name and role; a personal token not revoked, not expired, its user unchanged.
   * A console session asks on every request, so revoking a token ends its sessions.
   */
  stillValid(principal: Principal): Promise<boolean>;
};

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** A positive lookup is reused this long: a revocation reaches other API replicas within it. */
export const PERSONAL_TOKEN_CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

export const systemActor = (name: string) => `system:${name}`;

/**
 * Shared tokens: looked up among every configured one without an early exit and with a
 * constant-time comparison of equal-length digests, so timing reveals neither which secret
 * matched nor how much of it. Personal tokens (`vgl_...`): looked up by the SHA-256 of the
 * presented secret through a unique index. That lookup's timing can at most reveal how much
 * of a stored *hash* a guess's hash shares, which does not help to find a 256-bit secret
 * whose hash has that prefix, so it is constant-time enough. Refused when revoked,
 * expired, or when the user is gone (or was re-created under the same id).
 */
export function createAuthenticator(
  creds: Credentials,
  personal?: PersonalTokenSource,
  opts: { now?: () => number; cacheMs?: number } = {},
): Authenticator {
  const table = [
    ...creds.adminTokens.map((t) => ({ role: 'admin' as const, name: t.name, d: digest(t.secret) })),
    ...creds.responderTokens.map((t) => ({ role: 'responder' as const, name: t.name, d: digest(t.secret) })),
    ...creds.ingestKeys.map((t) => ({ role: 'ingest' as const, name: t.name, d: digest(t.secret) })),
  ];
  const now = opts.now ?? Date.now;
  const cacheMs = opts.cacheMs ?? PERSONAL_TOKEN_CACHE_MS;
  const cache = new Map<string, { principal: Principal; until: number; expiresAt?: number }>();

  const shared = (secret: string): Principal | undefined => {
    const presented = digest(secret);
    let found: Principal | undefined;
    for (const entry of table) {
      if (timingSafeEqual(entry.d, presented) && !found)
        found = { role: entry.role, name: entry.name, actor: systemActor(entry.name) };
    }
    return found;
  };

  /** The principal of a stored token, or undefined when revoked, expired, or its user is gone or re-created. */
  const principalOf = async (source: PersonalTokenSource, token: ApiTokenRecord | undefined, t: number) => {
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= t)) return undefined;
    const user = await source.user(token.userId);
    if (!user || user.createdAt.getTime() !== token.userCreatedAt.getTime()) return undefined;
    const principal: Principal = {
      role: token.role,
      name: user.name,
      actor: token.userId,
      userId: token.userId,
      tokenId: token.id,
    };
    return principal;
  };

  const personalToken = async (source: PersonalTokenSource, secret: string): Promise<Principal | undefined> => {
    const hash = tokenHash(secret);
    const t = now();
    const hit = cache.get(hash);
    if (hit && hit.until > t && (hit.expiresAt === undefined || hit.expiresAt > t)) return hit.principal;
    cache.delete(hash);
    const token = await source.findByHash(hash);
    const principal = await principalOf(source, token, t);
    if (!principal) return undefined;
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(hash, { principal, until: t + cacheMs, expiresAt: token?.expiresAt?.getTime() });
    return principal;
  };

  const stillValid = async (p: Principal): Promise<boolean> => {
    if (!p.tokenId) return table.some((e) => e.role === p.role && systemActor(e.name) === p.actor);
    if (!personal?.findById) return false;
    const again = await principalOf(personal, await personal.findById(p.tokenId), now());
    return again?.role === p.role && again.actor === p.actor;
  };

  const authenticate = async (secret: string) =>
    personal && secret.startsWith(TOKEN_PREFIX) ? personalToken(personal, secret) : shared(secret);
  return Object.assign(authenticate, { forget: () => cache.clear(), stillValid });
}

/**
 * Which roles may call a route. Admin may do anything. The principal is put on the request
 * as soon as the token is known, so a refusal for its role is audited as that principal's
 * (the error skips every later handler).
 */
export function requireRole(authenticate: Authenticate, ...roles: Role[]): RequestHandler {
  const allowed = new Set<Role>([...roles, 'admin']);
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      next(new HttpError(401, 'unauthenticated', 'missing "Authorization: Bearer <token>" header'));
      return;
    }
    let principal: Principal | undefined;
    try {
      principal = await authenticate(match[1]);
    } catch (err) {
      next(err); // the token store is unreachable: a 503, never a pass
      return;
    }
    if (!principal) {
      next(new HttpError(401, 'unauthenticated', 'unknown, revoked or expired token'));
      return;
    }
    req.principal = principal;
    if (!allowed.has(principal.role)) {
      next(new HttpError(403, 'forbidden', `a ${principal.role} token may not call this route`));
      return;
    }
    next();
  };
}
