/**
 * GET /api/v1/incidents and /events on a real app over an in-memory feed: every filter,
 * cursor pages that stay put while incidents arrive, counts, and bad input named.
 */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { createIncidentList } from '../../api/incident-list/service';
import type { FeedEvent } from '../../api/incident-list/feed';
import type { IncidentListRow } from '../../domain/incident/list-row';
import { createLogger } from '../../lib/logger';

const RESPONDER = 'responder-token-0123456789abcdef';
const log = createLogger({ level: 'silent', name: 'test' });
const SERVICES = ['checkout', 'search', 'db'];
const STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;

function row(i: number, over: Partial<IncidentListRow> = {}): IncidentListRow {
  return {
    recordId: `incident-x-${i}:run`,
    incidentId: `incident-x-${i}`,
    number: i,
    service: SERVICES[i % 3] as string,
    severity: (['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const)[i % 4] ?? 'SEV1',
    status: STATUSES[i % 3] ?? 'triggered',
    summary: i % 5 === 0 ? `Disk full on db-${i}` : `Latency high on api-${i}`,
    createdAt: new Date(Date.UTC(2026, 2, 1) + i * 60_000).toISOString(),
    alertCount: 1,
    holderIds: [],
    pagedUserIds: i % 2 === 0 ? ['ola'] : ['kim'],
    seq: 1,
    ...over,
  };
}

let events: Map<number, FeedEvent>;
let list: ReturnType<typeof createIncidentList>;
let app: ReturnType<typeof createApp>;
const publish = async (r: IncidentListRow) => {
  const id = events.size + 1;
  events.set(id, { id, at: new Date().toISOString(), incidentId: r.incidentId, changes: ['new'], row: r });
  await list.feed.poll();
};

beforeEach(() => {
  events = new Map();
  list = createIncidentList({
    log,
    source: { latest: async () => events.size, get: async (id) => events.get(id) },
    loadRows: async () => Array.from({ length: 60 }, (_, i) => row(i + 1)),
    servicesOfTeams: async (teams) => new Set(teams.includes('payments') ? ['checkout'] : []),
    intervalMs: 60_000,
  });
  app = createApp({
    log,
    credentials: { ingestKeys: [], responderTokens: [{ name: 'alice', secret: RESPONDER }], adminTokens: [] },
    readiness: {},
    incidentList: list,
  } as unknown as AppDeps);
});

const get = (query: string) =>
  request(app).get(`/api/v1/incidents${query}`).set('authorization', `Bearer ${RESPONDER}`);

describe('GET /api/v1/incidents', () => {
  it('lists newest first with counts by status, and needs a responder token', async () => {
    expect((await request(app).get('/api/v1/incidents')).status).toBe(401);
    const res = await get('?limit=5');
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: IncidentListRow) => r.number)).toEqual([60, 59, 58, 57, 56]);
    expect(res.body.counts).toEqual({ triggered: 20, acknowledged: 20, resolved: 20 });
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });

  it.each([
    ['status (several)', '?status=triggered&status=acknowledged', (r: IncidentListRow) => r.status !== 'resolved'],
    ['status as a comma list', '?status=triggered,resolved', (r: IncidentListRow) => r.status !== 'acknowledged'],
    ['service', '?service=db', (r: IncidentListRow) => r.service === 'db'],
    ['severity, any alias', '?severity=critical,SEV2', (r: IncidentListRow) => ['SEV1', 'SEV2'].includes(r.severity)],
    ['team (its services)', '?team=payments', (r: IncidentListRow) => r.service === 'checkout'],
    ['paged to a user', '?pagedTo=ola', (r: IncidentListRow) => r.pagedUserIds.includes('ola')],
    [
      'created between',
      '?createdFrom=2026-03-01T00:10:00Z&createdTo=2026-03-01T00:20:00Z',
      (r: IncidentListRow) => r.createdAt >= '2026-03-01T00:10' && r.createdAt < '2026-03-01T00:20',
    ],
    ['words in the summary', '?q=DISK%20db', (r: IncidentListRow) => r.summary.startsWith('Disk full on db')],
  ])('filters by %s', async (_name, query, keep) => {
    const res = await get(`${query}${query ? '&' : '?'}limit=200`);
    expect(res.status).toBe(200);
    const expected = Array.from({ length: 60 }, (_, i) => row(60 - i)).filter(keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(60);
    expect(res.body.data.map((r: IncidentListRow) => r.number)).toEqual(expected.map((r) => r.number));
    const counts = { triggered: 0, acknowledged: 0, resolved: 0 };
    const ignoringStatus = Array.from({ length: 60 }, (_, i) => row(i + 1)).filter((r) =>
      query.includes('status') ? true : keep(r),
    );
    for (const r of ignoringStatus) counts[r.status] += 1;
    expect(res.body.counts).toEqual(counts);
  });

  it('combines filters, and an empty team matches nothing', async () => {
    const res = await get('?service=db&status=resolved&severity=SEV4');
    expect(res.body.data.every((r: IncidentListRow) => r.service === 'db' && r.status === 'resolved')).toBe(true);
    expect((await get('?team=nobody')).body.data).toEqual([]);
  });

  it('pages with a cursor that stays stable while incidents are added', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let added = 100;
    do {
      const res: request.Response = await get(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((r: IncidentListRow) => r.number));
      cursor = res.body.nextCursor;
      // New incidents (newer than everything) and one as old as the page boundary arrive between pages.
      await Promise.all([publish(row(++added)), publish(row(++added))]);
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => 60 - i));
    const fresh = await get('?limit=3');
    expect(fresh.body.data.map((r: IncidentListRow) => r.number)).toEqual([added, added - 1, added - 2]);
  });

  it('applies feed changes to rows (by seq), and reports the feed position', async () => {
    await publish(row(60, { status: 'resolved', seq: 2 }));
    await publish(row(60, { status: 'triggered', seq: 1 })); // a repeat of an older state
    const res = await get('?limit=1');
    expect(res.body.data[0]).toMatchObject({ number: 60, status: 'resolved' });
    expect(res.body.asOf).toBe(2);
  });

  it.each([
    ['?status=open', 'status.0', 'must be one of: triggered, acknowledged, resolved'],
    ['?severity=urgent', 'severity.0', ''],
    ['?cursor=not-a-cursor', 'cursor', 'is not a cursor'],
    ['?cursor=WyJ4IiwieSJd', 'cursor', 'is not a cursor'], // ["x","y"]: JSON, but not ours
    ['?createdFrom=2026-03-02T00:00:00Z&createdTo=2026-03-01T00:00:00Z', 'createdTo', 'must be after createdFrom'],
    ['?createdFrom=yesterday', 'createdFrom', ''],
    ['?limit=0', 'limit', ''],
    ['?limit=1000', 'limit', ''],
    ['?stauts=triggered', 'stauts', 'unknown parameter'],
    ['?pagedTo=me', 'pagedTo', 'personal token'],
  ])('refuses %s with 400 naming %s', async (query, field, message) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const issue = res.body.error.issues.find((i: { path: string }) => i.path === field);
    expect(issue, JSON.stringify(res.body.error.issues)).toBeDefined();
    expect(issue.message).toContain(message);
  });
});

describe('GET /api/v1/incidents/events', () => {
  it('streams changes after Last-Event-ID, then new ones as they come', async () => {
    await publish(row(61));
    await publish(row(62));
    const server = app.listen(0);
    const { port } = server.address() as { port: number };
    const ctrl = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/incidents/events`, {
        headers: { authorization: `Bearer ${RESPONDER}`, 'last-event-id': '1' },
        signal: ctrl.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      const until = async (needle: string) => {
        while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
      };
      await until('id: 2\n');
      await publish(row(63));
      await until('id: 3\n');
      expect(text).not.toContain('id: 1\n');
      const data = text
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => JSON.parse(l.slice(6)));
      expect(data.map((d) => d.row.number)).toEqual([62, 63]);
      expect(data[0]).toMatchObject({ id: 2, incidentId: 'incident-x-62', changes: ['new'] });
    } finally {
      ctrl.abort();
      server.close();
    }
  });

  it('refuses a malformed Last-Event-ID, naming it', async () => {
    const res = await request(app)
      .get('/api/v1/incidents/events')
      .set('authorization', `Bearer ${RESPONDER}`)
      .set('last-event-id', 'abc');
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('Last-Event-ID');
  });
});
