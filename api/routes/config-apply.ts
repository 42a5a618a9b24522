import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { formatIssue, type ApplyReport } from '../../lib/config-as-code';
import type { AuditLog } from '../../lib/audit';
import { audited, noteAudit } from '../audit';
import { parseOr400 } from '../errors';

export type ApplyConfigFolder = (opts: { dryRun: boolean; adoptApiEntities: boolean }) => Promise<ApplyReport>;

const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
export const applyQuery = z.object({ dryRun: flag, adopt: flag });

/**
 * `POST /config/apply`: reconcile the on-call-as-code folder now. 200 with the report when
 * it applied (or would, with dryRun); 422 with every error, file:line:column, when the
 * folder is refused (and nothing was written). Audited with the hash of the whole
 * configuration (`snapshot`) before and after.
 */
export function configApplyRoutes(
  apply: ApplyConfigFolder,
  admin: RequestHandler,
  audit: AuditLog,
  snapshot: () => Promise<unknown>,
): Router {
  const router = Router();
  const spec = { action: 'config.apply', target: () => 'config:folder', document: snapshot };
  router.post('/config/apply', ...audited(audit, spec, admin), async (req, res) => {
    const q = parseOr400(applyQuery, req.query, 'query');
    const report = await apply({ dryRun: q.dryRun ?? false, adoptApiEntities: q.adopt ?? false });
    const first = report.errors[0];
    noteAudit(res, {
      ...(report.dryRun ? { action: 'config.apply-dry-run' } : {}),
      ...(first ? { refused: `${report.errors.length} error(s), first: ${formatIssue(first)}` } : {}),
    });
    res.status(report.ok ? 200 : 422).json(report);
  });
  return router;
}
