/**
 * The incident list and feed on the real stack: the worker's projector writes rows and
 * dense feed events to FerretDB, the API lists them and streams the changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, tokens, type System } from './harness';

let sys: System;
beforeAll(async () => {
  sys = await startSystem('incident-list');
});
afterAll(async () => {
  await sys?.stop();
});

const fire = async (service: string, summary: string, severity = 'SEV2') => {
  const r = await sys.call('POST', '/api/v1/alerts', {
    token: tokens.ingest,
    body: { source: 'e2e', service, summary, severity, dedupKey: summary },
  });
  expect(r.status).toBe(202);
  return r.body.incidentId as string;
};

describe('incident list and feed on the real stack', () => {
  it('lists projected incidents newest first, filters them, and streams their changes', async () => {
    const ctrl = new AbortController();
    const stream = await fetch(`${sys.apiUrl}/api/v1/incidents/events`, {
      headers: { authorization: `Bearer ${tokens.responder}` },
      signal: ctrl.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let text = '';
    const received = async (pred: (d: any) => boolean) => {
      for (;;) {
        const found = text
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => JSON.parse(l.slice(6)))
          .find(pred);
        if (found) return found;
        text += new TextDecoder().decode((await reader.read()).value);
      }
    };

    const ids = await Promise.all([
      fire('checkout', 'Checkout errors', 'SEV1'),
      fire('search', 'Search slow'),
      fire('checkout', 'Checkout latency'),
    ]);
    const listed = await eventually(async () => {
      const r = await sys.call('GET', '/api/v1/incidents?status=triggered', { token: tokens.responder });
      return r.body.data?.length === 3 ? r.body : undefined;
    });
    expect(new Set(listed.data.map((r: any) => r.incidentId))).toEqual(new Set(ids));
    const created = listed.data.map((r: any) => r.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(listed.counts).toEqual({ triggered: 3, acknowledged: 0, resolved: 0 });

    const checkout = await sys.call('GET', '/api/v1/incidents?service=checkout&severity=SEV1', {
      token: tokens.responder,
    });
    expect(checkout.body.data.map((r: any) => r.incidentId)).toEqual([ids[0]]);

    await received((d) => d.incidentId === ids[1] && d.changes.includes('new'));
    const ack = await sys.call('POST', `/api/v1/incidents/${ids[1]}/acknowledge`, { token: tokens.responder });
    expect(ack.status).toBe(200);
    const acked = await received((d) => d.incidentId === ids[1] && d.changes.includes('state'));
    expect(acked.row).toMatchObject({ status: 'acknowledged', holderIds: ['system:alice'] });
    ctrl.abort();

    // Resuming after the acknowledgement's event replays nothing before it.
    const events = await sys.db.collection('incident_events').find({}).sort({ _id: 1 }).toArray();
    expect(events.map((e) => e._id)).toEqual(events.map((_e, i) => i + 1)); // dense: no holes
    const resumed = await fetch(`${sys.apiUrl}/api/v1/incidents/events?lastEventId=${acked.id - 1}`, {
      headers: { authorization: `Bearer ${tokens.responder}` },
    });
    const again = resumed.body!.getReader();
    let replay = '';
    while (!replay.includes(`id: ${acked.id}\n`)) replay += new TextDecoder().decode((await again.read()).value);
    expect(replay).not.toMatch(
      new RegExp(
        `^id: (${events
          .filter((e) => e._id < acked.id)
          .map((e) => e._id)
          .join('|')})$`,
        'm',
      ),
    );
    await again.cancel();

    const after = await eventually(async () => {
      const r = await sys.call('GET', '/api/v1/incidents?status=acknowledged', { token: tokens.responder });
      return r.body.data?.length === 1 ? r.body : undefined;
    });
    expect(after.counts).toEqual({ triggered: 2, acknowledged: 1, resolved: 0 });
  });
});
