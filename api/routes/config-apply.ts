import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApplyReport } from '../../lib/config-as-code';
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
 * folder is refused (and nothing was written).
 */
export function configApplyRoutes(apply: ApplyConfigFolder, admin: RequestHandler): Router {
  const router = Router();
  router.post('/config/apply', admin, async (req, res) => {
    const q = parseOr400(applyQuery, req.query, 'query');
    const report = await apply({ dryRun: q.dryRun ?? false, adoptApiEntities: q.adopt ?? false });
    res.status(report.ok ? 200 : 422).json(report);
  });
  return router;
}
