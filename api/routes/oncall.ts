import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { loadConfigSnapshot } from '../../lib/models/config';
import { IdSchema, InstantSchema, toEpochMs } from '../../domain/common';
import { inMaintenance, type User } from '../../domain/config';
import { onCallAt, resolveLevel, shifts } from '../../domain/oncall';
import { HttpError, notFound, parseOr400 } from '../errors';

export const idParam = z.object({ id: IdSchema });
export const atQuery = z.object({ at: InstantSchema.optional() });
const DAY_MS = 86_400_000;
export const MAX_SHIFT_RANGE_DAYS = 400;
export const rangeQuery = z
  .object({ from: InstantSchema.optional(), to: InstantSchema.optional() })
  .refine((q) => !q.from || !q.to || toEpochMs(q.to) > toEpochMs(q.from), {
    path: ['to'],
    message: 'must be after from',
  });

const person = (users: readonly User[], id: string) => {
  const u = users.find((x) => x.id === id);
  return u ? { id, name: u.name, email: u.email } : { id, name: null, email: null, unknown: true };
};

/** Who is on call: per schedule (at an instant, or as shifts) and per service, level by level. */
export function onCallRoutes(read: RequestHandler): Router {
  const router = Router();

  router.get('/schedules/:id/on-call', read, async (req, res) => {
    const { id } = parseOr400(idParam, req.params, 'path');
    const at = parseOr400(atQuery, req.query, 'query').at ?? new Date().toISOString();
    const { schedules, users } = await loadConfigSnapshot();
    const schedule = schedules.find((s) => s.id === id);
    if (!schedule) throw notFound(`schedule "${id}"`);
    const onCall = onCallAt(schedule, at);
    res.json({ scheduleId: id, at, ...onCall, users: onCall.userIds.map((u) => person(users, u)) });
  });

  router.get('/schedules/:id/shifts', read, async (req, res) => {
    const { id } = parseOr400(idParam, req.params, 'path');
    const q = parseOr400(rangeQuery, req.query, 'query');
    const from = q.from ?? new Date().toISOString();
    const to = q.to ?? new Date(toEpochMs(from) + 7 * DAY_MS).toISOString();
    if (toEpochMs(to) - toEpochMs(from) > MAX_SHIFT_RANGE_DAYS * DAY_MS) {
      throw new HttpError(
        400,
        'validation_failed',
        `invalid query: to: at most ${MAX_SHIFT_RANGE_DAYS} days after from`,
        [{ path: 'to', message: `must be at most ${MAX_SHIFT_RANGE_DAYS} days after from` }],
      );
    }
    const { schedules } = await loadConfigSnapshot();
    const schedule = schedules.find((s) => s.id === id);
    if (!schedule) throw notFound(`schedule "${id}"`);
    res.json({ scheduleId: id, from, to, shifts: shifts(schedule, from, to) });
  });

  router.get('/services/:id/on-call', read, async (req, res) => {
    const { id } = parseOr400(idParam, req.params, 'path');
    const at = parseOr400(atQuery, req.query, 'query').at ?? new Date().toISOString();
    const snap = await loadConfigSnapshot();
    const service = snap.services.find((s) => s.id === id);
    if (!service) throw notFound(`service "${id}"`);
    const policy = snap.escalationPolicies.find((p) => p.id === service.escalationPolicyId);
    if (!policy) throw notFound(`escalation policy "${service.escalationPolicyId}" of service "${id}"`);
    const levels = policy.levels.map((level, i) => {
      const resolved = resolveLevel(policy, i, snap, at);
      return {
        level: i + 1,
        delayMinutes: level.delayMinutes,
        users: resolved.userIds.map((u) => person(snap.users, u)),
        unresolved: resolved.unresolved,
        empty: resolved.empty,
      };
    });
    res.json({
      serviceId: id,
      at,
      inMaintenance: inMaintenance(service, at),
      escalationPolicy: { id: policy.id, name: policy.name, loops: policy.loops },
      levels,
    });
  });
  return router;
}
