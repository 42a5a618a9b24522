import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AuditLog } from '../../lib/audit';
import type { ReviewStore, StoredReview } from '../../lib/models/review';
import { audited } from '../audit';
import { renderReviewMarkdown } from '../../domain/review/review';
import { HttpError, notFound, parseOr400 } from '../errors';
import { incidentIdParam } from '../schemas';

export const reviewQuery = z.object({
  /** Explicit representation; otherwise the Accept header decides (JSON by default). */
  format: z.enum(['json', 'markdown']).optional(),
  /** One incident of an id reused after resolution; default: the one resolved last. */
  runKey: z
    .string()
    .regex(/^[\w-]{1,128}$/, 'must be a run key as in the incident state')
    .optional(),
});

const MARKDOWN = 'text/markdown; charset=utf-8';

/**
 * Post-incident reviews, read from and edited in the review store (MongoDB), never
 * Temporal: the review outlives the incident workflow. Mounted under /incidents.
 */
export function reviewRoutes(store: ReviewStore, responder: RequestHandler, audit: AuditLog): Router {
  const router = Router();
  const target = (req: Request) => ({
    incidentId: parseOr400(incidentIdParam, req.params, 'path').id,
    query: parseOr400(reviewQuery, req.query, 'query'),
  });
  const missing = (incidentId: string) =>
    notFound(`review of incident "${incidentId}" (it is written when the incident is resolved)`);

  router.get('/:id/review', responder, async (req, res) => {
    const { incidentId, query } = target(req);
    const format = query.format ?? negotiate(req);
    const found = await store.findLatest(incidentId, query.runKey);
    if (!found) throw missing(incidentId);
    send(res, found, format);
  });

  /** Body: one edit, `{"op": "add" | "update" | "complete" | "delete", ...}`. Answers the updated review. */
  const edit = audited(audit, { action: 'review.edit', target: (p) => `incident:${p.id}/review` }, responder);
  router.patch('/:id/review/action-items', ...edit, async (req, res) => {
    const { incidentId, query } = target(req);
    const by = req.principal?.actor ?? 'unknown';
    const outcome = await store.patchActionItems(incidentId, req.body, {
      by,
      ...(query.runKey ? { runKey: query.runKey } : {}),
    });
    if (outcome.ok) {
      send(res, outcome.stored, 'json');
      return;
    }
    switch (outcome.reason) {
      case 'not_found':
        throw missing(incidentId);
      case 'invalid': {
        const summary = outcome.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
        throw new HttpError(400, 'validation_failed', `invalid action-item edit: ${summary}`, outcome.issues);
      }
      case 'conflict':
        throw new HttpError(
          409,
          'conflict',
          `the review kept changing during ${outcome.attempts} attempts to apply this edit; retry`,
        );
    }
  });
  return router;
}

function negotiate(req: Request): 'json' | 'markdown' {
  const type = req.accepts(['application/json', 'text/markdown']);
  if (type === false) {
    throw new HttpError(406, 'not_acceptable', 'a review is served as application/json or text/markdown');
  }
  return type === 'text/markdown' ? 'markdown' : 'json';
}

function send(res: Response, stored: StoredReview, format: 'json' | 'markdown'): void {
  res.vary('Accept');
  res.setHeader('x-review-revision', String(stored.revision));
  if (format === 'markdown') res.type(MARKDOWN).send(renderReviewMarkdown(stored.review));
  else res.json(stored.review);
}
