import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewWorkflowId } from '../../workflows/contract';
import { acknowledge, openIncident, resolve, type IncidentState } from '../../domain/incident/incident';
import { postIncidentReviewWorkflow } from '../../workflows/review';
import { eventually, startSystem, tokens, type System } from './harness';

let sys: System;
let connection: Connection;
let client: Client;
beforeAll(async () => {
  sys = await startSystem('review');
  connection = await Connection.connect({ address: sys.temporalAddress });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await sys?.stop();
});

const T = Date.parse('2026-03-09T14:02:00Z');
const at = (minutes: number) => new Date(T + minutes * 60_000).toISOString();

/** A SEV2 incident on checkout: triggered at T, acknowledged by alice 3 min later, resolved by bob at 41 min. */
function resolvedIncident(incidentId: string, runKey: string, startMinute = 0): IncidentState {
  let s = openIncident(incidentId, runKey, {
    source: 'alertmanager',
    dedupKey: 'k',
    service: 'checkout',
    summary: 'Checkout 5xx above 5%',
    severity: 'SEV2',
    details: {},
    receivedAt: at(startMinute),
  });
  s = acknowledge(s, { by: 'alice' }, at(startMinute + 3));
  return resolve(s, { by: 'bob', note: 'rolled back' }, at(startMinute + 41));
}

/** Runs the review child directly on the system's worker, as a resolved incident starts it. */
async function runReview(incident: IncidentState) {
  return client.workflow.execute(postIncidentReviewWorkflow, {
    workflowId: reviewWorkflowId(incident.incidentId, incident.runKey),
    taskQueue: sys.taskQueue,
    args: [{ incident, slaTargets: { ackWithinMinutes: 15, resolveWithinMinutes: 480 } }],
  });
}

const review = (id: string, opts: { query?: string; headers?: Record<string, string>; token?: string | null } = {}) =>
  sys.call('GET', `/api/v1/incidents/${id}/review${opts.query ?? ''}`, {
    token: opts.token === undefined ? tokens.responder : opts.token,
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
const patch = (id: string, body: unknown) =>
  sys.call('PATCH', `/api/v1/incidents/${id}/review/action-items`, { token: tokens.responder, body });

async function rawGet(id: string, query: string, accept?: string) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${tokens.responder}`,
    ...(accept ? { accept } : {}),
  };
  const res = await fetch(`${sys.apiUrl}/api/v1/incidents/${id}/review${query}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('post-incident review on the real stack', () => {
  const incidentId = 'incident-checkout-0123456789abcdef01234567';

  it('is stored by the review workflow and served as JSON and Markdown', async () => {
    expect((await review(incidentId)).status).toBe(404);
    expect((await review(incidentId)).body.error.message).toMatch(/written when the incident is resolved/);

    const result = await runReview(resolvedIncident(incidentId, 'run-1'));
    expect(result).toEqual({ reviewId: `${incidentId}:run-1` });

    const json = await review(incidentId);
    expect(json.status).toBe(200);
    expect(json.body.metrics).toMatchObject({ mttaSeconds: 180, mttrSeconds: 2460 });
    expect(json.body.incident).toMatchObject({
      incidentId,
      service: 'checkout',
      acknowledgedBy: 'alice',
      resolvedBy: 'bob',
    });
    expect(json.body.actionItems).toEqual([]);
    expect(json.body.sections.whatHappened).toContain('acknowledged by alice after 3 min');

    for (const [query, accept] of [
      ['?format=markdown', undefined],
      ['', 'text/markdown'],
    ] as const) {
      const md = await rawGet(incidentId, query, accept);
      expect(md.status).toBe(200);
      expect(md.type).toBe('text/markdown; charset=utf-8');
      expect(md.text).toMatch(/^# Post-Incident Review: incident-checkout-/);
      expect(md.text).toContain('| MTTA (time to acknowledge) | 3 min |');
      expect(md.text).toContain('| MTTR (time to resolve) | 41 min |');
    }
    expect((await rawGet(incidentId, '', 'image/png')).status).toBe(406);
    expect((await review(incidentId, { token: null })).status).toBe(401);
    expect((await review(incidentId, { token: tokens.ingest })).status).toBe(403);
    expect((await review('not-an-incident')).status).toBe(400);
  });

  it('edits action items, naming the field of a bad edit, and a re-run does not clobber them', async () => {
    const added = await patch(incidentId, {
      op: 'add',
      title: 'Alert on 5xx rate per pod',
      owner: 'alice',
      dueDate: '2026-04-01',
      priority: 'high',
    });
    expect(added.status).toBe(200);
    expect(added.body.actionItems).toEqual([
      {
        id: 'A1',
        title: 'Alert on 5xx rate per pod',
        owner: 'alice',
        dueDate: '2026-04-01',
        status: 'open',
        priority: 'high',
      },
    ]);
    const done = await patch(incidentId, { op: 'complete', id: 'A1' });
    expect(done.status).toBe(200);
    expect(done.body.actionItems[0].status).toBe('done');

    const badDate = await patch(incidentId, {
      op: 'add',
      title: 'Canary deploys',
      owner: 'bob',
      dueDate: '2026-02-30',
    });
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['dueDate']);
    const unknownItem = await patch(incidentId, { op: 'complete', id: 'A9' });
    expect(unknownItem.status).toBe(400);
    expect(unknownItem.body.error.issues).toEqual([{ path: 'id', message: 'no action item "A9" in this review' }]);
    expect((await patch('incident-checkout-ffffffffffffffffffffffff', { op: 'complete', id: 'A1' })).status).toBe(404);

    // Storing again (a retried activity, a re-run child) finds revision 0 and leaves the edits alone.
    expect(await runReview(resolvedIncident(incidentId, 'run-1'))).toEqual({ reviewId: `${incidentId}:run-1` });
    const after = await review(incidentId);
    expect(after.body.actionItems).toEqual([{ ...added.body.actionItems[0], status: 'done' }]);
    expect(await sys.db.collection('reviews').countDocuments({ reviewId: `${incidentId}:run-1`, revision: 0 })).toBe(1);
    expect((await review(incidentId, { query: '?format=markdown' })).body).toContain('Alert on 5xx rate per pod');
  });

  it('loses no edit when editors race (a unique insert guards each revision)', async () => {
    const before = (await review(incidentId)).body.actionItems.length;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        patch(incidentId, { op: 'add', title: `Race ${i}`, owner: 'carol', dueDate: '2026-05-01' }),
      ),
    );
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    const accepted = answers.filter((a) => a.status === 200).length;
    expect(accepted).toBeGreaterThan(0);
    const items: Array<{ id: string; title: string }> = (await review(incidentId)).body.actionItems;
    expect(items).toHaveLength(before + accepted);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });

  it('serves the incident resolved last when an id was reused, and an earlier one by runKey', async () => {
    await runReview(resolvedIncident(incidentId, 'run-2', 120));
    const latest = await review(incidentId);
    expect(latest.body.incident.resolvedAt).toBe(at(161));
    expect(latest.body.actionItems).toEqual([]);
    const earlier = await review(incidentId, { query: '?runKey=run-1' });
    expect(earlier.body.incident.resolvedAt).toBe(at(41));
    expect(earlier.body.actionItems.length).toBeGreaterThan(1);
    const edited = await sys.call('PATCH', `/api/v1/incidents/${incidentId}/review/action-items?runKey=run-1`, {
      token: tokens.responder,
      body: { op: 'delete', id: 'A1' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.incident.resolvedAt).toBe(at(41));
    expect((await review(incidentId)).body.actionItems).toEqual([]);
  });

  it('is written when an incident is resolved through the API', async () => {
    const fired = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: {
        source: 'prometheus',
        dedupKey: 'review-e2e',
        summary: 'Queue backlog',
        severity: 'warning',
        service: 'billing',
      },
    });
    expect(fired.status).toBe(202);
    const id: string = fired.body.incidentId;
    await eventually(async () =>
      (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).status === 200 ? true : undefined,
    );
    expect((await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder })).status).toBe(200);
    const served = await eventually(async () => {
      const r = await review(id);
      return r.status === 200 ? r.body : undefined;
    }, 30_000);
    expect(served.incident).toMatchObject({
      incidentId: id,
      service: 'billing',
      severity: 'SEV3',
      resolvedBy: 'system:alice',
    });
    expect(served.metrics.mttaSeconds).toBeUndefined();
  });
});
