import { randomUUID } from 'node:crypto';
import { model, models, Schema, type Model } from 'mongoose';
import { specHash } from './models/config';

/**
 * The audit log: one append-only entry per configuration write, incident command, token
 * created or revoked and runbook approval, saying who did what to what, when, through
 * which route, and whether it was accepted or refused (and why). Configuration entries
 * carry a hash of the document before and after, never the document: an entry holds ids,
 * hashes and refusal messages only, so it holds no secret (integration keys, tokens).
 * Nothing updates or deletes an entry: the interface has no way to.
 */
export const AUDIT_OUTCOMES = ['accepted', 'refused'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditEntry {
  id: string;
  at: Date;
  /** A user id, or `system:<name>` for a shared token. */
  actor: string;
  /** e.g. `service.replace`, `incident.acknowledge`, `token.create`, `config.apply`. */
  action: string;
  /** Method and route pattern, e.g. `PUT /api/v1/services/:id`, or the integration that acted (`slack`). */
  route: string;
  /** What it acted on: `service:checkout`, `incident:<id>`, `user:ola/token:tok_...`. */
  target: string;
  outcome: AuditOutcome;
  /** The HTTP status answered, when the entry is for a request. */
  status?: number;
  /** Why it was refused. */
  reason?: string;
  /** SHA-256 of the configuration document(s) before and after (absent: none existed). */
  before?: string;
  after?: string;
  requestId?: string;
}

export type AuditRecord = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditFilter {
  actor?: string;
  /** Exact, or a prefix ending at a "/": `user:ola` also finds `user:ola/token:tok_...`. */
  target?: string;
  action?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  limit: number;
}

export interface AuditLog {
  append(record: AuditRecord): Promise<AuditEntry>;
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditEntry[]>;
}

const MAX_TEXT = 500;
/** Belt and braces: a personal token that somehow reached a message is cut out. */
const scrub = (text: string) => text.replace(/vgl_[A-Za-z0-9_-]+/g, 'vgl_[redacted]').slice(0, MAX_TEXT);

/** The entry as stored: text fields bounded and scrubbed. */
export function auditEntry(record: AuditRecord, at = new Date()): AuditEntry {
  return {
    ...record,
    id: randomUUID(),
    at,
    actor: scrub(record.actor),
    target: scrub(record.target),
    ...(record.reason === undefined ? {} : { reason: scrub(record.reason) }),
  };
}

/** Hash of a configuration document (keys sorted at every depth); undefined when there is none. */
export const documentHash = (doc: unknown): string | undefined =>
  doc === undefined || doc === null ? undefined : specHash(doc);

type AuditDoc = Omit<AuditEntry, 'id'> & { _id: string };

const schema = new Schema<AuditDoc>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    route: { type: String, required: true },
    target: { type: String, required: true },
    outcome: { type: String, required: true, enum: AUDIT_OUTCOMES },
    status: Number,
    reason: String,
    before: String,
    after: String,
    requestId: String,
  },
  { collection: 'audit_log', versionKey: false },
);
schema.index({ at: -1 });
schema.index({ actor: 1, at: -1 });
schema.index({ target: 1, at: -1 });

export const AuditModel: Model<AuditDoc> =
  (models.AuditEntry as Model<AuditDoc> | undefined) ?? model<AuditDoc>('AuditEntry', schema);

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const mongoAuditLog: AuditLog = {
  async append(record) {
    const entry = auditEntry(record);
    const { id, ...rest } = entry;
    await AuditModel.create({ _id: id, ...rest });
    return entry;
  },
  async list(filter) {
    const query: Record<string, unknown> = {};
    if (filter.actor !== undefined) query.actor = filter.actor;
    if (filter.action !== undefined) query.action = filter.action;
    if (filter.target !== undefined) query.target = { $regex: `^${escapeRegex(filter.target)}(/|$)` };
    if (filter.from || filter.to) {
      query.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    }
    const docs = await AuditModel.find(query).sort({ at: -1, _id: -1 }).limit(filter.limit).lean();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  },
};
