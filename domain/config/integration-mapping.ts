/**
 * How an integration's payloads become incidents: which labels form the dedup key, which
 * names the service, the severity and the summary. Every field is optional; the defaults
 * per format are in `DEFAULT_MAPPINGS` and documented in the README.
 */
import { z } from 'zod';
import { IdSchema, strictObject } from '../common/fields';
import { SeveritySchema, type Severity } from '../incident/severity';

const FieldName = z.string().trim().min(1, 'must not be empty').max(200);
const FieldList = z.array(FieldName).min(1, 'must name at least one field').max(20);

export const GROUPINGS = ['group', 'alert'] as const;

export const IntegrationMappingSchema = strictObject({
  /** Alertmanager / Grafana: one incident per notification group (default) or per alert. */
  grouping: z.enum(GROUPINGS, { error: () => `grouping must be one of: ${GROUPINGS.join(', ')}` }).optional(),
  /** Alertmanager / Grafana: alerts with equal values of these labels are one incident (replaces grouping). */
  dedupKeyLabels: FieldList.optional(),
  /** Label (PagerDuty: custom_details field) whose value is the service id; absent = the key's service. */
  serviceLabel: FieldName.optional(),
  /** Label (PagerDuty: custom_details field) holding the severity; default labels.severity / payload.severity. */
  severityLabel: FieldName.optional(),
  /** Extra spellings, tried before the built-in aliases: `{ page: SEV1, ticket: SEV4 }`. */
  severityMap: z.record(z.string().trim().min(1).max(64), SeveritySchema).optional(),
  /** Used when the severity is missing or not recognised (default SEV3). */
  defaultSeverity: SeveritySchema.optional(),
  /** Annotations tried in order for the summary, then these as labels; default summary, description, alertname. */
  summaryFields: FieldList.optional(),
  /** Label (PagerDuty: custom_details field) naming the incident type; default `incident_type`. */
  typeLabel: FieldName.optional(),
  /** The incident type of what this integration opens when the label names none. */
  defaultType: IdSchema.optional(),
}).superRefine((m, ctx) => {
  if (m.grouping !== undefined && m.dedupKeyLabels !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['dedupKeyLabels'],
      message: 'replaces grouping: give grouping or dedupKeyLabels, not both',
    });
  }
});
export type IntegrationMapping = z.infer<typeof IntegrationMappingSchema>;

/** Fields that only mean something for label-based formats (Alertmanager, Grafana). */
export const LABEL_ONLY_FIELDS = ['grouping', 'dedupKeyLabels', 'summaryFields'] as const;

/** A mapping with every default filled in. */
export interface ResolvedMapping {
  grouping: (typeof GROUPINGS)[number];
  dedupKeyLabels?: string[];
  serviceLabel?: string;
  /** Absent for PagerDuty by default: payload.severity is the severity. */
  severityLabel?: string;
  severityMap: Record<string, Severity>;
  defaultSeverity: Severity;
  summaryFields: string[];
  typeLabel: string;
  defaultType?: string;
}

export type MappedFormat = 'alertmanager' | 'grafana' | 'pagerduty';

const BASE: ResolvedMapping = {
  grouping: 'group',
  severityLabel: 'severity',
  severityMap: {},
  defaultSeverity: 'SEV3',
  summaryFields: ['summary', 'description', 'alertname'],
  typeLabel: 'incident_type',
};

export const DEFAULT_MAPPINGS: Readonly<Record<MappedFormat, ResolvedMapping>> = {
  alertmanager: BASE,
  grafana: BASE,
  pagerduty: { ...BASE, severityLabel: undefined, summaryFields: ['summary'] },
};

/** Defaults for the format, with the integration's own mapping laid over them. */
export function resolveMapping(
  format: MappedFormat,
  mapping: IntegrationMapping | undefined,
  serviceLabelFallback?: string,
): ResolvedMapping {
  const base = DEFAULT_MAPPINGS[format];
  const lowerMap = Object.fromEntries(
    Object.entries(mapping?.severityMap ?? {}).map(([k, v]) => [k.trim().toLowerCase(), v]),
  );
  return {
    grouping: mapping?.grouping ?? base.grouping,
    dedupKeyLabels: mapping?.dedupKeyLabels,
    serviceLabel: mapping?.serviceLabel ?? serviceLabelFallback,
    severityLabel: mapping?.severityLabel ?? base.severityLabel,
    severityMap: lowerMap,
    defaultSeverity: mapping?.defaultSeverity ?? base.defaultSeverity,
    summaryFields: mapping?.summaryFields ?? base.summaryFields,
    typeLabel: mapping?.typeLabel ?? base.typeLabel,
    ...(mapping?.defaultType ? { defaultType: mapping.defaultType } : {}),
  };
}

/** The incident type a label value names (a slug), else the mapping's default. */
export function incidentTypeFrom(value: unknown, mapping: Pick<ResolvedMapping, 'defaultType'>): string | undefined {
  return IdSchema.safeParse(value).success ? (value as string) : mapping.defaultType;
}

/** A label value usable as a service id, or undefined. */
export function serviceIdFrom(value: unknown): string | undefined {
  return IdSchema.safeParse(value).success ? (value as string) : undefined;
}
