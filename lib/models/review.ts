import { model, models, Schema, type Model } from 'mongoose';
import { linkActionItem, type ActionItemPatchResult } from '../../domain/review/action-items';
import type { ExternalRef } from '../../domain/coordination/follow-up';
import {
  applyActionItemPatch,
  type ActionItem,
  type Review,
  type ReviewIssue,
  ReviewSchema,
} from '../../domain/review/review';
import { isDuplicateKey } from '../mongo';

/**
 * Post-incident reviews, one immutable document per revision. Revision 0 is what the
 * review workflow built; every action-item edit inserts revision n+1, and the newest
 * revision is the review. FerretDB's read-modify-write is not atomic (an update filtered on
 * a version can lose a concurrent edit), so the guard is the unique `_id`: two editors who
 * read revision n both try to insert n+1, one wins, the other re-reads and re-applies. The
 * older revisions are the review's edit history.
 */
export interface ReviewRevisionDoc {
  /** `${reviewId}:${revision}` */
  _id: string;
  /** `${incidentId}:${runKey}`: one review per incident, even when the id is reused. */
  reviewId: string;
  incidentId: string;
  runKey: string;
  number?: number;
  revision: number;
  /** The incident's resolution (ISO, UTC): the newest run's review is the one served. */
  resolvedAt: string;
  review: Review;
  /** Who wrote this revision: "vigil" for the built review, else the API principal. */
  by: string;
  /** The edit that produced this revision (absent on revision 0). */
  change?: unknown;
  createdAt: Date;
}

const schema = new Schema<ReviewRevisionDoc>(
  {
    _id: { type: String, required: true },
    reviewId: { type: String, required: true, index: true },
    incidentId: { type: String, required: true, index: true },
    runKey: { type: String, required: true },
    number: Number,
    revision: { type: Number, required: true },
    resolvedAt: { type: String, required: true },
    review: { type: Schema.Types.Mixed, required: true },
    by: { type: String, required: true },
    change: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
  },
  { collection: 'reviews', versionKey: false, minimize: false },
);

export const ReviewRevisionModel: Model<ReviewRevisionDoc> =
  (models.ReviewRevision as Model<ReviewRevisionDoc> | undefined) ?? model<ReviewRevisionDoc>('ReviewRevision', schema);

/** Concurrent edits of one review that lose the insert race re-read and re-apply this often. */
export const MAX_EDIT_ATTEMPTS = 5;

export const reviewId = (incidentId: string, runKey: string): string => `${incidentId}:${runKey}`;

function revisionDoc(
  base: { incidentId: string; runKey: string; review: Review },
  revision: number,
  by: string,
  change?: unknown,
): ReviewRevisionDoc {
  const id = reviewId(base.incidentId, base.runKey);
  const number = base.review.incident.number;
  return {
    _id: `${id}:${revision}`,
    reviewId: id,
    incidentId: base.incidentId,
    runKey: base.runKey,
    ...(number === undefined ? {} : { number }),
    revision,
    resolvedAt: base.review.incident.resolvedAt,
    review: base.review,
    by,
    ...(change === undefined ? {} : { change }),
    createdAt: new Date(),
  };
}

/** Inserts revision 0 unless it exists; never touches later (edited) revisions. */
export async function insertReviewIfAbsent(input: {
  incidentId: string;
  runKey: string;
  review: Review;
}): Promise<{ reviewId: string; created: boolean }> {
  const doc = revisionDoc(input, 0, 'vigil');
  try {
    await ReviewRevisionModel.create(doc);
    return { reviewId: doc.reviewId, created: true };
  } catch (err) {
    if (isDuplicateKey(err)) return { reviewId: doc.reviewId, created: false };
    throw err;
  }
}

export interface StoredReview {
  reviewId: string;
  incidentId: string;
  runKey: string;
  revision: number;
  review: Review;
}

/**
 * The newest revision of an incident's review: of the given run, or of the run resolved
 * last (an id reused after resolution has one review per incident). Undefined when none.
 */
export async function findLatestReview(incidentId: string, runKey?: string): Promise<StoredReview | undefined> {
  const query = runKey === undefined ? { incidentId } : { reviewId: reviewId(incidentId, runKey) };
  const doc = await ReviewRevisionModel.find(query).sort({ resolvedAt: -1, runKey: -1, revision: -1 }).limit(1).lean();
  const found = doc[0];
  if (!found) return undefined;
  return {
    reviewId: found.reviewId,
    incidentId: found.incidentId,
    runKey: found.runKey,
    revision: found.revision,
    // Revalidated on the way out: the document is served as the API's contract.
    review: ReviewSchema.parse(found.review),
  };
}

export type PatchOutcome =
  | { ok: true; stored: StoredReview; item?: ActionItem }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid'; issues: ReviewIssue[] }
  | { ok: false; reason: 'conflict'; attempts: number };

/**
 * Applies one action-item edit to the newest revision and stores the result as the next
 * one. Losing the insert race to a concurrent edit means re-reading and re-applying, so
 * concurrent edits all land; after MAX_EDIT_ATTEMPTS losses it gives up with "conflict".
 */
export async function patchActionItems(
  incidentId: string,
  patch: unknown,
  opts: { by: string; runKey?: string },
): Promise<PatchOutcome> {
  return editReview(incidentId, (review) => applyActionItemPatch(review, patch), { ...opts, change: patch });
}

/** Records an item's export to its tracker (by "vigil"), as a revision like any edit. */
export async function recordActionItemExport(
  incidentId: string,
  runKey: string,
  itemId: string,
  external: ExternalRef,
): Promise<PatchOutcome> {
  const change = { op: 'export', id: itemId, external };
  return editReview(incidentId, (review) => linkActionItem(review, itemId, external), { by: 'vigil', runKey, change });
}

async function editReview(
  incidentId: string,
  apply: (review: Review) => ActionItemPatchResult,
  opts: { by: string; runKey?: string; change: unknown },
): Promise<PatchOutcome> {
  for (let attempt = 1; attempt <= MAX_EDIT_ATTEMPTS; attempt += 1) {
    const current = await findLatestReview(incidentId, opts.runKey);
    if (!current) return { ok: false, reason: 'not_found' };
    const result = apply(current.review);
    if (!result.ok) return { ok: false, reason: 'invalid', issues: result.issues };
    const revision = current.revision + 1;
    try {
      await ReviewRevisionModel.create(
        revisionDoc({ incidentId, runKey: current.runKey, review: result.review }, revision, opts.by, opts.change),
      );
    } catch (err) {
      if (isDuplicateKey(err)) continue;
      throw err;
    }
    return {
      ok: true,
      stored: { ...current, revision, review: result.review },
      ...(result.item ? { item: result.item } : {}),
    };
  }
  return { ok: false, reason: 'conflict', attempts: MAX_EDIT_ATTEMPTS };
}

/** What the API needs from the review store (tests substitute their own). */
export interface ReviewStore {
  findLatest(incidentId: string, runKey?: string): Promise<StoredReview | undefined>;
  patchActionItems(incidentId: string, patch: unknown, opts: { by: string; runKey?: string }): Promise<PatchOutcome>;
}

export const mongoReviewStore: ReviewStore = { findLatest: findLatestReview, patchActionItems };
