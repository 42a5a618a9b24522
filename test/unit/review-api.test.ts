import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { createLogger } from '../../lib/logger';
import type { PatchOutcome, ReviewStore, StoredReview } from '../../lib/models/review';
import { acknowledge, openIncident, resolve } from '../../domain/incident/incident';
import { applyActionItemPatch, buildReview } from '../../domain/review/review';

const ID = 'incident-checkout-0123456789abcdef01234567';
const RESPONDER = 'responder-token-0123456789abcdef';
const T = Date.parse('2026-03-09T14:02:00Z');
const at = (minutes: number) => new Date(T + minutes * 60_000).toISOString();

function built(): StoredReview {
  let s = openIncident(ID, 'run-1', {
    source: 'test',
    dedupKey: 'k',
    service: 'checkout',
    summary: 'Checkout 5xx',
    severity: 'SEV2',
    details: {},
    receivedAt: at(0),
  });
  s = resolve(acknowledge(s, { by: 'alice' }, at(3)), { by: 'bob' }, at(41));
  return { reviewId: `${ID}:run-1`, incidentId: ID, runKey: 'run-1', revision: 0, review: buildReview(s) };
}

/** The store's contract in memory: the real patch logic, and a switch to lose every race. */
let current: StoredReview | undefined;
let conflicted = false;
const edits: Array<{ by: string; runKey?: string }> = [];
const store: ReviewStore = {
  async findLatest(incidentId, runKey) {
    return current?.incidentId === incidentId && (runKey === undefined || runKey === current.runKey)
      ? current
      : undefined;
  },
  async patchActionItems(incidentId, patch, opts): Promise<PatchOutcome> {
    edits.push(opts);
    if (!current || current.incidentId !== incidentId) return { ok: false, reason: 'not_found' };
    if (conflicted) return { ok: false, reason: 'conflict', attempts: 5 };
    const result = applyActionItemPatch(current.review, patch);
    if (!result.ok) return { ok: false, reason: 'invalid', issues: result.issues };
    current = { ...current, revision: current.revision + 1, review: result.review };
    return { ok: true, stored: current };
  },
};

const app = createApp({
  verifyReplies: true,
  log: createLogger({ level: 'silent', name: 'test' }),
  credentials: { ingestKeys: [], responderTokens: [{ name: 'alice', secret: RESPONDER }], adminTokens: [] },
  reviews: store,
} as unknown as AppDeps);

const get = (path: string) =>
  request(app).get(`/api/v1/incidents/${ID}/review${path}`).set('authorization', `Bearer ${RESPONDER}`);
const patch = (body: unknown, query = '') =>
  request(app)
    .patch(`/api/v1/incidents/${ID}/review/action-items${query}`)
    .set('authorization', `Bearer ${RESPONDER}`)
    .send(body as object);

beforeEach(() => {
  current = built();
  conflicted = false;
  edits.length = 0;
});

describe('GET /api/v1/incidents/:id/review', () => {
  it.each([
    ['no Accept header', '', undefined, 'application/json; charset=utf-8'],
    ['Accept: */*', '', '*/*', 'application/json; charset=utf-8'],
    ['Accept: text/markdown', '', 'text/markdown', 'text/markdown; charset=utf-8'],
    [
      '?format=markdown over Accept: application/json',
      '?format=markdown',
      'application/json',
      'text/markdown; charset=utf-8',
    ],
    ['?format=json over Accept: text/markdown', '?format=json', 'text/markdown', 'application/json; charset=utf-8'],
  ])('%s', async (_name, query, accept, type) => {
    const req = get(query);
    const res = await (accept ? req.set('accept', accept) : req);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers.vary).toMatch(/Accept/);
    expect(res.headers['x-review-revision']).toBe('0');
    if (type.startsWith('text/markdown')) expect(res.text).toContain('| MTTA (time to acknowledge) | 3 min |');
    else expect(res.body.metrics).toMatchObject({ mttaSeconds: 180, mttrSeconds: 2460 });
  });

  it('answers 404 naming why before the incident is resolved, 406 and 400 for what it cannot serve', async () => {
    current = undefined;
    const missing = await get('');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      `review of incident "${ID}" (it is written when the incident is resolved) not found`,
    );
    current = built();
    expect((await get('').set('accept', 'text/html')).status).toBe(406);
    expect((await get('?format=pdf')).body.error.issues).toEqual([
      { path: 'format', message: expect.stringContaining('markdown') },
    ]);
    expect((await get('?runKey=a%20b')).status).toBe(400);
    expect((await get('?runKey=run-2')).status).toBe(404);
    expect((await request(app).get(`/api/v1/incidents/${ID}/review`)).status).toBe(401);
  });
});

describe('PATCH /api/v1/incidents/:id/review/action-items', () => {
  it('applies an edit as the caller and answers the updated review', async () => {
    const res = await patch(
      { op: 'add', title: 'Per-pod 5xx alert', owner: 'alice', dueDate: '2026-04-01' },
      '?runKey=run-1',
    );
    expect(res.status).toBe(200);
    expect(res.headers['x-review-revision']).toBe('1');
    expect(res.body.actionItems).toEqual([
      { id: 'A1', title: 'Per-pod 5xx alert', owner: 'alice', dueDate: '2026-04-01', status: 'open' },
    ]);
    expect(edits).toEqual([{ by: 'alice', runKey: 'run-1' }]);
  });

  it.each([
    ['a bad due date', { op: 'add', title: 't', owner: 'o', dueDate: '2026-02-30' }, ['dueDate']],
    ['an unknown field', { op: 'complete', id: 'A1', colour: 'red' }, ['colour']],
    ['an unknown op', { op: 'rename', id: 'A1' }, ['op']],
    ['no body', undefined, ['(patch)']],
    ['an unknown item', { op: 'complete', id: 'A7' }, ['id']],
  ])('answers 400 naming the field for %s', async (_name, body, paths) => {
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(paths);
  });

  it('answers 404 without a review and 409 when the edit keeps losing races', async () => {
    conflicted = true;
    const lost = await patch({ op: 'add', title: 't', owner: 'o', dueDate: '2026-04-01' });
    expect(lost.status).toBe(409);
    expect(lost.body.error.message).toMatch(/kept changing .* retry/);
    current = undefined;
    expect((await patch({ op: 'complete', id: 'A1' })).status).toBe(404);
  });
});
