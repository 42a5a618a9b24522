/**
 * In-memory stand-ins for the audit log and the token store, for unit tests that run the
 * app without MongoDB. Same filtering rules as the MongoDB stores they replace.
 */
import { auditEntry, type AuditEntry, type AuditLog } from '../../lib/audit';
import type { ApiTokenRecord, ApiTokenStore } from '../../lib/models/api-token';

export function memoryAuditLog(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async append(record) {
      const entry = auditEntry(record);
      entries.push(entry);
      return entry;
    },
    async list(f) {
      return entries
        .filter(
          (e) =>
            (f.actor === undefined || e.actor === f.actor) &&
            (f.action === undefined || e.action === f.action) &&
            (f.target === undefined || e.target === f.target || e.target.startsWith(`${f.target}/`)) &&
            (!f.from || e.at >= f.from) &&
            (!f.to || e.at < f.to),
        )
        .reverse()
        .slice(0, f.limit);
    },
  };
}

export function memoryTokenStore(): ApiTokenStore & { tokens: ApiTokenRecord[] } {
  const tokens: ApiTokenRecord[] = [];
  return {
    tokens,
    async insert(t) {
      if (tokens.some((x) => x.hash === t.hash || x.id === t.id))
        throw Object.assign(new Error('dup'), { code: 11000 });
      tokens.push({ ...t });
    },
    async list(userId) {
      return tokens.filter((t) => t.userId === userId);
    },
    async revoke(userId, tokenId, by, at) {
      const t = tokens.find((x) => x.id === tokenId && x.userId === userId);
      if (t && !t.revokedAt) Object.assign(t, { revokedAt: at, revokedBy: by });
      return t ? { ...t } : undefined;
    },
    async findByHash(hash) {
      const t = tokens.find((x) => x.hash === hash);
      return t ? { ...t } : undefined;
    },
    async findById(id) {
      const t = tokens.find((x) => x.id === id);
      return t ? { ...t } : undefined;
    },
  };
}
