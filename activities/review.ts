import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../lib/logger';
import { insertReviewIfAbsent } from '../lib/models/review';
import { type Review, ReviewSchema } from '../domain/review/review';

export interface StoreReviewInput {
  review: Review;
  incidentId: string;
  runKey: string;
}

export function createReviewActivities(deps: { log: Logger }) {
  return {
    /**
     * Stores the review the post-incident review workflow built, as revision 0 of review
     * `${incidentId}:${runKey}`. Insert-if-absent: a retry, a replayed workflow or a second
     * run with the same ids finds the review already there and leaves it alone, so action
     * items people have edited since (later revisions) are never clobbered. Retries
     * (profile "persist"): unlimited with backoff up to 1 minute, so a MongoDB outage only
     * delays the review. A review that fails ReviewSchema is a bug in its builder:
     * non-retryable, type "InvalidReview".
     */
    async storeReview(input: StoreReviewInput): Promise<{ reviewId: string; created: boolean }> {
      const parsed = ReviewSchema.safeParse(input.review);
      if (!parsed.success) {
        const where = parsed.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ');
        throw ApplicationFailure.nonRetryable(`review of ${input.incidentId} is invalid: ${where}`, 'InvalidReview');
      }
      const res = await insertReviewIfAbsent({
        incidentId: input.incidentId,
        runKey: input.runKey,
        review: parsed.data,
      });
      deps.log.info(
        { incidentId: input.incidentId, reviewId: res.reviewId, created: res.created },
        'post-incident review stored',
      );
      return res;
    },
  };
}

export type ReviewActivities = ReturnType<typeof createReviewActivities>;
