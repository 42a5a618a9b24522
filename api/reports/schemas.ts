/**
 * The report answers as zod schemas (OpenAPI and reply checks). The domain owns the types
 * (domain/report/); the compile-time checks at the end fail when the two drift apart.
 */
import { z } from 'zod';
import { SeveritySchema } from '../../domain/incident/severity';
import type { IncidentReport } from '../../domain/report/incident-report';
import { INCIDENT_GROUPINGS } from '../../domain/report/incident-report';
import type { OnCallHealthReport } from '../../domain/report/oncall-health';

const Instant = z.string().meta({ format: 'date-time' });
const Rate = z.number().min(0).max(1).nullable();

export const SummarySchema = z
  .object({ count: z.int(), mean: z.number(), p50: z.number(), p90: z.number(), p99: z.number() })
  .meta({ description: 'Durations in seconds: count, mean and nearest-rank percentiles' });
const Seconds = SummarySchema.nullable();
const AttainmentSchema = z.object({ met: z.int(), decided: z.int(), rate: Rate });

export const IncidentFiguresSchema = z.object({
  count: z.int(),
  open: z.int(),
  acknowledged: z.int(),
  resolved: z.int(),
  mttaSeconds: Seconds,
  mttrSeconds: Seconds,
  mttdSeconds: Seconds,
  classified: z.int(),
  unclassified: z.int(),
  falsePositiveRate: Rate,
  noiseRate: Rate,
  autoRemediated: z.int(),
  autoRemediationRate: Rate,
  escalated: z.int(),
  escalationRate: Rate,
  sla: z.partialRecord(SeveritySchema, z.object({ response: AttainmentSchema, resolution: AttainmentSchema })),
});

export const IncidentReportSchema = z.object({
  from: Instant,
  to: Instant,
  timeZone: z.literal('UTC'),
  groupBy: z.enum(INCIDENT_GROUPINGS).nullable(),
  filter: z.object({
    service: z.string().optional(),
    team: z.string().optional(),
    severity: SeveritySchema.optional(),
  }),
  totals: IncidentFiguresSchema,
  groups: z.array(z.object({ key: z.string(), figures: IncidentFiguresSchema })),
  mtbfByService: z.array(z.object({ service: z.string(), incidents: z.int(), mtbfSeconds: Seconds })),
});

const EvennessSchema = z.object({
  min: z.number(),
  max: z.number(),
  maxMinRatio: z.number().nullable(),
  coefficientOfVariation: z.number().nullable(),
});

export const OnCallHealthReportSchema = z.object({
  from: Instant,
  to: Instant,
  timeZone: z.literal('UTC'),
  definitions: z.object({ workingHours: z.string(), offHours: z.string(), night: z.string() }),
  people: z.array(
    z.object({
      userId: z.string(),
      week: z.string(),
      timeZone: z.string(),
      pages: z.int(),
      offHoursPages: z.int(),
      nightPages: z.int(),
      unacknowledgedPages: z.int(),
      timeToAcknowledgeSeconds: Seconds,
      onCallHours: z.number(),
      longestStretchHours: z.number(),
    }),
  ),
  rotations: z.array(
    z.object({
      rotationId: z.string(),
      members: z.array(z.object({ userId: z.string(), pages: z.int(), onCallHours: z.number() })),
      pages: EvennessSchema,
      onCallHours: EvennessSchema,
    }),
  ),
});

/** Each side assignable to the other (the domain's literal `definitions` widen to strings here). */
type Holds<T extends true> = T;
type Assignable<A, B> = [A] extends [B] ? true : false;
export type _IncidentReportMatches = Holds<Assignable<IncidentReport, z.infer<typeof IncidentReportSchema>>>;
export type _OnCallReportMatches = Holds<Assignable<OnCallHealthReport, z.infer<typeof OnCallHealthReportSchema>>>;
