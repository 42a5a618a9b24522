import { z } from 'zod';
import { loadConfigSnapshot } from '../../lib/models/config';
import { IdSchema, InstantSchema, parseInstant, toEpochMs } from '../../domain/common';
import { inMaintenance, servicePolicyId, type User } from '../../domain/config';
import { onCallAt, PolicyTargetSchema, resolveLevel, shifts } from '../../domain/oncall';
import { HttpError, notFound } from '../errors';
import { defineRoute, ok } from '../http/route';
import { E503_STORE } from './errors-doc';

export const idParam = z.object({ id: IdSchema });
export const atQuery = z.object({ at: InstantSchema.optional() });
const DAY_MS = 86_400_000;
export const MAX_SHIFT_RANGE_DAYS = 400;
/** Epoch millis of a valid instant, NaN otherwise (every comparison with NaN is false). */
const ms = (text?: string) => (text === undefined ? NaN : (parseInstant(text) ?? NaN));
export const rangeQuery = z
  .object({ from: InstantSchema.optional(), to: InstantSchema.optional() })
  // Runs even when a bound itself is invalid (already reported at the field): compare only real instants.
  .refine((q) => !(ms(q.to) <= ms(q.from)), {
    path: ['to'],
    message: 'must be after from',
  });

const Instant = z.string().meta({ format: 'date-time' });
/** A user as the on-call answers name them; `unknown` when no such user exists. */
const PersonSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  unknown: z.literal(true).optional(),
});
export const ScheduleOnCallSchema = z.object({
  scheduleId: z.string(),
  at: Instant,
  userIds: z.array(z.string()),
  layerId: z.string().optional(),
  scheduledUserId: z.string().optional(),
  overrideApplied: z.boolean(),
  overrideIndex: z.int().optional(),
  users: z.array(PersonSchema),
});
const ShiftSchema = z.object({
  userId: z.string(),
  start: Instant,
  end: Instant,
  layerId: z.string().optional(),
  override: z.boolean(),
});
export const ShiftsSchema = z.object({
  scheduleId: z.string(),
  from: Instant,
  to: Instant,
  shifts: z.array(ShiftSchema),
});
export const ServiceOnCallSchema = z.object({
  serviceId: z.string(),
  at: Instant,
  inMaintenance: z.boolean(),
  escalationPolicy: z.object({ id: z.string(), name: z.string(), loops: z.int() }),
  levels: z.array(
    z.object({
      level: z.int(),
      delayMinutes: z.number(),
      users: z.array(PersonSchema),
      unresolved: z.array(PolicyTargetSchema),
      empty: z.array(PolicyTargetSchema),
    }),
  ),
});

const person = (users: readonly User[], id: string) => {
  const u = users.find((x) => x.id === id);
  return u ? { id, name: u.name, email: u.email } : { id, name: null, email: null, unknown: true as const };
};
const base = { tag: 'On-call', auth: 'responder' } as const;
const E400 = 'The fields at fault, each named';
const AT = { at: 'Default: now' };

async function scheduleById(id: string) {
  const snapshot = await loadConfigSnapshot();
  const schedule = snapshot.schedules.find((s) => s.id === id);
  if (!schedule) throw notFound(`schedule "${id}"`);
  return { schedule, users: snapshot.users };
}

/** Who is on call: per schedule (at an instant, or as shifts) and per service, level by level. */
export const onCallRoutes = [
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/schedules/{id}/on-call',
    operationId: 'getScheduleOnCall',
    summary: 'Who is on call at an instant, and the layer or override that decided it',
    request: { params: idParam, query: atQuery, describe: AT },
    responses: { 200: ok('Who is on call', ScheduleOnCallSchema), 400: E400, 404: 'Unknown schedule', 503: E503_STORE },
    handler: async ({ params, query }, _services, { reply }) => {
      const at = query.at ?? new Date().toISOString();
      const { schedule, users } = await scheduleById(params.id);
      const onCall = onCallAt(schedule, at);
      return reply(200, { scheduleId: params.id, at, ...onCall, users: onCall.userIds.map((u) => person(users, u)) });
    },
  }),
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/schedules/{id}/shifts',
    operationId: 'listScheduleShifts',
    summary: `The merged on-call timeline (default: the next 7 days; at most ${MAX_SHIFT_RANGE_DAYS} days)`,
    request: { params: idParam, query: rangeQuery },
    responses: { 200: ok('The shifts', ShiftsSchema), 400: E400, 404: 'Unknown schedule', 503: E503_STORE },
    handler: async ({ params, query }, _services, { reply }) => {
      const from = query.from ?? new Date().toISOString();
      const to = query.to ?? new Date(toEpochMs(from) + 7 * DAY_MS).toISOString();
      if (toEpochMs(to) - toEpochMs(from) > MAX_SHIFT_RANGE_DAYS * DAY_MS) {
        throw new HttpError(
          400,
          'validation_failed',
          `invalid query: to: at most ${MAX_SHIFT_RANGE_DAYS} days after from`,
          [{ path: 'to', message: `must be at most ${MAX_SHIFT_RANGE_DAYS} days after from` }],
        );
      }
      const { schedule } = await scheduleById(params.id);
      return reply(200, { scheduleId: params.id, from, to, shifts: shifts(schedule, from, to) });
    },
  }),
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/services/{id}/on-call',
    operationId: 'getServiceOnCall',
    summary: 'Who would be paged, level by level, and whether the service is in maintenance',
    request: { params: idParam, query: atQuery, describe: AT },
    responses: {
      200: ok('Who would be paged', ServiceOnCallSchema),
      400: E400,
      404: 'Unknown service or its policy',
      503: E503_STORE,
    },
    handler: async ({ params: { id }, query }, _services, { reply }) => {
      const at = query.at ?? new Date().toISOString();
      const snap = await loadConfigSnapshot();
      const service = snap.services.find((s) => s.id === id);
      if (!service) throw notFound(`service "${id}"`);
      const policyId = servicePolicyId(service, snap.teams);
      const policy = snap.escalationPolicies.find((p) => p.id === policyId);
      if (!policy) throw notFound(`escalation policy "${policyId ?? '(none, nor a team default)'}" of service "${id}"`);
      const levels = policy.levels.map((level, i) => {
        const { userIds, unresolved, empty } = resolveLevel(policy, i, snap, at);
        const users = userIds.map((u) => person(snap.users, u));
        return { level: i + 1, delayMinutes: level.delayMinutes, users, unresolved, empty };
      });
      const escalationPolicy = { id: policy.id, name: policy.name, loops: policy.loops };
      return reply(200, { serviceId: id, at, inMaintenance: inMaintenance(service, at), escalationPolicy, levels });
    },
  }),
];
