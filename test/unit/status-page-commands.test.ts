import { describe, expect, it } from 'vitest';
import { createStatusPageCommands } from '../../api/status-page/commands';
import { HttpError } from '../../api/errors';
import { createLogger } from '../../lib/logger';
import type { StatusPageStore } from '../../lib/models/status-page';
import {
  PageEditSchema,
  PageUpdateInputSchema,
  StatusPageSchema,
  type PageIncidentRecord,
} from '../../domain/status-page';
import { PAGE_INPUT, incident } from './status-page-fixtures';

const PAGE = StatusPageSchema.parse({
  ...PAGE_INPUT,
  mirror: { type: 'cachet', url: 'https://c.example.com', tokenEnv: 'T', components: { api: 1 } },
});
const NOW = Date.parse('2026-05-01T10:30:00Z');

/** A store in memory with the Mongo store's semantics (updates kept apart, oldest first). */
function memoryStore(records: PageIncidentRecord[]): StatusPageStore {
  const byId = new Map(records.map((r) => [r.id, r]));
  return {
    incidents: async () => [...byId.values()],
    incident: async (_p, id) => (byId.has(id) ? structuredClone(byId.get(id)) : undefined),
    create: async () => true,
    async addUpdate(_p, id, patch, update) {
      const r = byId.get(id)!;
      Object.assign(r, patch);
      if (r.updates.some((u) => u.id === update.id)) return false;
      r.updates.push(update);
      return true;
    },
    patch: async (_p, id, patch) => void Object.assign(byId.get(id)!, patch),
    latestFor: async (_p, incidentId) => [...byId.values()].find((r) => r.incidentId === incidentId),
    forIncident: async (incidentId) => [...byId.values()].filter((r) => r.incidentId === incidentId),
    async editUpdate(_p, updateId, body) {
      for (const r of byId.values()) for (const u of r.updates) if (u.id === updateId) u.body = body;
    },
  };
}

function setup() {
  const record = incident({ id: 'pi1', createdAt: '2026-05-01T10:00:00.000Z', incidentId: 'inc-1' });
  const notes: string[] = [];
  const mirrored: unknown[] = [];
  const dropped: string[] = [];
  const announced: string[] = [];
  const cmds = createStatusPageCommands({
    log: createLogger({ level: 'silent', name: 'test' }),
    views: { page: async (id) => (id === PAGE.id ? PAGE : undefined), invalidate: (id) => void dropped.push(id) },
    incidents: { note: async (_id, n) => void notes.push(`${n.by}: ${n.text}`) },
    store: memoryStore([record]),
    mirror: async (input) => void mirrored.push(input),
    announce: async (input) => void announced.push(`${input.pageId}/${input.pageIncidentId}/${input.updateId}`),
    now: () => NOW,
  });
  return { cmds, notes, mirrored, dropped, announced };
}

const status = (err: unknown) => (err instanceof HttpError ? `${err.status} ${err.message}` : String(err));

describe('status page responder commands', () => {
  it('posts an update: a stored record with its own id, components merged, timeline and mirror told', async () => {
    const { cmds, notes, mirrored, dropped } = setup();
    const input = PageUpdateInputSchema.parse({
      status: 'identified',
      message: 'A bad deploy; rolling back.',
      components: { web: 'degraded_performance' },
    });
    const r = await cmds.post('inc-1', 'public', input, 'alice');
    expect(r.status).toBe('identified');
    expect(r.components).toEqual({ api: 'partial_outage', web: 'degraded_performance' });
    const last = r.updates[r.updates.length - 1]!;
    expect(last).toMatchObject({ status: 'identified', body: 'A bad deploy; rolling back.', by: 'alice' });
    expect(last.id).toMatch(/^pi1:[0-9a-f-]{36}$/);
    expect(notes).toEqual(['alice: Posted on status page "Acme Status" (identified): A bad deploy; rolling back.']);
    expect(mirrored).toEqual([{ pageId: 'public', pageIncidentId: 'pi1', incidentId: 'inc-1' }]);
    expect(dropped).toEqual(['public']);
  });

  it('refuses an unknown component (422), an update once resolved (409), an unknown page or incident (404)', async () => {
    const { cmds } = setup();
    const bad = PageUpdateInputSchema.parse({ status: 'identified', message: 'x', components: { db: 'major_outage' } });
    expect(status(await cmds.post('inc-1', 'public', bad, 'a').catch((e: unknown) => e))).toBe(
      '422 components.db: unknown component "db" on page "public"',
    );
    expect(status(await cmds.hold('inc-1', 'nope', true, 'a').catch((e: unknown) => e))).toMatch(
      /^404 status page "nope"/,
    );
    expect(status(await cmds.hold('inc-9', 'public', true, 'a').catch((e: unknown) => e))).toMatch(/^404 /);
    const resolved = await cmds.post('inc-1', 'public', { status: 'resolved', message: 'Fixed.' }, 'a');
    expect(resolved.updates.at(-1)!.components).toEqual({ api: 'operational' });
    expect(resolved.resolvedAt).toBe(new Date(NOW).toISOString());
    expect(
      status(await cmds.post('inc-1', 'public', { status: 'monitoring', message: 'y' }, 'a').catch((e: unknown) => e)),
    ).toMatch(/^409 the incident on status page "public" is resolved/);
  });

  it('holds back and releases, edits the title and the latest message', async () => {
    const { cmds, notes } = setup();
    expect((await cmds.hold('inc-1', 'public', true, 'bob')).held).toBe(true);
    expect((await cmds.hold('inc-1', 'public', false, 'bob')).held).toBe(false);
    const edited = await cmds.edit('inc-1', 'public', { title: 'API errors', message: 'Corrected text.' }, 'bob');
    expect(edited.name).toBe('API errors');
    expect(edited.updates.at(-1)!.body).toBe('Corrected text.');
    expect(notes).toEqual([
      'bob: Held back the incident on status page "Acme Status": not shown until released',
      'bob: Released the incident on status page "Acme Status"',
      'bob: Edited the incident on status page "Acme Status": title "API errors" and the latest message',
    ]);
  });

  it('validates input naming the field and the rule', () => {
    const bad = PageUpdateInputSchema.safeParse({ status: 'fixed', message: '' });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['status', 'must be one of: investigating, identified, monitoring, resolved'],
      ['message', 'must not be empty'],
    ]);
    expect(PageEditSchema.safeParse({}).error?.issues[0]?.message).toBe('give a title or a message to change');
  });

  it("tells subscribers of a posted update, and on a release of every update so far (subscribers' fan-outs)", async () => {
    const { cmds, announced } = setup();
    await cmds.hold('inc-1', 'public', true, 'bob');
    const posted = await cmds.post('inc-1', 'public', { status: 'identified', message: 'Found it.' }, 'bob');
    const id = posted.updates.at(-1)!.id;
    expect(announced).toEqual([`public/pi1/${id}`]);
    await cmds.hold('inc-1', 'public', false, 'bob');
    expect(announced).toEqual([`public/pi1/${id}`, 'public/pi1/pi1-1', `public/pi1/${id}`]);
  });
});
