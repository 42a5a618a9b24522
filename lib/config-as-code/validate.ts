/**
 * loadConfigFolder: parse and validate a config folder without touching the database.
 * Every problem is collected (schema, duplicates, references, integration keys, policy
 * semantics) so one run lists everything to fix.
 */
import type { z } from 'zod';
import { CONFIG_KINDS, type ConfigKind } from '../models/config';
import { toEpochMs, type InstantInput } from '../../domain/common';
import { entityLabel } from '../../domain/config';
import { readinessWarnings, type ChannelAvailability } from '../../domain/oncall/readiness';
import { integrationKeyIssues, policyIssues, referenceIssues, type SetContext, type ValidEntity } from './checks';
import { statusPageComponentWarnings } from './status-page-checks';
import { parsePath, type Locator } from './locate';
import {
  KIND_ORDER,
  emptyEntities,
  emptyIds,
  type ConfigIssue,
  type FolderEntities,
  type IdsByKind,
  sortIssues,
} from './types';
import { readConfigFolder, type RawEntity, type RawFolder } from './yaml-source';

export interface LoadOptions {
  /** Entities in the database managed by the API: the folder's references may point at them. */
  external?: Partial<FolderEntities>;
  /** The instant policy checks look ahead from ("nobody on call in 28 days"); default now. */
  now?: InstantInput;
  /**
   * Which channels this deployment delivers: users none of whose rules can be delivered are
   * warned about (readiness). Absent: that check is skipped; gaps and missing policies are not.
   */
  channels?: ChannelAvailability;
}

export interface LoadResult {
  ok: boolean;
  files: string[];
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** Valid entities; when an id is declared twice, the first declaration. */
  entities: FolderEntities;
  /** Every id the folder declares, valid or not. */
  declared: IdsByKind;
  /** Where each valid entity is declared. */
  sources: Record<ConfigKind, Map<string, Locator>>;
}

export async function loadConfigFolder(dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  return validateFolder(await readConfigFolder(dir), opts);
}

export function validateFolder(raw: RawFolder, opts: LoadOptions = {}): LoadResult {
  const declared = emptyIds();
  for (const { kind, id } of raw.brokenIds) declared[kind].add(id);
  const { valid, all, errors } = validateEntities(raw.entities, declared);
  const external = withoutDeclared(opts.external ?? {}, declared);
  const ctx: SetContext = { valid, all, declared, external, now: toEpochMs(opts.now ?? Date.now()) };
  const policies = policyIssues(ctx);
  const allErrors = [
    ...raw.errors,
    ...errors,
    ...referenceIssues(ctx),
    ...integrationKeyIssues(ctx),
    ...policies.errors,
  ];
  const entities = emptyEntities();
  const sources = Object.fromEntries(KIND_ORDER.map((k) => [k, new Map<string, Locator>()])) as LoadResult['sources'];
  for (const e of valid) {
    (entities[e.kind] as unknown[]).push(e.spec);
    sources[e.kind].set(e.spec.id, e.where);
  }
  return {
    ok: allErrors.length === 0,
    files: raw.files,
    errors: sortIssues(allErrors),
    warnings: sortIssues([
      ...raw.warnings,
      ...policies.warnings,
      ...statusPageComponentWarnings(ctx),
      ...readiness(entities, external, sources, opts, ctx.now),
    ]),
    entities,
    declared,
    sources,
  };
}

/** Each entity through its zod schema, and ids declared twice (per kind, across files). */
function validateEntities(
  raw: readonly RawEntity[],
  declared: IdsByKind,
): Pick<SetContext, 'valid' | 'all'> & { errors: ConfigIssue[] } {
  const valid: ValidEntity[] = [];
  const all: RawEntity[] = [];
  const errors: ConfigIssue[] = [];
  const first = new Map<string, Locator>();
  for (const { kind, value, where } of raw) {
    const id = (value as { id?: unknown } | null)?.id;
    const seen = typeof id === 'string' ? first.get(`${kind}:${id}`) : undefined;
    if (typeof id === 'string') {
      if (seen)
        errors.push(
          where.issue(
            ['id'],
            `duplicate ${entityLabel(kind)} id "${id}"; first declared at ${seen.file}:${seen.line}:${seen.column}`,
          ),
        );
      else first.set(`${kind}:${id}`, where);
      declared[kind].add(id);
    }
    const parsed = (CONFIG_KINDS[kind].schema as z.ZodType).safeParse(value);
    all.push({ kind, value: parsed.success ? parsed.data : value, where });
    if (!parsed.success) errors.push(...parsed.error.issues.map((i) => zodIssue(where, i)));
    else if (!seen) valid.push({ kind, spec: parsed.data as ValidEntity['spec'], where });
  }
  return { valid, all, errors };
}

function zodIssue(where: Locator, issue: z.core.$ZodIssue): ConfigIssue {
  // An unknown key is reported at the key itself: that is the line holding the typo.
  const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  return where.issue(issue.path, issue.message, key);
}

const ALL_DELIVERABLE: ChannelAvailability = {
  email: { deliverable: true },
  sms: { deliverable: true },
  voice: { deliverable: true },
  slack: { deliverable: true },
  webhook: { deliverable: true },
  teams: { deliverable: true },
};

/** Readiness of the configuration an apply would leave: the folder's entities with the API's. */
function readiness(
  folder: FolderEntities,
  external: FolderEntities,
  sources: LoadResult['sources'],
  opts: LoadOptions,
  now: number,
): ConfigIssue[] {
  const both = <K extends ConfigKind>(kind: K) => [...folder[kind], ...external[kind]];
  const set = {
    users: both('user'),
    teams: both('team'),
    schedules: both('schedule'),
    escalationPolicies: both('escalationPolicy'),
    services: both('service'),
  };
  return readinessWarnings(set, { channels: opts.channels ?? ALL_DELIVERABLE, now }).map((w) => {
    const where = sources[w.kind].get(w.id);
    if (where) return where.issue(parsePath(w.path), w.message);
    return { path: '', message: `${entityLabel(w.kind)} "${w.id}" (managed by the API) ${w.path}: ${w.message}` };
  });
}

function withoutDeclared(external: Partial<FolderEntities>, declared: IdsByKind): FolderEntities {
  const out = emptyEntities();
  for (const kind of KIND_ORDER) {
    (out[kind] as unknown[]) = (external[kind] ?? []).filter((e) => !declared[kind].has(e.id));
  }
  return out;
}
