/**
 * Action items of a post-incident review and the edits the API applies to them. Pure, so
 * the API validates and applies an edit with the same code that tests exercise, and a
 * refused edit names the field at fault instead of half-applying.
 */
import { z } from 'zod';
import { strictObject } from '../common/fields';
import type { Review } from './review';
import { ExternalRefSchema, type ExternalRef } from '../coordination/follow-up';

export const ActionItemIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit',
  );

/** True for "YYYY-MM-DD" naming a real calendar day (2026-02-30 is refused). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export const DueDateSchema = z
  .string()
  .refine(isCalendarDate, { message: 'must be a calendar date "YYYY-MM-DD", e.g. "2026-04-01"' });
export const ActionItemStatusSchema = z.enum(['open', 'done']);
/** The seeds' action-item tables rank by High / Medium; "low" completes the scale. */
export const ActionItemPrioritySchema = z.enum(['high', 'medium', 'low']);

const Title = z.string().trim().min(1, 'must not be empty').max(500);
const Owner = z.string().trim().min(1, 'must not be empty: a user id or a name').max(200);

export const ActionItemSchema = strictObject({
  id: ActionItemIdSchema,
  title: Title,
  /** A Vigil user id or, for people outside Vigil, a name. */
  owner: Owner,
  dueDate: DueDateSchema,
  status: ActionItemStatusSchema,
  priority: ActionItemPrioritySchema.optional(),
  /** Set once the item is exported to the team's tracker: its key and link there. */
  external: ExternalRefSchema.optional(),
});
export type ActionItem = z.infer<typeof ActionItemSchema>;

/** Bounds the stored review document; a review with more items needs a tracker, not a list. */
export const MAX_ACTION_ITEMS = 200;

const UpdateSchema = strictObject({
  op: z.literal('update'),
  id: ActionItemIdSchema,
  title: Title.optional(),
  owner: Owner.optional(),
  dueDate: DueDateSchema.optional(),
  status: ActionItemStatusSchema.optional(),
  /** null removes the priority. */
  priority: ActionItemPrioritySchema.nullable().optional(),
}).refine((p) => Object.keys(p).some((key) => key !== 'op' && key !== 'id'), {
  message: 'nothing to update: give at least one of title, owner, dueDate, status, priority',
  // An unknown field was dropped before this check; "nothing to update" would only add noise.
  when: (payload) => payload.issues.length === 0,
});

export const ActionItemPatchSchema = z.discriminatedUnion(
  'op',
  [
    strictObject({
      op: z.literal('add'),
      /** Optional: without one the review assigns "A<n>". */
      id: ActionItemIdSchema.optional(),
      title: Title,
      owner: Owner,
      dueDate: DueDateSchema,
      status: ActionItemStatusSchema.default('open'),
      priority: ActionItemPrioritySchema.optional(),
    }),
    UpdateSchema,
    strictObject({ op: z.literal('complete'), id: ActionItemIdSchema }),
    strictObject({ op: z.literal('delete'), id: ActionItemIdSchema }),
  ],
  {
    error: (issue) =>
      typeof issue.input !== 'object' || issue.input === null || Array.isArray(issue.input)
        ? 'must be an object with "op": "add", "update", "complete" or "delete"'
        : 'op must be one of "add", "update", "complete", "delete"',
  },
);
export type ActionItemPatch = z.input<typeof ActionItemPatchSchema>;

export interface ReviewIssue {
  /** The field at fault, e.g. "dueDate" (or the unknown field); "(patch)" when the whole patch is wrong. */
  path: string;
  message: string;
}

export type ActionItemPatchResult =
  { ok: true; review: Review; item?: ActionItem } | { ok: false; issues: ReviewIssue[] };

/**
 * Applies one action-item edit. `patch` is validated here (it usually comes straight from
 * an API body); the review is never mutated. `item` is the added or changed item.
 */
export function applyActionItemPatch(review: Review, patch: unknown): ActionItemPatchResult {
  const parsed = ActionItemPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.map(String).join('.') || '(patch)',
      message: i.message,
    }));
    return { ok: false, issues };
  }
  const p = parsed.data;
  if (p.op === 'add') return addItem(review, p);
  const index = review.actionItems.findIndex((item) => item.id === p.id);
  const current = review.actionItems[index];
  if (!current) return refuse('id', `no action item "${p.id}" in this review`);
  if (p.op === 'delete')
    return { ok: true, review: { ...review, actionItems: review.actionItems.filter((_, i) => i !== index) } };
  const changed: ActionItem = p.op === 'complete' ? { ...current, status: 'done' } : mergeUpdate(current, p);
  const actionItems = review.actionItems.map((item, i) => (i === index ? changed : item));
  return { ok: true, review: { ...review, actionItems }, item: changed };
}

function addItem(
  review: Review,
  p: Extract<z.infer<typeof ActionItemPatchSchema>, { op: 'add' }>,
): ActionItemPatchResult {
  if (review.actionItems.length >= MAX_ACTION_ITEMS) {
    return refuse('(patch)', `a review holds at most ${MAX_ACTION_ITEMS} action items`);
  }
  const taken = new Set(review.actionItems.map((item) => item.id));
  if (p.id !== undefined && taken.has(p.id)) return refuse('id', `action item "${p.id}" already exists`);
  // Generated ids count past every id ever handed out, so a deleted item's id is never reused
  // for another item (a stale client edit must not land on the wrong one).
  let seq = review.actionItemSeq + 1;
  while (p.id === undefined && taken.has(`A${seq}`)) seq += 1;
  const item: ActionItem = {
    id: p.id ?? `A${seq}`,
    title: p.title,
    owner: p.owner,
    dueDate: p.dueDate,
    status: p.status,
    ...(p.priority === undefined ? {} : { priority: p.priority }),
  };
  return { ok: true, review: { ...review, actionItems: [...review.actionItems, item], actionItemSeq: seq }, item };
}

function mergeUpdate(current: ActionItem, p: z.infer<typeof UpdateSchema>): ActionItem {
  const { priority, ...rest } = current;
  const next: ActionItem = {
    ...rest,
    ...(p.title === undefined ? {} : { title: p.title }),
    ...(p.owner === undefined ? {} : { owner: p.owner }),
    ...(p.dueDate === undefined ? {} : { dueDate: p.dueDate }),
    ...(p.status === undefined ? {} : { status: p.status }),
  };
  const keptPriority = p.priority === undefined ? priority : (p.priority ?? undefined);
  return keptPriority === undefined ? next : { ...next, priority: keptPriority };
}

function refuse(path: string, message: string): ActionItemPatchResult {
  return { ok: false, issues: [{ path, message }] };
}

/** Records an item's export; refuses an unknown item, keeps the first export of one exported twice. */
export function linkActionItem(review: Review, id: string, external: ExternalRef): ActionItemPatchResult {
  const current = review.actionItems.find((item) => item.id === id);
  if (!current) return refuse('id', `no action item "${id}" in this review`);
  if (current.external) return { ok: true, review, item: current };
  const item: ActionItem = { ...current, external };
  return {
    ok: true,
    review: { ...review, actionItems: review.actionItems.map((i) => (i.id === id ? item : i)) },
    item,
  };
}
