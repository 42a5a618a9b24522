/**
 * Services: what alerts are about. A service ties alert sources (integration keys) to a
 * team and an escalation policy, and carries its own severity targets, maintenance
 * windows and auto-resolve behaviour.
 */
import { z } from 'zod';
import {
  END_AFTER_START,
  IdSchema,
  InstantSchema,
  type InstantInput,
  NameSchema,
  endsAfterStart,
  reportDuplicates,
  strictObject,
  toEpochMs,
} from '../common/fields';
import type { Team } from './team';
import { IntegrationMappingSchema, LABEL_ONLY_FIELDS } from './integration-mapping';
import { SEVERITIES, SeverityOverridesSchema, SeveritySchema, severityTargets } from '../incident/severity';
import { BridgeSchema, IncidentChannelSettingsSchema, StakeholdersSchema } from '../coordination/schemas';

export const INTEGRATION_SOURCES = ['pagerduty', 'alertmanager', 'grafana', 'generic'] as const;
export type IntegrationSource = (typeof INTEGRATION_SOURCES)[number];

export const IntegrationKeySchema = strictObject({
  source: z.enum(INTEGRATION_SOURCES, { error: () => `source must be one of: ${INTEGRATION_SOURCES.join(', ')}` }),
  key: z
    .string()
    .length(32, 'must be exactly 32 characters')
    .regex(/^[a-z0-9]+$/, 'must contain only lowercase letters a-z and digits 0-9'),
  /** How this integration's payloads map to incidents (see integration-mapping.ts). */
  mapping: IntegrationMappingSchema.optional(),
}).superRefine((k, ctx) => {
  const misplaced =
    k.source === 'generic'
      ? Object.keys(k.mapping ?? {})
      : k.source === 'pagerduty'
        ? LABEL_ONLY_FIELDS.filter((f) => k.mapping?.[f] !== undefined)
        : [];
  for (const field of misplaced) {
    ctx.addIssue({ code: 'custom', path: ['mapping', field], message: `does not apply to ${k.source} integrations` });
  }
});
export type IntegrationKey = z.infer<typeof IntegrationKeySchema>;

export const MaintenanceWindowSchema = strictObject({
  start: InstantSchema,
  end: InstantSchema,
  reason: z.string().trim().max(500).optional(),
}).refine(endsAfterStart, END_AFTER_START);
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>;

export const AUTO_RESOLVE_MODES = ['never', 'immediately', 'after_quiet'] as const;

/** What happens when the source reports the alert resolved (or, after_quiet, goes silent). */
export const AutoResolveSchema = strictObject({
  mode: z.enum(AUTO_RESOLVE_MODES, { error: () => `mode must be one of: ${AUTO_RESOLVE_MODES.join(', ')}` }),
  quietMinutes: z.int().min(1, 'must be at least 1 minute').optional(),
}).superRefine((a, ctx) => {
  if (a.mode === 'after_quiet' && a.quietMinutes === undefined) {
    ctx.addIssue({ code: 'custom', path: ['quietMinutes'], message: 'required when mode is "after_quiet"' });
  }
  if (a.mode !== 'after_quiet' && a.quietMinutes !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['quietMinutes'], message: 'only applies when mode is "after_quiet"' });
  }
});
export type AutoResolve = z.infer<typeof AutoResolveSchema>;

export const ServiceSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  /** 1 = critical .. 4 = low, as in the seeds' service priority matrix. */
  tier: z.int().min(1, 'must be 1 (critical) to 4 (low)').max(4, 'must be 1 (critical) to 4 (low)'),
  teamId: IdSchema,
  /** Absent: the team's defaultEscalationPolicyId pages the service's incidents. */
  escalationPolicyId: IdSchema.optional(),
  integrationKeys: z.array(IntegrationKeySchema).default([]),
  statusPageComponent: z.string().trim().min(1).max(200).optional(),
  severityOverrides: SeverityOverridesSchema.optional(),
  maintenanceWindows: z.array(MaintenanceWindowSchema).default([]),
  autoResolve: AutoResolveSchema.default({ mode: 'never' }),
  /** Whether incidents get a Slack channel (default: by tier) and when it is archived. */
  incidentChannel: IncidentChannelSettingsSchema.optional(),
  /** The service's conference bridge (before its team's). */
  bridge: BridgeSchema.optional(),
  /** Incidents are at least this severe; absent: the tier's floor (domain/coordination/tier.ts). */
  severityFloor: SeveritySchema.optional(),
  /** Told about incidents by the communication templates (domain/coordination/stakeholders.ts). */
  stakeholders: StakeholdersSchema.optional(),
}).superRefine((service, ctx) => {
  reportDuplicates(
    ctx,
    service.integrationKeys,
    (k) => k.source,
    (i) => ['integrationKeys', i, 'source'],
    'integration key source',
  );
  for (const sev of SEVERITIES) {
    const targets = severityTargets(sev, service.severityOverrides);
    if (targets.ackWithinMinutes <= targets.resolveWithinMinutes) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['severityOverrides', sev],
      message: `${sev}: ackWithinMinutes (${targets.ackWithinMinutes}) exceeds resolveWithinMinutes (${targets.resolveWithinMinutes})`,
    });
  }
});
export type Service = z.infer<typeof ServiceSchema>;

/** The maintenance window covering `instant` ([start, end)), if any. */
export function maintenanceWindowAt(
  service: Pick<Service, 'maintenanceWindows'>,
  instant: InstantInput,
): MaintenanceWindow | undefined {
  const t = toEpochMs(instant);
  return service.maintenanceWindows.find((w) => toEpochMs(w.start) <= t && t < toEpochMs(w.end));
}

export function inMaintenance(service: Pick<Service, 'maintenanceWindows'>, instant: InstantInput): boolean {
  return maintenanceWindowAt(service, instant) !== undefined;
}

/**
 * The policy that pages a service's incidents: its own `escalationPolicyId`, else the
 * `defaultEscalationPolicyId` of the team it names; undefined when neither is set.
 */
export function servicePolicyId(
  service: Pick<Service, 'escalationPolicyId' | 'teamId'>,
  teams: readonly Pick<Team, 'id' | 'defaultEscalationPolicyId'>[],
): string | undefined {
  return service.escalationPolicyId ?? teams.find((t) => t.id === service.teamId)?.defaultEscalationPolicyId;
}
