/**
 * Checks over the folder as a whole, after each entity passed its own schema: references,
 * integration keys shared between services, and the semantic policy checks. Entities that
 * already exist in the database and are managed by the API count as present.
 */
import type { ConfigKind, SpecOf } from '../models/config';
import { missingReferences, type EntityKind } from '../../domain/config';
import { validatePolicy, type EscalationPolicy } from '../../domain/oncall';
import { parsePath, type Locator } from './locate';
import { KIND_ORDER, emptyEntities, emptyIds, type ConfigIssue, type FolderEntities, type IdsByKind } from './types';

export interface ValidEntity {
  kind: ConfigKind;
  spec: SpecOf<ConfigKind>;
  where: Locator;
}

export interface SetContext {
  valid: readonly ValidEntity[];
  /**
   * Every entity in file order: the parsed spec when valid, else the value as written,
   * which reference and key checks follow as far as its shape allows.
   */
  all: ReadonlyArray<{ kind: ConfigKind; value: unknown; where: Locator }>;
  /** Every id the folder declares, including entities that failed their schema. */
  declared: IdsByKind;
  /** API-managed entities in the database (never ones the folder also declares). */
  external: FolderEntities;
  now: number;
}

function idsOf(entities: FolderEntities): IdsByKind {
  const ids = emptyIds();
  for (const kind of KIND_ORDER) for (const e of entities[kind]) ids[kind].add(e.id);
  return ids;
}

/**
 * References to ids nobody declares. A reference to an entity that is declared but invalid
 * is not reported: that entity's own errors are the ones to fix.
 */
export function referenceIssues(ctx: SetContext): ConfigIssue[] {
  const external = idsOf(ctx.external);
  const exists = (kind: EntityKind, id: unknown) =>
    typeof id !== 'string' || ctx.declared[kind].has(id) || external[kind].has(id);
  return ctx.all.flatMap((e) => {
    let issues: Array<{ path: string; message: string }>;
    try {
      issues = missingReferences(e.kind, e.value as never, exists);
    } catch {
      return []; // an invalid entity too malformed to follow; its schema errors say why
    }
    const hint = 'not declared in the folder nor created through the API';
    return issues.map((i) => e.where.issue(parsePath(i.path), `${i.message}: ${hint}`));
  });
}

/** 'service "api" (config/a.yaml:3:5)', or its path when it has no readable id. */
function describe(value: unknown, where: Locator): string {
  const id = (value as { id?: unknown } | null)?.id;
  return `${typeof id === 'string' ? `service "${id}"` : where.path} (${where.file}:${where.line}:${where.column})`;
}

/** Integration keys of a service, valid or not, as far as they are readable. */
function keysOf(value: unknown): Array<{ key: string; index: number }> {
  const list = (value as { integrationKeys?: unknown } | null)?.integrationKeys;
  if (!Array.isArray(list)) return [];
  return list.flatMap((k: unknown, index) => {
    const key = (k as { key?: unknown } | null)?.key;
    return typeof key === 'string' ? [{ key, index }] : [];
  });
}

/**
 * An integration key routes alerts to exactly one service, so a key may appear once
 * across all services, the API's included. Messages never repeat the key: it is a secret.
 */
export function integrationKeyIssues(ctx: SetContext): ConfigIssue[] {
  const owners = new Map<string, string>();
  for (const service of ctx.external.service) {
    for (const k of service.integrationKeys) owners.set(k.key, `service "${service.id}" (managed by the API)`);
  }
  const issues: ConfigIssue[] = [];
  for (const e of ctx.all) {
    if (e.kind !== 'service') continue;
    for (const { key, index } of keysOf(e.value)) {
      const owner = owners.get(key);
      const sub = ['integrationKeys', index, 'key'];
      if (owner !== undefined) issues.push(e.where.issue(sub, `integration key already used by ${owner}`));
      else owners.set(key, describe(e.value, e.where));
    }
  }
  return issues;
}

/**
 * validatePolicy for each policy whose targets all resolve to valid entities; a policy with
 * a missing target is already reported by referenceIssues, and its warnings would only
 * repeat that.
 */
export function policyIssues(ctx: SetContext): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  const folder = emptyEntities();
  for (const e of ctx.valid) (folder[e.kind] as unknown[]).push(e.spec);
  const policyCtx = {
    users: [...folder.user, ...ctx.external.user],
    schedules: [...folder.schedule, ...ctx.external.schedule],
    teams: [...folder.team, ...ctx.external.team],
  };
  const known = idsOf(folder);
  const external = idsOf(ctx.external);
  const exists = (kind: EntityKind, id: string) => known[kind].has(id) || external[kind].has(id);
  const out = { errors: [] as ConfigIssue[], warnings: [] as ConfigIssue[] };
  for (const e of ctx.valid) {
    if (e.kind !== 'escalationPolicy') continue;
    const policy = e.spec as EscalationPolicy;
    if (missingReferences('escalationPolicy', policy, exists).length > 0) continue;
    const result = validatePolicy(policy, policyCtx, ctx.now);
    out.errors.push(...result.errors.map((i) => e.where.issue(parsePath(i.path), i.message)));
    out.warnings.push(...result.warnings.map((i) => e.where.issue(parsePath(i.path), i.message)));
  }
  return out;
}
