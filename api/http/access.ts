/**
 * Who may call a route: the one function the route table calls to turn a route's `auth`
 * into middleware, so a change of authentication (personal tokens, sessions) is made here
 * and in ../auth, not per route. Routes whose credential is not a bearer token (PagerDuty's
 * routing key, Slack's signature, a respond link's token) check it themselves.
 */
import type { Request, RequestHandler } from 'express';
import { requireRole, type Role } from '../auth';
import { bearerOrBasic } from '../ingest/auth';
import type { Auth } from './route';
import type { Services } from './services';

const ROLES: Partial<Record<Auth, Role[]>> = {
  ingest: ['ingest'],
  ingestOrBasic: ['ingest'],
  responder: ['responder'],
  admin: [],
  anyToken: ['ingest', 'responder'],
};

export function authorize(auth: Auth, services: Pick<Services, 'authenticate'>): RequestHandler[] {
  const roles = ROLES[auth];
  if (!roles) return [];
  const guard = requireRole(services.authenticate, ...roles);
  return [auth === 'ingestOrBasic' ? bearerOrBasic(guard) : guard];
}

/** The actor a command is recorded under. */
export const actorOf = (req: Request): string => req.principal?.name ?? 'unknown';
