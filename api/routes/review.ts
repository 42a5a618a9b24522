import type { Request } from 'express';
import { z } from 'zod';
import type { StoredReview } from '../../lib/models/review';
import { ActionItemPatchSchema } from '../../domain/review/action-items';
import { renderReviewMarkdown, ReviewSchema } from '../../domain/review/review';
import { HttpError, notFound } from '../errors';
import { defineRoute, ok } from '../http/route';
import { incidentIdParam } from '../schemas';
import { E400 } from './errors-doc';

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
const REVISION = { 'x-review-revision': 'The revision of the review answered (each edit adds one)' };
const base = { tag: 'Reviews', auth: 'responder' } as const;
const missing = (incidentId: string) =>
  notFound(`review of incident "${incidentId}" (it is written when the incident is resolved)`);

/**
 * Post-incident reviews, read from and edited in the review store (MongoDB), never
 * Temporal: the review outlives the incident workflow.
 */
export const reviewRoutes = [
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/incidents/{id}/review',
    operationId: 'getIncidentReview',
    summary: 'The post-incident review',
    description: 'JSON, or Markdown with `Accept: text/markdown` or `?format=markdown`.',
    request: { params: incidentIdParam, query: reviewQuery },
    responses: {
      200: {
        description: 'The review',
        content: { 'application/json': ReviewSchema, 'text/markdown': z.string() },
        headers: REVISION,
      },
      400: E400,
      404: 'No review: the incident is not resolved (or unknown)',
      406: 'Neither JSON nor Markdown is acceptable',
    },
    handler: async ({ params, query }, { reviews }, { reply, req, res }) => {
      const format = query.format ?? negotiate(req);
      const found = await reviews.findLatest(params.id, query.runKey);
      if (!found) throw missing(params.id);
      res.vary('Accept');
      const headers = revision(found);
      return format === 'markdown'
        ? reply(200, renderReviewMarkdown(found.review), { type: MARKDOWN, headers })
        : reply(200, found.review, { headers });
    },
  }),
  defineRoute({
    ...base,
    method: 'patch',
    path: '/api/v1/incidents/{id}/review/action-items',
    operationId: 'editReviewActionItems',
    summary: 'One action-item edit: add, update, complete or delete',
    request: {
      params: incidentIdParam,
      query: reviewQuery.pick({ runKey: true }),
      // The store validates the edit against the review it applies to (the item ids it names).
      body: { schema: z.unknown(), content: { 'application/json': ActionItemPatchSchema } },
    },
    responses: {
      200: ok('The updated review', ReviewSchema, REVISION),
      400: E400,
      404: 'No review',
      409: 'The review kept changing; retry',
    },
    handler: async ({ params, query, body, by }, { reviews }, { reply, res }) => {
      res.vary('Accept');
      const runKey = query.runKey ? { runKey: query.runKey } : {};
      const outcome = await reviews.patchActionItems(params.id, body, { by, ...runKey });
      if (outcome.ok) return reply(200, outcome.stored.review, { headers: revision(outcome.stored) });
      switch (outcome.reason) {
        case 'not_found':
          throw missing(params.id);
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
    },
  }),
];

function negotiate(req: Request): 'json' | 'markdown' {
  const type = req.accepts(['application/json', 'text/markdown']);
  if (type === false) {
    throw new HttpError(406, 'not_acceptable', 'a review is served as application/json or text/markdown');
  }
  return type === 'text/markdown' ? 'markdown' : 'json';
}

const revision = (stored: StoredReview) => ({ 'x-review-revision': String(stored.revision) });
