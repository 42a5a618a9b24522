import {
  ConfigModels,
  CONFIG_KINDS,
  loadConfigSnapshot,
  snapshotByKind,
  specHash,
  type ConfigKind,
  type SpecOf,
} from '../lib/models/config';
import { entityLabel, missingReferences, referrersOf, type EntityKind } from '../domain/config';
import { conflict, HttpError, notFound } from './errors';
import { isDuplicateKey } from '../lib/mongo';

export interface Entity<K extends ConfigKind> {
  data: SpecOf<K>;
  meta: { managedBy: 'config' | 'api'; createdAt: Date; updatedAt: Date };
}

/**
 * CRUD over configuration entities for the REST API. Writes by the API are marked
 * managedBy "api"; entities owned by the config-as-code folder are read-only here, so the
 * reviewed YAML stays the truth for what it declares.
 */
export function createConfigStore() {
  const model = <K extends ConfigKind>(kind: K) => ConfigModels[kind] as unknown as (typeof ConfigModels)['user'];
  const toEntity = <K extends ConfigKind>(doc: {
    spec: unknown;
    managedBy: 'config' | 'api';
    createdAt: Date;
    updatedAt: Date;
  }): Entity<K> => ({
    data: doc.spec as SpecOf<K>,
    meta: { managedBy: doc.managedBy, createdAt: doc.createdAt, updatedAt: doc.updatedAt },
  });

  async function requireReferences<K extends ConfigKind>(kind: K, spec: SpecOf<K>): Promise<void> {
    const snapshot = await loadConfigSnapshot();
    const byKind = snapshotByKind(snapshot);
    const ids = Object.fromEntries(
      (Object.keys(byKind) as EntityKind[]).map((k) => [k, new Set(byKind[k].map((e) => e.id))]),
    ) as Record<EntityKind, Set<string>>;
    const issues = missingReferences(kind, spec as never, (k, id) => ids[k].has(id));
    if (issues.length > 0) {
      throw new HttpError(
        400,
        'validation_failed',
        `invalid request body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    if (kind === 'service') requireOwnKeys(spec as SpecOf<'service'>, snapshot.services);
  }

  /**
   * An integration key routes alerts to exactly one service: one another service already
   * has is refused (409), naming the field and that service but never the key (a secret).
   * The config-as-code apply checks the same across the folder and the API's services.
   */
  function requireOwnKeys(spec: SpecOf<'service'>, services: Array<SpecOf<'service'>>): void {
    const owners = new Map(
      services.filter((s) => s.id !== spec.id).flatMap((s) => s.integrationKeys.map((k) => [k.key, s.id] as const)),
    );
    const issues = spec.integrationKeys.flatMap((k, i) => {
      const owner = owners.get(k.key);
      return owner === undefined
        ? []
        : [{ path: `integrationKeys.${i}.key`, message: `integration key already used by service "${owner}"` }];
    });
    if (issues.length > 0) {
      throw new HttpError(409, 'conflict', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
    }
  }

  async function writable(kind: ConfigKind, id: string): Promise<{ createdAt: Date } | undefined> {
    const existing = await model(kind).findById(id).lean();
    if (existing?.managedBy === 'config') {
      throw conflict(`${entityLabel(kind)} "${id}" is managed by the config-as-code folder; change it there`);
    }
    return existing ?? undefined;
  }

  return {
    kinds: CONFIG_KINDS,

    async list<K extends ConfigKind>(kind: K): Promise<Array<Entity<K>>> {
      return (await model(kind).find({}).sort({ _id: 1 }).lean()).map((d) => toEntity<K>(d));
    },

    async get<K extends ConfigKind>(kind: K, id: string): Promise<Entity<K>> {
      const doc = await model(kind).findById(id).lean();
      if (!doc) throw notFound(`${entityLabel(kind)} "${id}"`);
      return toEntity<K>(doc);
    },

    async create<K extends ConfigKind>(kind: K, spec: SpecOf<K>): Promise<Entity<K>> {
      await requireReferences(kind, spec);
      const doc = apiDocument(spec);
      try {
        await model(kind).create(doc as never);
      } catch (err) {
        if (isDuplicateKey(err)) throw conflict(`${entityLabel(kind)} "${spec.id}" already exists`);
        throw err;
      }
      return toEntity<K>(doc);
    },

    /** Create or replace (PUT semantics). */
    async replace<K extends ConfigKind>(kind: K, spec: SpecOf<K>): Promise<{ entity: Entity<K>; created: boolean }> {
      const existing = await writable(kind, spec.id);
      await requireReferences(kind, spec);
      const doc = apiDocument(spec, existing?.createdAt);
      await model(kind).replaceOne({ _id: spec.id }, doc as never, { upsert: true });
      return { entity: toEntity<K>(doc), created: !existing };
    },

    async remove(kind: ConfigKind, id: string): Promise<void> {
      const existing = await writable(kind, id);
      if (!existing) throw notFound(`${entityLabel(kind)} "${id}"`);
      const s = await loadConfigSnapshot();
      const referrers = referrersOf(kind, id, snapshotByKind(s));
      if (referrers.length > 0) {
        const list = referrers.map((r) => `${entityLabel(r.kind)} "${r.id}" (${r.path})`).join(', ');
        throw conflict(`${entityLabel(kind)} "${id}" is still referenced by ${list}`);
      }
      await model(kind).deleteOne({ _id: id });
    },
  };
}

export type ConfigStore = ReturnType<typeof createConfigStore>;

/** The stored document of an entity written through the API (created now unless it existed). */
function apiDocument<S extends { id: string }>(spec: S, createdAt?: Date) {
  const now = new Date();
  return {
    _id: spec.id,
    spec,
    specHash: specHash(spec),
    managedBy: 'api' as const,
    createdAt: createdAt ?? now,
    updatedAt: now,
  };
}
