/**
 * Status pages: what customers (a public page) or colleagues (internal pages) see of the
 * services' health. A page lists components, optionally in named groups; a component
 * follows the services that list it (or whose `statusPageComponent` names it) or stands
 * alone. Rules decide which incidents publish. The value sets are Atlassian Statuspage's,
 * so the public JSON speaks its v2 API.
 */
import { z } from 'zod';
import {
  END_AFTER_START,
  IdSchema,
  InstantSchema,
  NameSchema,
  TimeZoneSchema,
  endsAfterStart,
  reportDuplicates,
  strictObject,
} from '../common/fields';
import { SeveritySchema } from '../incident/severity';
import { MirrorSchema } from './mirror';
import { pagePlansFor, type PagePlan } from './publication';

export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];
export const ComponentStatusSchema = z.enum(COMPONENT_STATUSES, {
  error: () => `must be one of: ${COMPONENT_STATUSES.join(', ')}`,
});

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type PageIncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const PageIncidentStatusSchema = z.enum(INCIDENT_STATUSES, {
  error: () => `must be one of: ${INCIDENT_STATUSES.join(', ')}`,
});

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

export const PageComponentSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  /** Components with the same group name show together under it. */
  group: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(500).optional(),
  /** Services whose incidents affect this component (besides those whose statusPageComponent names it). */
  services: z.array(IdSchema).default([]),
  onlyShowIfDegraded: z.boolean().default(false),
});
export type PageComponent = z.infer<typeof PageComponentSchema>;

export const PublishRuleSchema = strictObject({
  /** Severities that publish (e.g. SEV1 and SEV2). */
  severities: z.array(SeveritySchema).min(1, 'name at least one severity'),
  /** Service tiers that publish; absent: every tier. */
  tiers: z.array(z.int().min(1, 'must be 1 to 4').max(4, 'must be 1 to 4')).optional(),
  /** The component status each severity shows; unnamed severities use DEFAULT_COMPONENT_STATUS. */
  componentStatus: z.partialRecord(SeveritySchema, ComponentStatusSchema).optional(),
  /** The incident's title on the page; {{components}}, {{service}}, {{severity}}, {{summary}} are filled in. */
  title: z.string().trim().min(1).max(200).optional(),
  /** The first message, with the same placeholders as `title`. */
  template: z.string().trim().min(1).max(2000).optional(),
  /** Held back: written but not shown until a responder releases it. */
  hold: z.boolean().default(false),
});
export type PublishRule = z.infer<typeof PublishRuleSchema>;

export const PageMaintenanceSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  components: z.array(IdSchema).min(1, 'name at least one component'),
  start: InstantSchema,
  end: InstantSchema,
  body: z.string().trim().max(2000).optional(),
}).refine(endsAfterStart, END_AFTER_START);
export type PageMaintenance = z.infer<typeof PageMaintenanceSchema>;

export const StatusPageSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  /** public: anyone may read it; internal: a token or a console session is needed. */
  visibility: z.enum(['public', 'internal'], { error: () => 'must be "public" or "internal"' }).default('public'),
  /** Where people reach the page (the v2 JSON's page.url); default: its path on this API. */
  url: z.url().optional(),
  timeZone: TimeZoneSchema.default('UTC'),
  /** A component's shown status changes at most once per this many minutes (flapping). */
  quietMinutes: z.int().min(0).max(1440).default(10),
  components: z.array(PageComponentSchema).min(1, 'a page needs at least one component'),
  rules: z.array(PublishRuleSchema).default([]),
  maintenances: z.array(PageMaintenanceSchema).default([]),
  /** Optional: push the page's incidents to a hosted Statuspage or to Cachet (./mirror.ts). */
  mirror: MirrorSchema.optional(),
}).superRefine((page, ctx) => {
  reportDuplicates(
    ctx,
    page.components,
    (c) => c.id,
    (i) => ['components', i, 'id'],
    'component id',
  );
  reportDuplicates(
    ctx,
    page.maintenances,
    (m) => m.id,
    (i) => ['maintenances', i, 'id'],
    'maintenance id',
  );
  const known = new Set(page.components.map((c) => c.id));
  page.maintenances.forEach((m, i) =>
    m.components.forEach((id, j) => {
      if (!known.has(id))
        ctx.addIssue({
          code: 'custom',
          path: ['maintenances', i, 'components', j],
          message: `unknown component "${id}"`,
        });
    }),
  );
  for (const id of Object.keys(page.mirror?.components ?? {}))
    if (!known.has(id))
      ctx.addIssue({ code: 'custom', path: ['mirror', 'components', id], message: `unknown component "${id}"` });
});
export type StatusPage = z.infer<typeof StatusPageSchema>;
export type StatusPageInput = z.input<typeof StatusPageSchema>;

/** The service fields a page reads: which components a service's incidents affect. */
export interface ServiceLink {
  id: string;
  name?: string;
  tier: number;
  statusPageComponent?: string;
  maintenanceWindows?: ReadonlyArray<{ start: string; end: string; reason?: string }>;
}

/** The page's components a service affects: listed by the component, or named by the service. */
export function componentsForService(page: Pick<StatusPage, 'components'>, service: ServiceLink): PageComponent[] {
  const named = service.statusPageComponent?.trim().toLowerCase();
  return page.components.filter(
    (c) =>
      c.services.includes(service.id) || (named !== undefined && (c.id === named || c.name.toLowerCase() === named)),
  );
}

/** The pages a service's incidents may publish on (none for a service not configured). */
export function pagePlansForService(pages: readonly StatusPage[], service: ServiceLink | undefined): PagePlan[] {
  return service ? pagePlansFor(pages, (page) => componentsForService(page, service)) : [];
}
