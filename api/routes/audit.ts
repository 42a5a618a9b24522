import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { InstantSchema, toEpochMs } from '../../domain/common';
import { AUDIT_OUTCOMES, type AuditEntry, type AuditLog } from '../../lib/audit';
import { parseOr400 } from '../errors';

export const MAX_AUDIT_LIMIT = 1000;

export const auditQuery = z
  .strictObject({
    actor: z.string().min(1).max(200).optional(),
    target: z.string().min(1).max(300).optional(),
    action: z
      .string()
      .regex(/^[a-z][a-zA-Z-]*(\.[a-z][a-zA-Z-]*)*$/, 'must be an action such as "service.replace"')
      .optional(),
    from: InstantSchema.optional(),
    to: InstantSchema.optional(),
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_AUDIT_LIMIT, `must be at most ${MAX_AUDIT_LIMIT}`)
      .default(100),
  })
  .refine((q) => !q.from || !q.to || toEpochMs(q.to) > toEpochMs(q.from), {
    path: ['to'],
    message: 'must be after from',
  });

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: InstantSchema,
  actor: z.string(),
  action: z.string(),
  route: z.string(),
  target: z.string(),
  outcome: z.enum(AUDIT_OUTCOMES),
  status: z.number().int().optional(),
  reason: z.string().optional(),
  before: z.string().optional().describe('SHA-256 of the configuration document(s) before'),
  after: z.string().optional().describe('SHA-256 of the configuration document(s) after'),
  requestId: z.string().optional(),
});
export const AuditListSchema = z.object({ data: z.array(AuditEntrySchema) });

const view = (e: AuditEntry) => ({ ...e, at: e.at.toISOString() });

/** `GET /audit`: entries newest first, filtered by actor, target (or a prefix ending at "/"), action and time. */
export function auditRoutes(log: AuditLog, admin: RequestHandler): Router {
  const router = Router();
  router.get('/audit', admin, async (req, res) => {
    const q = parseOr400(auditQuery, req.query, 'query');
    const entries = await log.list({
      limit: q.limit,
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.target ? { target: q.target } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
    });
    res.json({ data: entries.map(view) });
  });
  return router;
}
