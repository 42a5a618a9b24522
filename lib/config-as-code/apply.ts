/**
 * applyConfigFolder: make the database match the folder.
 *
 * Without portable transactions (FerretDB has none), "nothing half-applied" rests on three
 * rules: everything is validated before the first write, so an invalid folder writes
 * nothing; writes go in dependency order (upserts users -> teams -> schedules -> policies
 * -> services, then deletes in reverse), so readers rarely see a dangling reference; and
 * every write is an upsert or delete keyed by _id, so a crash mid-apply is healed by
 * applying again. Unchanged entities are not written, so their updatedAt stays put.
 */
import { ConfigModels, specHash, type ConfigDoc, type ConfigKind, type SpecOf } from '../models/config';
import type { Logger } from '../logger';
import { type InstantInput } from '../../domain/common';
import { entityLabel, referencesOf } from '../../domain/config';
import type { ChannelAvailability } from '../../domain/oncall/readiness';
import { planReconcile, type CurrentDoc, type ReconcilePlan } from './plan';
import {
  KIND_ORDER,
  emptyChanges,
  emptyEntities,
  formatIssue,
  sortIssues,
  type ApplyReport,
  type ConfigChanges,
  type ConfigIssue,
  type FolderEntities,
  type IdsByKind,
} from './types';
import { loadConfigFolder, type LoadResult } from './validate';
import { isDuplicateKey } from '../mongo';

export interface ApplyOptions {
  log: Logger;
  /** Validate and plan, write nothing; the report's changes are what an apply would do. */
  dryRun?: boolean;
  /** Take over API-managed entities the folder declares instead of refusing (default false). */
  adoptApiEntities?: boolean;
  /** Clock for the policy look-ahead checks (tests); default now. */
  now?: InstantInput;
  /** Channels this deployment delivers, for the readiness warnings about users. */
  channels?: ChannelAvailability;
}

type StoredDoc = CurrentDoc & { spec: unknown; createdAt: Date };
type Stored = Record<ConfigKind, StoredDoc[]>;

/** Raised when the API creates an id the folder declares between our read and our write. */
class OwnershipRace extends Error {
  constructor(
    readonly kind: ConfigKind,
    readonly id: string,
  ) {
    super(`${entityLabel(kind)} "${id}" was created through the API during the apply`);
  }
}

export async function applyConfigFolder(dir: string, opts: ApplyOptions): Promise<ApplyReport> {
  const log = opts.log.child({ configDir: dir });
  const stored = await readStored();
  const loaded = await loadConfigFolder(dir, { external: apiManaged(stored), now: opts.now, channels: opts.channels });
  const plan = planReconcile(loaded.entities, stored, { adopt: opts.adoptApiEntities });
  const errors = sortIssues([
    ...loaded.errors,
    ...conflictIssues(plan, loaded),
    ...orphanIssues(plan, stored, loaded.declared),
  ]);
  const report: ApplyReport = {
    ok: errors.length === 0,
    dryRun: opts.dryRun === true,
    errors,
    warnings: loaded.warnings,
    changes: emptyChanges(),
  };
  if (report.warnings.length > 0) log.warn({ warnings: report.warnings.map(formatIssue) }, 'config folder warnings');
  if (!report.ok) {
    log.warn({ errors: errors.map(formatIssue) }, 'config folder refused');
    return report;
  }
  if (report.dryRun) {
    report.changes = plannedChanges(plan);
    return report;
  }
  try {
    await writePlan(plan, stored, report.changes);
  } catch (err) {
    if (!(err instanceof OwnershipRace)) throw err;
    report.ok = false;
    report.errors.push({
      path: '',
      message: `${err.message}; it was left alone and earlier writes stand: apply again`,
    });
    log.warn({ kind: err.kind, id: err.id }, 'config apply raced an API write');
    return report;
  }
  log.debug({ changes: report.changes }, 'config folder applied');
  return report;
}

async function readStored(): Promise<Stored> {
  const read = async (kind: ConfigKind) => {
    const model = ConfigModels[kind] as unknown as (typeof ConfigModels)['user'];
    return (await model.find({}).sort({ _id: 1 }).lean()) as StoredDoc[];
  };
  const lists = await Promise.all(KIND_ORDER.map(read));
  return Object.fromEntries(KIND_ORDER.map((kind, i) => [kind, lists[i] ?? []])) as Stored;
}

function apiManaged(stored: Stored): FolderEntities {
  const out = emptyEntities();
  for (const kind of KIND_ORDER) {
    (out[kind] as unknown[]) = stored[kind].filter((d) => d.managedBy === 'api').map((d) => d.spec);
  }
  return out;
}

function conflictIssues(plan: ReconcilePlan, loaded: LoadResult): ConfigIssue[] {
  return KIND_ORDER.flatMap((kind) =>
    plan[kind].conflicts.map((id) => {
      const message = `${entityLabel(kind)} "${id}" already exists and is managed by the API: delete it there first, or apply with adoption enabled`;
      return loaded.sources[kind].get(id)?.issue(['id'], message) ?? { path: '', message };
    }),
  );
}

/** API-managed entities that point at a config-managed one this apply would delete. */
function orphanIssues(plan: ReconcilePlan, stored: Stored, declared: IdsByKind): ConfigIssue[] {
  const doomed = (kind: ConfigKind, id: string) => plan[kind].delete.includes(id) && !declared[kind].has(id);
  const issues: ConfigIssue[] = [];
  for (const kind of KIND_ORDER) {
    for (const doc of stored[kind].filter((d) => d.managedBy === 'api')) {
      for (const ref of referencesOf(kind, doc.spec as never)) {
        if (!doomed(ref.kind, ref.id)) continue;
        issues.push({
          path: '',
          message: `${entityLabel(ref.kind)} "${ref.id}" is no longer in the folder, but ${entityLabel(kind)} "${doc._id}" (managed by the API) still references it at ${ref.path}; change that first`,
        });
      }
    }
  }
  return issues;
}

function plannedChanges(plan: ReconcilePlan): ConfigChanges {
  const changes = emptyChanges();
  for (const kind of KIND_ORDER) {
    changes[kind] = {
      created: plan[kind].create.map((s) => s.id),
      updated: plan[kind].update.map((s) => s.id),
      deleted: [...plan[kind].delete],
      unchanged: plan[kind].unchanged.length,
    };
  }
  return changes;
}

/** Upserts in dependency order, then deletes in reverse; `changes` records each finished kind. */
async function writePlan(plan: ReconcilePlan, stored: Stored, changes: ConfigChanges): Promise<void> {
  const now = new Date();
  const planned = plannedChanges(plan);
  for (const kind of KIND_ORDER) {
    const existing = new Map(stored[kind].map((d) => [d._id, d]));
    const specs = [...plan[kind].create, ...plan[kind].update] as Array<SpecOf<ConfigKind>>;
    await Promise.all(specs.map((spec) => upsert(kind, spec, existing.get(spec.id), now)));
    changes[kind] = { ...planned[kind], deleted: [] };
  }
  for (const kind of [...KIND_ORDER].reverse()) {
    const model = ConfigModels[kind] as unknown as (typeof ConfigModels)['user'];
    // The managedBy filter keeps an entity the API re-created meanwhile out of harm's way.
    await Promise.all(plan[kind].delete.map((id) => model.deleteOne({ _id: id, managedBy: 'config' })));
    changes[kind].deleted = [...plan[kind].delete];
  }
}

async function upsert(
  kind: ConfigKind,
  spec: SpecOf<ConfigKind>,
  existing: StoredDoc | undefined,
  now: Date,
): Promise<void> {
  const doc: ConfigDoc<unknown> = {
    _id: spec.id,
    spec,
    specHash: specHash(spec),
    managedBy: 'config',
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  // Only an adopted entity may be replaced while API-managed; otherwise an API-managed
  // document under this id fails the filter and the upsert's insert hits the unique _id.
  const filter = existing?.managedBy === 'api' ? { _id: spec.id } : { _id: spec.id, managedBy: 'config' as const };
  const model = ConfigModels[kind] as unknown as (typeof ConfigModels)['user'];
  try {
    await model.replaceOne(filter, doc as never, { upsert: true });
  } catch (err) {
    if (isDuplicateKey(err)) throw new OwnershipRace(kind, spec.id);
    throw err;
  }
}
