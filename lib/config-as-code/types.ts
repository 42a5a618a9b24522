import type { ConfigKind, SpecOf } from '../models/config';

/** Load, validate and reconcile order: a kind only points at kinds before it (teams <-> policies excepted). */
export const KIND_ORDER = [
  'user',
  'team',
  'schedule',
  'escalationPolicy',
  'service',
  'statusPage',
  'role',
  'commsTemplate',
  'incidentType',
] as const satisfies readonly ConfigKind[];

/** Top-level keys of a config file and the kind each holds. */
export const FILE_KEYS = {
  users: 'user',
  teams: 'team',
  schedules: 'schedule',
  escalationPolicies: 'escalationPolicy',
  services: 'service',
  statusPages: 'statusPage',
  roles: 'role',
  templates: 'commsTemplate',
  incidentTypes: 'incidentType',
} as const satisfies Record<string, ConfigKind>;

export type FileKey = keyof typeof FILE_KEYS;

export const KIND_FILE_KEY: Record<ConfigKind, FileKey> = {
  user: 'users',
  team: 'teams',
  schedule: 'schedules',
  escalationPolicy: 'escalationPolicies',
  service: 'services',
  statusPage: 'statusPages',
  role: 'roles',
  commsTemplate: 'templates',
  incidentType: 'incidentTypes',
};

/**
 * One problem, located where a person fixes it: file, 1-based line and column, and the
 * field path inside the file ("services[0].tier"). Problems found in the database (an
 * API-managed entity that would be left dangling) have no file.
 */
export interface ConfigIssue {
  file?: string;
  line?: number;
  column?: number;
  path: string;
  message: string;
}

/** "config/services.yaml:12:7 services[0].tier: must be 1 (critical) to 4 (low)". */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.file === undefined ? '' : `${issue.file}:${issue.line ?? 1}:${issue.column ?? 1} `;
  return `${where}${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}

/** File order, then line and column; issues without a file last. */
export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const key = (i: ConfigIssue) => [i.file ?? '\uffff', i.line ?? 0, i.column ?? 0] as const;
  return [...issues].sort((a, b) => {
    const [fa, la, ca] = key(a);
    const [fb, lb, cb] = key(b);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
}

/** Valid entities by kind, as the zod schemas parse them. */
export type FolderEntities = { [K in ConfigKind]: Array<SpecOf<K>> };

export type IdsByKind = Record<ConfigKind, Set<string>>;

export function emptyEntities(): FolderEntities {
  return {
    user: [],
    team: [],
    schedule: [],
    escalationPolicy: [],
    service: [],
    statusPage: [],
    role: [],
    commsTemplate: [],
    incidentType: [],
  };
}

export function emptyIds(): IdsByKind {
  const ids = () => new Set<string>();
  return {
    user: ids(),
    team: ids(),
    schedule: ids(),
    escalationPolicy: ids(),
    service: ids(),
    statusPage: ids(),
    role: ids(),
    commsTemplate: ids(),
    incidentType: ids(),
  };
}

export interface KindChanges {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: number;
}

export type ConfigChanges = Record<ConfigKind, KindChanges>;

export function emptyChanges(): ConfigChanges {
  const none = (): KindChanges => ({ created: [], updated: [], deleted: [], unchanged: 0 });
  return {
    user: none(),
    team: none(),
    schedule: none(),
    escalationPolicy: none(),
    service: none(),
    statusPage: none(),
    role: none(),
    commsTemplate: none(),
    incidentType: none(),
  };
}

/** What `applyConfigFolder` did, or would do (`dryRun`), or why it refused (`ok: false`). */
export interface ApplyReport {
  ok: boolean;
  dryRun: boolean;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  changes: ConfigChanges;
}
