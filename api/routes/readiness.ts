import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { InstantSchema } from '../../domain/common';
import { CONTACT_METHOD_TYPES } from '../../domain/config';
import {
  READINESS_HORIZON_DAYS,
  readinessWarnings,
  type ChannelAvailability,
  type ReadinessConfig,
} from '../../domain/oncall/readiness';
import type { ConfigStore } from '../config-store';
import { parseOr400 } from '../errors';

export const readinessQuery = z.strictObject({ at: InstantSchema.optional() });

export const ReadinessSchema = z.object({
  at: InstantSchema,
  horizonDays: z.number().int(),
  channels: z.record(z.enum(CONTACT_METHOD_TYPES), z.object({ deliverable: z.boolean(), why: z.string().optional() })),
  warnings: z.array(
    z.object({
      kind: z.enum(['user', 'escalationPolicy', 'service']),
      id: z.string(),
      path: z.string(),
      message: z.string(),
    }),
  ),
});

/**
 * `GET /readiness`: would a page reach someone? Users nobody can reach with the channels
 * this deployment delivers, escalation levels with nobody to page at some moment of the
 * next 14 days, services without an existing policy. The config apply and `config:check`
 * report the same as warnings.
 */
export function readinessRoutes(
  deps: { config: Pick<ConfigStore, 'list'>; channels: ChannelAvailability; now?: () => number },
  admin: RequestHandler,
): Router {
  const router = Router();
  router.get('/readiness', admin, async (req, res) => {
    const q = parseOr400(readinessQuery, req.query, 'query');
    const at = q.at ?? new Date((deps.now ?? Date.now)()).toISOString();
    const all = async <K extends Parameters<ConfigStore['list']>[0]>(kind: K) =>
      (await deps.config.list(kind)).map((e) => e.data);
    const config: ReadinessConfig = {
      users: await all('user'),
      teams: await all('team'),
      schedules: await all('schedule'),
      escalationPolicies: await all('escalationPolicy'),
      services: await all('service'),
    };
    res.json({
      at,
      horizonDays: READINESS_HORIZON_DAYS,
      channels: deps.channels,
      warnings: readinessWarnings(config, { channels: deps.channels, now: at }),
    });
  });
  return router;
}
