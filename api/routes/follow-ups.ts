import { z } from 'zod';
import { ExternalRefSchema } from '../../domain/coordination/follow-up';
import { ActionItemIdSchema } from '../../domain/review/action-items';
import { feature } from '../http/services';
import { HttpError, notFound } from '../errors';
import { defineRoute, ok } from '../http/route';
import { incidentIdParam } from '../schemas';
import { E400 } from './errors-doc';
import { reviewQuery } from './review';

const ExportRequestSchema = z.strictObject({
  /** The items to export; absent: every item not exported yet. */
  ids: z.array(ActionItemIdSchema).min(1).max(200).optional(),
});

const ExportAnswerSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      state: z.enum(['exported', 'started']),
      external: ExternalRefSchema.optional(),
      workflowId: z.string().optional(),
    }),
  ),
});

/** Follow-ups: a review's action items exported to the service team's tracker (team.followUps). */
export const followUpRoutes = [
  defineRoute({
    tag: 'Reviews',
    auth: 'responder',
    feature: 'followUps',
    method: 'post',
    path: '/api/v1/incidents/{id}/review/action-items/export',
    operationId: 'exportReviewActionItems',
    summary: "Export action items to the team's tracker (Jira, Linear, GitHub, webhook), once per item",
    description:
      'Starts one export per item not exported yet; an exported item answers its stored key. The review shows each key and link once its export has finished.',
    audit: { action: 'review.export', target: (p) => `incident:${p.id}/review` },
    request: {
      params: incidentIdParam,
      query: reviewQuery.pick({ runKey: true }),
      body: { schema: ExportRequestSchema },
    },
    responses: { 202: ok('What each item is doing', ExportAnswerSchema), 400: E400, 404: 'No review' },
    handler: async ({ params, query, body }, services, { reply }) => {
      const stored = await services.reviews.findLatest(params.id, query.runKey);
      if (!stored) throw notFound(`review of incident "${params.id}"`);
      const items = stored.review.actionItems;
      const unknown = body.ids?.find((id) => !items.some((i) => i.id === id));
      if (unknown) throw new HttpError(400, 'validation_failed', `ids: no action item "${unknown}" in this review`);
      const chosen = body.ids ? items.filter((i) => body.ids?.includes(i.id)) : items;
      const gateway = feature(services, 'followUps');
      const answer = [];
      for (const item of chosen) {
        if (item.external) {
          answer.push({ id: item.id, state: 'exported' as const, external: item.external });
          continue;
        }
        const ids = { incidentId: stored.incidentId, runKey: stored.runKey, itemId: item.id };
        const { workflowId } = await gateway.startExport(ids);
        answer.push({ id: item.id, state: 'started' as const, workflowId });
      }
      return reply(202, { items: answer });
    },
  }),
];
