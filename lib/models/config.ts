import { createHash } from 'node:crypto';
import { model, models, Schema, type Model } from 'mongoose';
import type { z } from 'zod';
import { ServiceSchema, TeamSchema, UserSchema } from '../../domain/config';
import { EscalationPolicySchema, ScheduleSchema } from '../../domain/oncall';
import { StatusPageSchema } from '../../domain/status-page/page';
import { CommsTemplateSchema, IncidentTypeSchema, RoleSchema } from '../../domain/coordination';

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
  return model<ConfigDoc<SpecOf<K>>>(name, schema);
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
