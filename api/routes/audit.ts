import { z } from 'zod';
import { InstantSchema, toEpochMs } from '../../domain/common';
import { AUDIT_OUTCOMES, type AuditEntry } from '../../lib/audit';
import { defineRoute, ok } from '../http/route';
import { E503_STORE } from './errors-doc';

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
export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/audit',
    operationId: 'listAuditEntries',
    tag: 'Audit',
    auth: 'admin',
    summary: 'Audit entries, newest first',
    description:
      'One entry per configuration write, incident command, token created or revoked and runbook decision, accepted or refused. `target` also matches entries below it (`user:ola` finds `user:ola/token:...`).',
    request: { query: auditQuery, describe: { from: 'Inclusive', to: 'Exclusive', limit: 'Default 100' } },
    responses: { 200: ok('{ data }', AuditListSchema), 400: 'The fields at fault, each named', 503: E503_STORE },
    handler: async ({ query: q }, { audit }, { reply }) => {
      const entries = await audit.list({
        limit: q.limit,
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.target ? { target: q.target } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
      });
      return reply(200, { data: entries.map(view) });
    },
  }),
];
