/**
 * The config-as-code reconcile against the real FerretDB: create, idempotent re-apply,
 * exact diffs, refusal without writes, and API-managed entities left alone.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, inject, vi } from 'vitest';
import { applyConfigFolder, formatIssue, KIND_ORDER, type ApplyReport } from '../../lib/config-as-code';
import { createLogger } from '../../lib/logger';
import { ConfigModels, configRevision, specHash, type ConfigKind } from '../../lib/models/config';
import { ServiceSchema, UserSchema } from '../../domain/config';

const CONFIG_DIR = path.resolve(__dirname, '../../config');
const NOW = '2026-03-01T12:00:00Z';
const log = createLogger({ level: 'silent', name: 'config-reconcile-test' });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-reconcile-'));

beforeAll(async () => {
  const { mongoUri } = inject('servers');
  const dbName = `vigil_config_reconcile_${randomBytes(3).toString('hex')}`;
  await mongoose.connect(`${mongoUri.replace(/\/$/, '')}/${dbName}`, { serverSelectionTimeoutMS: 5_000 });
});
afterAll(async () => {
  await mongoose.connection.dropDatabase();
  await mongoose.disconnect();
  rmSync(tmp, { recursive: true, force: true });
});

const apply = (dir: string, opts: { adoptApiEntities?: boolean; dryRun?: boolean } = {}) =>
  applyConfigFolder(dir, { log, now: NOW, ...opts });

/** A copy of config/ to edit. */
function copyConfig(name: string): string {
  const dir = path.join(tmp, name);
  cpSync(CONFIG_DIR, dir, { recursive: true });
  return dir;
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no change in ${file}`);
  writeFileSync(file, next);
}

/** A configuration document as the REST API writes it. */
function apiDoc(spec: { id: string }, now = new Date()) {
  return { _id: spec.id, spec, specHash: specHash(spec), managedBy: 'api', createdAt: now, updatedAt: now };
}

/** Every configuration document, per kind, ordered by id. */
async function dump(): Promise<Record<ConfigKind, any[]>> {
  const out = {} as Record<ConfigKind, any[]>;
  for (const kind of KIND_ORDER) {
    out[kind] = await (ConfigModels[kind] as unknown as (typeof ConfigModels)['user']).find({}).sort({ _id: 1 }).lean();
  }
  return out;
}

/** The report's changes, with empty kinds left out. */
function changed(report: ApplyReport) {
  expect(report.errors.map(formatIssue)).toEqual([]);
  const out: Record<string, unknown> = {};
  for (const kind of KIND_ORDER) {
    const { created, updated, deleted } = report.changes[kind];
    const nonEmpty = Object.entries({ created, updated, deleted }).filter(([, ids]) => ids.length > 0);
    if (nonEmpty.length > 0) out[kind] = Object.fromEntries(nonEmpty);
  }
  return out;
}

const CONTRACTORS = `users:
  - { id: temp-contractor, name: Temp Contractor, email: temp@example.com, timezone: UTC }
teams:
  - { id: contractors, name: Contractors, members: [{ userId: temp-contractor }] }
`;

describe('reconciling the config folder into FerretDB', () => {
  it('creates everything in config/ on the first apply', async () => {
    const report = await apply(CONFIG_DIR);
    expect(report.ok).toBe(true);
    expect(Object.fromEntries(KIND_ORDER.map((k) => [k, report.changes[k].created.length]))).toEqual({
      ...{ user: 16, team: 4, schedule: 14, escalationPolicy: 4, service: 12 },
      ...{ statusPage: 2, role: 5, commsTemplate: 7, incidentType: 6 },
    });
    const db = await dump();
    expect(db.service.map((d) => d._id)).toContain('api-gateway');
    for (const kind of KIND_ORDER) {
      for (const doc of db[kind]) {
        expect(doc).toMatchObject({ managedBy: 'config', specHash: specHash(doc.spec) });
        expect(doc.createdAt).toEqual(doc.updatedAt);
      }
    }
  });

  it('changes nothing when the same folder is applied again', async () => {
    const before = await dump();
    const report = await apply(CONFIG_DIR);
    expect(changed(report)).toEqual({});
    expect(KIND_ORDER.map((k) => report.changes[k].unchanged)).toEqual([16, 4, 14, 4, 12, 2, 5, 7, 6]);
    expect(await dump()).toEqual(before);
  });

  it('applies exactly the additions of a new file', async () => {
    const dir = copyConfig('with-contractors');
    writeFileSync(path.join(dir, 'contractors.yaml'), CONTRACTORS);
    const report = await apply(dir);
    expect(changed(report)).toEqual({ user: { created: ['temp-contractor'] }, team: { created: ['contractors'] } });
  });

  it('refuses to delete what an API-managed entity still references, writing nothing', async () => {
    await ConfigModels.user.create(
      apiDoc(
        UserSchema.parse({ id: 'ops-bot', name: 'Ops Bot', email: 'ops-bot@example.com', timezone: 'UTC' }),
      ) as never,
    );
    await ConfigModels.service.create(
      apiDoc(
        ServiceSchema.parse({
          id: 'billing',
          name: 'Billing',
          tier: 2,
          teamId: 'contractors',
          escalationPolicyId: 'platform',
          integrationKeys: [{ source: 'generic', key: 'examplebillingapimanaged00000001' }],
        }),
      ) as never,
    );
    const before = await dump();
    const report = await apply(CONFIG_DIR);
    expect(report.ok).toBe(false);
    expect(report.errors.map(formatIssue)).toEqual([
      'team "contractors" is no longer in the folder, but service "billing" (managed by the API) still references it at teamId; change that first',
    ]);
    expect(await dump()).toEqual(before);
  });

  it('applies exactly the edits of a changed folder and leaves API-managed entities alone', async () => {
    await ConfigModels.service.deleteOne({ _id: 'billing' });
    const dir = copyConfig('redis-tier-2');
    edit(path.join(dir, 'infrastructure.yaml'), /(id: redis\n(?:.*\n)*?\s+tier:) 3/, '$1 2');
    const before = await dump();
    const report = await apply(dir);
    expect(changed(report)).toEqual({
      user: { deleted: ['temp-contractor'] },
      team: { deleted: ['contractors'] },
      service: { updated: ['redis'] },
    });
    const after = await dump();
    const redis = (db: typeof after) => db.service.find((d) => d._id === 'redis');
    expect(redis(after)).toMatchObject({ spec: { tier: 2 }, createdAt: redis(before).createdAt });
    expect(redis(after).updatedAt.getTime()).toBeGreaterThan(redis(before).updatedAt.getTime());
    expect(after.user.find((d) => d._id === 'ops-bot')).toMatchObject({ managedBy: 'api' });
    const untouched = (db: typeof after) => db.service.filter((d) => d._id !== 'redis');
    expect(untouched(after)).toEqual(untouched(before));
    expect(changed(await apply(dir))).toEqual({});
  });

  it('refuses an invalid folder as a whole: every error listed, nothing written', async () => {
    const dir = copyConfig('invalid');
    edit(path.join(dir, 'platform.yaml'), 'tier: 1', 'tier: 5');
    edit(path.join(dir, 'ml.yaml'), 'escalationPolicyId: ml\n', 'escalationPolicyId: ml-typo\n');
    writeFileSync(path.join(dir, 'broken.yaml'), 'users:\n  - id: x\n    name: [X\n');
    const before = await dump();
    const report = await apply(dir);
    expect(report.ok).toBe(false);
    const errors = report.errors.map((i) => formatIssue(i).replace(`${dir}${path.sep}`, ''));
    expect(errors).toEqual([
      expect.stringMatching(/^broken\.yaml:\d+:\d+ invalid YAML: /),
      expect.stringMatching(/^ml\.yaml:\d+:\d+ services\[0\]\.escalationPolicyId: unknown escalation policy "ml-typo"/),
      expect.stringMatching(/^platform\.yaml:\d+:\d+ services\[0\]\.tier: must be 1 \(critical\) to 4 \(low\)$/),
    ]);
    expect(await dump()).toEqual(before);
  });

  it('refuses to overwrite an API-managed id unless told to adopt it', async () => {
    const dir = copyConfig('adopt');
    writeFileSync(
      path.join(dir, 'bots.yaml'),
      'users:\n  - { id: ops-bot, name: Ops Bot, email: ops-bot@example.com, timezone: UTC }\n',
    );
    const before = await dump();
    const refused = await apply(dir);
    expect(refused.errors.map((i) => formatIssue(i).replace(`${dir}${path.sep}`, ''))).toEqual([
      'bots.yaml:2:11 users[0].id: user "ops-bot" already exists and is managed by the API: delete it there first, or apply with adoption enabled',
    ]);
    expect(await dump()).toEqual(before);

    // The API creates "ops-bot" between the apply's read and its write: the guarded upsert
    // fails on the unique _id instead of overwriting it, and the report says so.
    const find = ConfigModels.user.find.bind(ConfigModels.user);
    vi.spyOn(ConfigModels.user, 'find').mockImplementationOnce(((filter: object) =>
      find(filter).where('_id').ne('ops-bot')) as never);
    const raced = await apply(dir);
    expect(raced.ok).toBe(false);
    expect(raced.errors.map(formatIssue)).toEqual([
      'user "ops-bot" was created through the API during the apply; it was left alone and earlier writes stand: apply again',
    ]);
    expect(await dump()).toEqual(before);
    vi.restoreAllMocks();

    const dry = await apply(dir, { adoptApiEntities: true, dryRun: true });
    expect(changed(dry)).toEqual({ user: { updated: ['ops-bot'] }, service: { updated: ['redis'] } });
    expect(await dump()).toEqual(before);
    const adopted = await apply(dir, { adoptApiEntities: true });
    expect(changed(adopted)).toEqual({ user: { updated: ['ops-bot'] }, service: { updated: ['redis'] } });
    expect(await ConfigModels.user.findById('ops-bot').lean()).toMatchObject({ managedBy: 'config' });
    unlinkSync(path.join(dir, 'bots.yaml'));
    expect(changed(await apply(dir))).toEqual({ user: { deleted: ['ops-bot'] } });
  });
});

describe('the configuration revision (what the worker keeps its snapshot by)', () => {
  it('moves with every write through the models, concurrent first writes included', async () => {
    await mongoose.connection.collection('config_revision').deleteMany({});
    expect(await configRevision()).toBeUndefined();
    const teams = Array.from({ length: 8 }, (_, i) => ({ id: `rev-${i}`, name: `Rev ${i}` }));
    // Eight creates at once: each inserts its team and replaces a revision document none has yet.
    await Promise.all(teams.map((spec) => ConfigModels.team.create(apiDoc(spec) as never)));
    expect(await ConfigModels.team.countDocuments({ _id: { $in: teams.map((t) => t.id) } })).toBe(8);
    const afterCreates = await configRevision();
    expect(afterCreates).toMatch(/^[0-9a-f-]{36}$/);
    await ConfigModels.team.deleteMany({ _id: { $in: teams.map((t) => t.id) } });
    const afterDelete = await configRevision();
    expect(afterDelete).toMatch(/^[0-9a-f-]{36}$/);
    expect(afterDelete).not.toBe(afterCreates);
  });
});
