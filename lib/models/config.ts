import { createHash, randomUUID } from 'node:crypto';
import { model, models, Schema, type Model, type MongooseQueryMiddleware } from 'mongoose';
import type { z } from 'zod';
import { ServiceSchema, TeamSchema, UserSchema } from '../../domain/config';
import { EscalationPolicySchema, ScheduleSchema } from '../../domain/oncall';
import { StatusPageSchema } from '../../domain/status-page/page';
import { CommsTemplateSchema, IncidentTypeSchema, RoleSchema } from '../../domain/coordination';
import { isDuplicateKey } from '../mongo';

/**
 * Configuration entities (users, teams, schedules, escalation policies, services, status pages). The zod
 * schemas in domain/ are the source of truth: everything is parsed by them before
 * it is written, and the parsed value is stored whole in `spec`. `_id` is the entity's
 * user-chosen id. `managedBy` says who owns it: the config-as-code folder ("config") or the
 * REST API ("api"); the YAML reconcile only deletes what it owns. `specHash` lets the
 * reconcile skip unchanged entities so applying the same folder twice writes nothing.
 */
export interface ConfigDoc<T> {
  _id: string;
  spec: T;
  specHash: string;
  managedBy: 'config' | 'api';
  createdAt: Date;
  updatedAt: Date;
}

export const CONFIG_KINDS = {
  user: { schema: UserSchema, collection: 'users', path: 'users' },
  team: { schema: TeamSchema, collection: 'teams', path: 'teams' },
  schedule: { schema: ScheduleSchema, collection: 'schedules', path: 'schedules' },
  escalationPolicy: { schema: EscalationPolicySchema, collection: 'escalation_policies', path: 'escalation-policies' },
  service: { schema: ServiceSchema, collection: 'services', path: 'services' },
  statusPage: { schema: StatusPageSchema, collection: 'status_pages', path: 'status-pages' },
  role: { schema: RoleSchema, collection: 'roles', path: 'roles' },
  commsTemplate: { schema: CommsTemplateSchema, collection: 'comms_templates', path: 'templates' },
  incidentType: { schema: IncidentTypeSchema, collection: 'incident_types', path: 'incident-types' },
} as const;

export type ConfigKind = keyof typeof CONFIG_KINDS;
export type SpecOf<K extends ConfigKind> = z.infer<(typeof CONFIG_KINDS)[K]['schema']>;

function buildModel<K extends ConfigKind>(kind: K): Model<ConfigDoc<SpecOf<K>>> {
  const name = `Config_${kind}`;
  const existing = models[name] as Model<ConfigDoc<SpecOf<K>>> | undefined;
  if (existing) return existing;
  const schema = new Schema<ConfigDoc<SpecOf<K>>>(
    {
      _id: { type: String, required: true },
      spec: { type: Schema.Types.Mixed, required: true },
      specHash: { type: String, required: true },
      managedBy: { type: String, required: true, enum: ['config', 'api'] },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    { collection: CONFIG_KINDS[kind].collection, versionKey: false, minimize: false },
  );
  if (kind === 'service') schema.index({ 'spec.integrationKeys.key': 1 });
  // Every write through the model moves the revision (readers that keep a snapshot compare it).
  schema.post('save', bumpConfigRevision);
  schema.post([...QUERY_WRITES], bumpConfigRevision);
  schema.post('insertMany', bumpConfigRevision);
  schema.post('bulkWrite', bumpConfigRevision);
  return model<ConfigDoc<SpecOf<K>>>(name, schema);
}

/** The query operations that write configuration (with save, insertMany and bulkWrite, each moves the revision). */
const QUERY_WRITES: MongooseQueryMiddleware[] = [
  'replaceOne',
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'deleteOne',
  'deleteMany',
];

/**
 * One document whose token every configuration write replaces with a new random one
 * (`config_revision`), so a process that keeps a snapshot (the worker,
 * createConfigSnapshotReader) asks one small question per lookup instead of reading nine
 * collections. A token, not a counter: FerretDB's `$inc` is a read-modify-write that two
 * writers can both base on the same value, so a counter could fall back to a value a reader
 * already holds; a fresh token never repeats.
 */
const ConfigRevisionModel =
  (models.ConfigRevision as Model<{ _id: string; token: string }> | undefined) ??
  model<{ _id: string; token: string }>(
    'ConfigRevision',
    new Schema<{ _id: string; token: string }>(
      { _id: { type: String, required: true }, token: { type: String, required: true } },
      { collection: 'config_revision', versionKey: false },
    ),
  );

async function bumpConfigRevision(): Promise<void> {
  // Concurrent first writes may both try to insert the document (FerretDB's upsert is not
  // atomic): the loser's duplicate key means it exists now, so its update goes again.
  const token = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      await ConfigRevisionModel.updateOne({ _id: 'config' }, { $set: { token } }, { upsert: true });
      return;
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 5) throw err;
    }
  }
}

/** The configuration's revision (the last write's token); undefined before the first write. */
export async function configRevision(): Promise<string | undefined> {
  return (await ConfigRevisionModel.findById('config').lean())?.token;
}

export const ConfigModels: { [K in ConfigKind]: Model<ConfigDoc<SpecOf<K>>> } = {
  user: buildModel('user'),
  team: buildModel('team'),
  schedule: buildModel('schedule'),
  escalationPolicy: buildModel('escalationPolicy'),
  service: buildModel('service'),
  statusPage: buildModel('statusPage'),
  role: buildModel('role'),
  commsTemplate: buildModel('commsTemplate'),
  incidentType: buildModel('incidentType'),
};

/** Stable hash of a parsed spec: keys sorted at every depth, so order in YAML is irrelevant. */
export function specHash(spec: unknown): string {
  return createHash('sha256').update(stableJson(spec)).digest('hex');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v instanceof Date ? v.toISOString() : v);
}

/** Everything the paging logic needs, loaded at once (config sets are small). */
export interface ConfigSnapshot {
  users: SpecOf<'user'>[];
  teams: SpecOf<'team'>[];
  schedules: SpecOf<'schedule'>[];
  escalationPolicies: SpecOf<'escalationPolicy'>[];
  services: SpecOf<'service'>[];
  statusPages: SpecOf<'statusPage'>[];
  roles: SpecOf<'role'>[];
  templates: SpecOf<'commsTemplate'>[];
  incidentTypes: SpecOf<'incidentType'>[];
}

export async function loadConfigSnapshot(): Promise<ConfigSnapshot> {
  const all = async <K extends ConfigKind>(k: K) =>
    (await ConfigModels[k].find({}).sort({ _id: 1 }).lean()).map((d) => d.spec as SpecOf<K>);
  const [users, teams, schedules, escalationPolicies, services, statusPages, roles, templates, incidentTypes] =
    await Promise.all([
      all('user'),
      all('team'),
      all('schedule'),
      all('escalationPolicy'),
      all('service'),
      all('statusPage'),
      all('role'),
      all('commsTemplate'),
      all('incidentType'),
    ]);
  return { users, teams, schedules, escalationPolicies, services, statusPages, roles, templates, incidentTypes };
}

/** A snapshot keyed by config kind (reference checks walk every kind). */
export function snapshotByKind(s: ConfigSnapshot): { [K in ConfigKind]: Array<SpecOf<K>> } {
  return {
    user: s.users,
    team: s.teams,
    schedule: s.schedules,
    escalationPolicy: s.escalationPolicies,
    service: s.services,
    statusPage: s.statusPages,
    role: s.roles,
    commsTemplate: s.templates,
    incidentType: s.incidentTypes,
  };
}

/**
 * A snapshot reader that reads the configuration again only when its revision moved (or
 * the snapshot is older than `maxAgeMs`, a backstop for writes made around the models).
 * The revision is read before the snapshot, so a write that lands during the read makes
 * the next call read again: a lookup never misses a write that completed before it began.
 */
export function revisionedSnapshot<T>(deps: {
  read: () => Promise<T>;
  revision: () => Promise<string | undefined>;
  maxAgeMs: number;
  now?: () => number;
}): () => Promise<T> {
  const now = deps.now ?? Date.now;
  let kept: { revision: string; at: number; value: T } | undefined;
  return async () => {
    const revision = await deps.revision();
    if (kept && revision !== undefined && kept.revision === revision && now() - kept.at < deps.maxAgeMs)
      return kept.value;
    const at = now();
    const value = await deps.read();
    kept = revision === undefined ? undefined : { revision, at, value };
    return value;
  };
}

/** The worker's configuration reads: kept while the revision stands, for at most 10 s. */
export function createConfigSnapshotReader(maxAgeMs = 10_000): () => Promise<ConfigSnapshot> {
  return revisionedSnapshot({ read: loadConfigSnapshot, revision: configRevision, maxAgeMs });
}
