import { describe, expect, it } from 'vitest';
import {
  type ActionItemPatchResult,
  applyActionItemPatch,
  buildReview,
  isCalendarDate,
  MAX_ACTION_ITEMS,
  type Review,
  ReviewSchema,
} from '../../domain/review/review';

const base: Review = buildReview({
  incidentId: 'incident-db-1',
  service: 'db',
  severity: 'SEV2',
  summary: 'Disk full',
  createdAt: '2026-03-09T14:02:00Z',
  resolvedAt: '2026-03-09T14:40:00Z',
  alertCount: 1,
  timeline: [{ at: '2026-03-09T14:02:00Z', type: 'triggered', message: 'Triggered' }],
});

function ok(result: ActionItemPatchResult): Review {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
  return result.review;
}

/** Applies patches in order; every one must be accepted. */
function apply(review: Review, ...patches: unknown[]): Review {
  return patches.reduce<Review>((r, p) => ok(applyActionItemPatch(r, p)), review);
}

const add = (title: string, extra: Record<string, unknown> = {}) => ({
  op: 'add',
  title,
  owner: 'alice',
  dueDate: '2026-04-01',
  ...extra,
});

describe('applyActionItemPatch', () => {
  it('adds items with generated ids that are never reused after a delete', () => {
    const two = apply(base, add('Alert at 80% disk'), add('Runbook', { priority: 'high' }));
    expect(two.actionItems).toEqual([
      { id: 'A1', title: 'Alert at 80% disk', owner: 'alice', dueDate: '2026-04-01', status: 'open' },
      { id: 'A2', title: 'Runbook', owner: 'alice', dueDate: '2026-04-01', status: 'open', priority: 'high' },
    ]);
    const again = apply(two, { op: 'delete', id: 'A2' }, add('Capacity review'));
    expect(again.actionItems.map((i) => i.id)).toEqual(['A1', 'A3']);
  });

  it('keeps a caller-chosen id and skips it when generating', () => {
    const r = apply(base, add('Mine', { id: 'A1' }), add('Generated'));
    expect(r.actionItems.map((i) => i.id)).toEqual(['A1', 'A2']);
    const dup = applyActionItemPatch(r, add('Again', { id: 'A1' }));
    expect(dup).toEqual({ ok: false, issues: [{ path: 'id', message: 'action item "A1" already exists' }] });
  });

  it('updates fields, removes the priority with null, completes, and returns the changed item', () => {
    const r = apply(base, add('Alert', { priority: 'low' }));
    const updated = applyActionItemPatch(r, {
      op: 'update',
      id: 'A1',
      owner: ' bob ',
      dueDate: '2026-05-01',
      priority: null,
    });
    expect(updated).toMatchObject({
      ok: true,
      item: { id: 'A1', title: 'Alert', owner: 'bob', dueDate: '2026-05-01', status: 'open' },
    });
    expect(ok(updated).actionItems[0]).not.toHaveProperty('priority');
    const done = applyActionItemPatch(ok(updated), { op: 'complete', id: 'A1' });
    expect(ok(done).actionItems[0]?.status).toBe('done');
    const reopened = ok(applyActionItemPatch(ok(done), { op: 'update', id: 'A1', status: 'open', priority: 'medium' }));
    expect(reopened.actionItems[0]).toMatchObject({ status: 'open', priority: 'medium' });
  });

  it('never mutates the review it was given, and the result is a valid review', () => {
    const r = apply(base, add('Alert'));
    const before = structuredClone(r);
    const after = apply(r, { op: 'update', id: 'A1', title: 'Alert sooner' }, add('Two'), { op: 'delete', id: 'A1' });
    expect(r).toEqual(before);
    expect(ReviewSchema.parse(JSON.parse(JSON.stringify(after)))).toEqual(after);
  });

  // [name, patch, path, message pattern]
  const refused: [string, unknown, string, RegExp][] = [
    ['owner missing', { op: 'add', title: 'x', dueDate: '2026-04-01' }, 'owner', /expected string/],
    ['owner blank', add('x', { owner: '   ' }), 'owner', /must not be empty/],
    ['due date not padded', add('x', { dueDate: '2026-4-1' }), 'dueDate', /YYYY-MM-DD/],
    ['due date not a real day', add('x', { dueDate: '2026-02-30' }), 'dueDate', /calendar date/],
    ['due date with a time', add('x', { dueDate: '2026-04-01T00:00:00Z' }), 'dueDate', /YYYY-MM-DD/],
    ['title empty', add(''), 'title', /must not be empty/],
    ['priority unknown', add('x', { priority: 'urgent' }), 'priority', /high|medium|low/],
    ['id with a space', add('x', { id: 'has space' }), 'id', /letters, digits/],
    ['unknown op', { op: 'frob', id: 'A1' }, 'op', /one of "add", "update", "complete", "delete"/],
    ['not an object', null, '(patch)', /must be an object with "op"/],
    ['a list', [add('x')], '(patch)', /must be an object/],
    ['update without fields', { op: 'update', id: 'A1' }, '(patch)', /nothing to update/],
    [
      'update with a typo',
      { op: 'update', id: 'A1', titel: 'x' },
      'titel',
      /unknown field "titel"; allowed: op, id, title/,
    ],
    ['status unknown', { op: 'update', id: 'A1', status: 'closed' }, 'status', /open|done/],
    ['unknown id', { op: 'complete', id: 'A9' }, 'id', /no action item "A9"/],
    ['delete unknown id', { op: 'delete', id: 'nope' }, 'id', /no action item "nope"/],
  ];
  it.each(refused)('refuses %s, naming the field', (_name, patch, path, message) => {
    const r = apply(base, add('Existing'));
    const result = applyActionItemPatch(r, patch);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]).toEqual({ path, message: expect.stringMatching(message) });
  });

  it('reports every bad field at once', () => {
    const result = applyActionItemPatch(base, { op: 'add', title: '', owner: '', dueDate: 'soon' });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['title', 'owner', 'dueDate']);
  });

  it(`holds at most ${MAX_ACTION_ITEMS} action items`, () => {
    const items = Array.from({ length: MAX_ACTION_ITEMS }, (_, i) => ({
      id: `X${i}`,
      title: 't',
      owner: 'o',
      dueDate: '2026-04-01',
      status: 'open' as const,
    }));
    const full: Review = { ...base, actionItems: items };
    expect(applyActionItemPatch(full, add('one more'))).toMatchObject({ ok: false, issues: [{ path: '(patch)' }] });
    expect(applyActionItemPatch(full, { op: 'delete', id: 'X0' }).ok).toBe(true);
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['2026-04-01', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-04-31', false],
    ['26-04-01', false],
    ['2026-04-01 ', false],
    ['', false],
  ])('%j -> %s', (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });
});
