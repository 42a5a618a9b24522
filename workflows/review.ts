/**
 * The post-incident review child: started by a resolved incident (parent close policy:
 * abandon), it builds the review from the incident's final state with pure code and
 * stores it. Deterministic: no clock, no I/O but the one activity.
 */
import { ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { ReviewActivities } from '../activities/review';
import { PERSIST_PROFILE } from './activity-profiles';
import type { IncidentState } from '../domain/incident/incident';
import { buildReview } from '../domain/review/build-review';
import type { Review } from '../domain/review/review';
import type { SlaTargetMinutes } from '../domain/review/analysis';
import { severityTargets } from '../domain/incident/severity-levels';

export interface PostIncidentReviewInput {
  /** The incident's final state; it must be resolved. */
  incident: IncidentState;
  /**
   * The targets the incident ran under (service overrides applied). Absent: the
   * severity's defaults. Breaches the incident recorded count either way.
   */
  slaTargets?: SlaTargetMinutes;
}

/** A MongoDB outage delays the review, never loses it. */
const { storeReview } = proxyActivities<ReviewActivities>(PERSIST_PROFILE);

export async function postIncidentReviewWorkflow(input: PostIncidentReviewInput): Promise<{ reviewId: string }> {
  const { incident } = input;
  const review = build(incident, input.slaTargets ?? severityTargets(incident.severity));
  const { reviewId, created } = await storeReview({ review, incidentId: incident.incidentId, runKey: incident.runKey });
  log.info('post-incident review stored', { reviewId, created });
  return { reviewId };
}

function build(incident: IncidentState, slaTargets: SlaTargetMinutes): Review {
  try {
    return buildReview(incident, { slaTargets });
  } catch (err) {
    // An unresolved or malformed incident cannot become a review, however often it is retried.
    if (err instanceof RangeError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidReviewInput');
    throw err;
  }
}
