import { z } from 'zod';
import { InstantSchema } from '../../domain/common';
import { CONTACT_METHOD_TYPES } from '../../domain/config';
import { READINESS_HORIZON_DAYS, readinessWarnings, type ReadinessConfig } from '../../domain/oncall/readiness';
import type { ConfigStore } from '../config-store';
import { defineRoute, ok } from '../http/route';
import { E503_STORE } from './errors-doc';

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

/** Every entity the readiness checks read, as stored now. */
async function readinessConfig(config: Pick<ConfigStore, 'list'>): Promise<ReadinessConfig> {
  const all = async <K extends Parameters<ConfigStore['list']>[0]>(kind: K) =>
    (await config.list(kind)).map((e) => e.data);
  return {
    users: await all('user'),
    teams: await all('team'),
    schedules: await all('schedule'),
    escalationPolicies: await all('escalationPolicy'),
    services: await all('service'),
  };
}

/**
 * `GET /readiness`: would a page reach someone? Users nobody can reach with the channels
 * this deployment delivers, escalation levels with nobody to page at some moment of the
 * next 14 days, services without an existing policy. The config apply and `config:check`
 * report the same as warnings.
 */
export const readinessRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/readiness',
    operationId: 'getPagingReadiness',
    tag: 'Configuration',
    auth: 'admin',
    summary: 'Would a page reach someone: unreachable users, escalation levels with gaps, services without a policy',
    description:
      'Warnings over the next 14 days from `at`: users none of whose notification rules use a channel this deployment delivers, escalation levels that resolve to nobody at some moment (schedule gaps, empty teams), services whose policy does not exist. The config apply and `npm run config:check` report the same.',
    request: { query: readinessQuery, describe: { at: 'Default: now' } },
    responses: { 200: ok('The report', ReadinessSchema), 400: 'The fields at fault, each named', 503: E503_STORE },
    handler: async ({ query }, { config, channels }, { reply }) => {
      const at = query.at ?? new Date().toISOString();
      const warnings = readinessWarnings(await readinessConfig(config), { channels, now: at });
      return reply(200, { at, horizonDays: READINESS_HORIZON_DAYS, channels, warnings });
    },
  }),
];
