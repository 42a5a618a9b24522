import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

export type Role = 'ingest' | 'responder' | 'admin';

export interface Principal {
  role: Role;
  name: string;
}

export interface Credentials {
  ingestKeys: Array<{ name: string; secret: string }>;
  responderTokens: Array<{ name: string; secret: string }>;
  adminTokens: Array<{ name: string; secret: string }>;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Looks a secret up among every configured one without an early exit and with a
 * constant-time comparison of equal-length digests, so timing reveals neither which
 * secret matched nor how much of it.
 */
export function createAuthenticator(creds: Credentials): (secret: string) => Principal | undefined {
  const table = [
    ...creds.adminTokens.map((t) => ({ role: 'admin' as const, name: t.name, d: digest(t.secret) })),
    ...creds.responderTokens.map((t) => ({ role: 'responder' as const, name: t.name, d: digest(t.secret) })),
    ...creds.ingestKeys.map((t) => ({ role: 'ingest' as const, name: t.name, d: digest(t.secret) })),
  ];
  return (secret) => {
    const presented = digest(secret);
    let found: Principal | undefined;
    for (const entry of table) {
      if (timingSafeEqual(entry.d, presented) && !found) found = { role: entry.role, name: entry.name };
    }
    return found;
  };
}

/** Which roles may call a route. Admin may do anything. */
export function requireRole(authenticate: (secret: string) => Principal | undefined, ...roles: Role[]): RequestHandler {
  const allowed = new Set<Role>([...roles, 'admin']);
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      next(new HttpError(401, 'unauthenticated', 'missing "Authorization: Bearer <token>" header'));
      return;
    }
    const principal = authenticate(match[1]);
    if (!principal) {
      next(new HttpError(401, 'unauthenticated', 'unknown or revoked token'));
      return;
    }
    if (!allowed.has(principal.role)) {
      next(new HttpError(403, 'forbidden', `a ${principal.role} token may not call this route`));
      return;
    }
    req.principal = principal;
    next();
  };
}
