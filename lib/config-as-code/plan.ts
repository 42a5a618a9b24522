/**
 * planReconcile: what it takes to make the database match the folder. Pure, so the rules
 * are table-tested without a database:
 * - an id only in the folder is created; one whose spec hash differs is updated;
 * - an entity managed by the folder ("config") and no longer in it is deleted;
 * - entities managed by the API are never deleted or changed, and a folder entity with the
 *   id of an API-managed one is a conflict, unless `adopt` lets the folder take it over.
 */
import { specHash, type ConfigKind, type SpecOf } from '../models/config';
import { KIND_ORDER, type FolderEntities } from './types';

/** The parts of a stored configuration document the plan looks at. */
export interface CurrentDoc {
  _id: string;
  specHash: string;
  managedBy: 'config' | 'api';
}

export type CurrentDocs = { [K in ConfigKind]: readonly CurrentDoc[] };

export interface KindPlan<K extends ConfigKind> {
  create: Array<SpecOf<K>>;
  update: Array<SpecOf<K>>;
  /** Ids of config-managed entities the folder no longer declares. */
  delete: string[];
  unchanged: string[];
  /** Folder ids that exist as API-managed entities (left untouched). */
  conflicts: string[];
}

export type ReconcilePlan = { [K in ConfigKind]: KindPlan<K> };

export interface PlanOptions {
  /** Let the folder take over API-managed entities it declares (they become managedBy "config"). */
  adopt?: boolean;
}

export function planReconcile(desired: FolderEntities, current: CurrentDocs, opts: PlanOptions = {}): ReconcilePlan {
  const plan = {} as Record<ConfigKind, KindPlan<ConfigKind>>;
  for (const kind of KIND_ORDER) plan[kind] = planKind(desired[kind], current[kind], opts);
  return plan as ReconcilePlan;
}

function planKind<K extends ConfigKind>(
  desired: ReadonlyArray<SpecOf<K>>,
  current: readonly CurrentDoc[],
  opts: PlanOptions,
): KindPlan<K> {
  const plan: KindPlan<K> = { create: [], update: [], delete: [], unchanged: [], conflicts: [] };
  const byId = new Map(current.map((doc) => [doc._id, doc]));
  for (const spec of desired) {
    const doc = byId.get(spec.id);
    if (doc === undefined) plan.create.push(spec);
    else if (doc.managedBy === 'api' && !opts.adopt) plan.conflicts.push(spec.id);
    else if (doc.managedBy === 'api' || doc.specHash !== specHash(spec)) plan.update.push(spec);
    else plan.unchanged.push(spec.id);
  }
  const wanted = new Set(desired.map((spec) => spec.id));
  for (const doc of current) {
    if (doc.managedBy === 'config' && !wanted.has(doc._id)) plan.delete.push(doc._id);
  }
  plan.delete.sort();
  return plan;
}

/** True when applying the plan writes nothing. */
export function isNoop(plan: ReconcilePlan): boolean {
  return KIND_ORDER.every((k) => plan[k].create.length + plan[k].update.length + plan[k].delete.length === 0);
}
