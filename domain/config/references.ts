/**
 * The references between configuration entities, listed once: used to refuse a write that
 * points at something missing and a delete that would leave a dangling reference.
 */
import type { EscalationPolicy } from '../oncall/policy';
import type { Schedule } from '../oncall/schedule';
import type { Service } from './service';
import type { Team } from './team';
import type { User } from './user';
import type { StatusPage } from '../status-page/page';
import type { CommsTemplate } from '../coordination/template';
import type { IncidentType } from '../coordination/incident-type';
import type { Role } from '../coordination/role';

export type EntityKind =
  | 'user'
  | 'team'
  | 'schedule'
  | 'escalationPolicy'
  | 'service'
  | 'statusPage'
  | 'role'
  | 'commsTemplate'
  | 'incidentType';

export interface Reference {
  /** Field path inside the referring entity, e.g. "layers[0].participants[2]". */
  path: string;
  kind: EntityKind;
  id: string;
}

export interface EntityByKind {
  user: User;
  team: Team;
  schedule: Schedule;
  escalationPolicy: EscalationPolicy;
  service: Service;
  statusPage: StatusPage;
  role: Role;
  commsTemplate: CommsTemplate;
  incidentType: IncidentType;
}

const TARGET_KIND = { user: 'user', schedule: 'schedule', team: 'team' } as const;

/** Every id an entity points at, with where it does so. */
export function referencesOf<K extends EntityKind>(kind: K, entity: EntityByKind[K]): Reference[] {
  switch (kind) {
    case 'user':
      return [];
    case 'team': {
      const team = entity as Team;
      return [
        ...team.members.map((m, i) => ({ path: `members[${i}].userId`, kind: 'user' as const, id: m.userId })),
        ...(team.defaultEscalationPolicyId
          ? [
              {
                path: 'defaultEscalationPolicyId',
                kind: 'escalationPolicy' as const,
                id: team.defaultEscalationPolicyId,
              },
            ]
          : []),
      ];
    }
    case 'schedule': {
      const schedule = entity as Schedule;
      return [
        ...schedule.layers.flatMap((layer, l) =>
          layer.participants.map((id, p) => ({ path: `layers[${l}].participants[${p}]`, kind: 'user' as const, id })),
        ),
        ...schedule.overrides.flatMap((o, i) => [
          { path: `overrides[${i}].userId`, kind: 'user' as const, id: o.userId },
          ...(o.replacesUserId
            ? [{ path: `overrides[${i}].replacesUserId`, kind: 'user' as const, id: o.replacesUserId }]
            : []),
        ]),
      ];
    }
    case 'escalationPolicy':
      return (entity as EscalationPolicy).levels.flatMap((level, l) =>
        level.targets.map((t, i) => ({ path: `levels[${l}].targets[${i}].id`, kind: TARGET_KIND[t.type], id: t.id })),
      );
    case 'service': {
      const service = entity as Service;
      return [
        { path: 'teamId', kind: 'team', id: service.teamId },
        ...(service.escalationPolicyId
          ? [{ path: 'escalationPolicyId', kind: 'escalationPolicy' as const, id: service.escalationPolicyId }]
          : []),
      ];
    }
    case 'statusPage':
      return (entity as StatusPage).components.flatMap((c, i) =>
        c.services.map((id, j) => ({ path: `components[${i}].services[${j}]`, kind: 'service' as const, id })),
      );
    default:
      return coordinationReferences(kind, entity);
  }
}

/** Roles name their rotation's schedules; types their policy, roles and templates. */
function coordinationReferences(kind: EntityKind, entity: EntityByKind[EntityKind]): Reference[] {
  const optional = (path: string, k: EntityKind, id: string | undefined): Reference[] =>
    id ? [{ path, kind: k, id }] : [];
  if (kind === 'role') {
    const { rotation } = entity as Role;
    return [
      ...optional('rotation.primaryScheduleId', 'schedule', rotation?.primaryScheduleId),
      ...optional('rotation.secondaryScheduleId', 'schedule', rotation?.secondaryScheduleId),
    ];
  }
  if (kind !== 'incidentType') return [];
  const type = entity as IncidentType;
  return [
    ...optional('escalationPolicyId', 'escalationPolicy', type.escalationPolicyId),
    ...type.requiredRoles.map((id, i) => ({ path: `requiredRoles[${i}]`, kind: 'role' as const, id })),
    ...type.templates.map((id, i) => ({ path: `templates[${i}]`, kind: 'commsTemplate' as const, id })),
  ];
}

const LABEL: Record<EntityKind, string> = {
  user: 'user',
  team: 'team',
  schedule: 'schedule',
  escalationPolicy: 'escalation policy',
  service: 'service',
  statusPage: 'status page',
  role: 'role',
  commsTemplate: 'template',
  incidentType: 'incident type',
};

/** References whose target does not exist, as `{ path, message }` field issues. */
export function missingReferences<K extends EntityKind>(
  kind: K,
  entity: EntityByKind[K],
  exists: (kind: EntityKind, id: string) => boolean,
): Array<{ path: string; message: string }> {
  return referencesOf(kind, entity)
    .filter((r) => !exists(r.kind, r.id))
    .map((r) => ({ path: r.path, message: `unknown ${LABEL[r.kind]} "${r.id}"` }));
}

/** Entities that point at (kind, id): what a delete would leave dangling. */
export function referrersOf(
  kind: EntityKind,
  id: string,
  all: { [K in EntityKind]: ReadonlyArray<EntityByKind[K]> },
): Array<{ kind: EntityKind; id: string; path: string }> {
  const found: Array<{ kind: EntityKind; id: string; path: string }> = [];
  for (const k of Object.keys(all) as EntityKind[]) {
    for (const entity of all[k]) {
      for (const ref of referencesOf(k, entity as EntityByKind[typeof k])) {
        if (ref.kind === kind && ref.id === id) found.push({ kind: k, id: entity.id, path: ref.path });
      }
    }
  }
  return found;
}

export function entityLabel(kind: EntityKind): string {
  return LABEL[kind];
}
