/**
 * The zod schemas the OpenAPI document publishes as named components, and their conversion
 * with zod's own JSON Schema generator (draft 2020-12, the dialect of OpenAPI 3.1). The
 * routes validate with these very objects, so the document cannot describe another rule.
 * Request schemas are converted as input (what a client may send: defaults optional,
 * aliases before their transform); response schemas as output (what the API answers).
 */
import { z } from 'zod';
import { CONFIG_KINDS, type ConfigKind } from '../lib/models/config';
import { InstantSchema, LocalDateTimeSchema, TimeZoneSchema } from '../domain/common/fields';
import { ActionItemPatchSchema } from '../domain/review/action-items';
import { ReviewSchema } from '../domain/review/review';
import { IncidentStateSchema } from '../domain/incident/state-schema';
import { JsonSchema, RunbookSchema } from '../domain/runbook/runbook';
import { ACCEPTED_SEVERITIES, SeverityInputSchema } from '../domain/incident/severity';
import type { Entity } from './config-store';
import { ErrorBodySchema } from './errors';
import { alertGroupSchema } from './ingest/alert-group';
import { changeSchema, eventSchema, triggerPayloadSchema } from './ingest/pagerduty';
import { approvalBody, runBody, validateBody } from './routes/runbook-schemas';
import { formSchema as respondFormSchema } from '../integrations/respond/routes';
import {
  genericAlertSchema,
  incidentCommandSchema,
  noteSchema,
  reassignSchema,
  severityChangeSchema,
  snoozeSchema,
} from './schemas';

export type JsonObject = Record<string, unknown>;
type Io = 'input' | 'output';

interface ComponentMeta {
  id: string;
  description?: string;
  /** Output for what the API answers; input (default) for what it accepts. */
  io?: Io;
}

/** `escalation-policies` -> `EscalationPolicies`. */
export const pascalCase = (text: string) => text.replace(/(^|[-_])([a-z])/g, (_m, _sep, c: string) => c.toUpperCase());

/** `user` -> `User`, `escalationPolicy` -> `EscalationPolicy`: the component of a config kind. */
export const kindComponent = (kind: ConfigKind): string => pascalCase(kind);

/** `meta` of a config entity as the API answers it (dates as ISO text). */
const entityMetaSchema = z.object({
  managedBy: z.enum(['config', 'api'] satisfies Array<Entity<ConfigKind>['meta']['managedBy']>),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Holds<T extends true> = T;
/** Fails to compile when the store's meta gains or loses a field. */
type _MetaMatchesStore = Holds<SameKeys<z.infer<typeof entityMetaSchema>, Entity<ConfigKind>['meta']>>;

/** PagerDuty's event with the payload a trigger requires (the route checks it in a second step). */
export const pagerDutyEventSchema = eventSchema.extend({ payload: triggerPayloadSchema.optional() });

/** One configuration entity and a list of them, per kind: `{ data, meta }` and `{ data: [...] }`. */
interface Envelopes {
  entity: z.ZodType;
  list: z.ZodType;
}
const envelopes = (schema: z.ZodType): Envelopes => ({
  entity: z.object({ data: schema, meta: entityMetaSchema }),
  list: z.object({ data: z.array(schema) }),
});
const KINDS = Object.keys(CONFIG_KINDS) as ConfigKind[];
export const configEnvelopes = Object.fromEntries(
  KINDS.map((kind): [ConfigKind, Envelopes] => [kind, envelopes(CONFIG_KINDS[kind].schema as z.ZodType)]),
) as Record<ConfigKind, Envelopes>;

const entries: Array<[z.ZodType, ComponentMeta]> = [
  [
    InstantSchema as z.ZodType,
    { id: 'Instant', description: 'ISO 8601 instant with an offset or Z, e.g. "2026-03-09T13:00:00Z"' },
  ],
  [
    SeverityInputSchema,
    { id: 'SeverityInput', description: `Any accepted spelling, case-insensitive: ${ACCEPTED_SEVERITIES.join(', ')}` },
  ],
  [JsonSchema, { id: 'JsonValue', description: 'Any JSON value' }],
  ...KINDS.flatMap((kind): Array<[z.ZodType, ComponentMeta]> => [
    [
      CONFIG_KINDS[kind].schema as z.ZodType,
      { id: kindComponent(kind), description: `A ${kind} as written and as stored (unknown fields are refused)` },
    ],
    [configEnvelopes[kind].entity, { id: `${kindComponent(kind)}Entity`, io: 'output' }],
    [configEnvelopes[kind].list, { id: `${kindComponent(kind)}List`, io: 'output' }],
  ]),
  [genericAlertSchema, { id: 'GenericAlert', description: 'Unknown fields are ignored' }],
  [incidentCommandSchema, { id: 'IncidentCommand' }],
  [reassignSchema, { id: 'Reassign', description: 'Either toUserIds or toPolicyId' }],
  [snoozeSchema, { id: 'Snooze' }],
  [severityChangeSchema, { id: 'SeverityChange' }],
  [noteSchema, { id: 'Note' }],
  [ActionItemPatchSchema, { id: 'ActionItemPatch', description: "One edit of the review's action items" }],
  [
    alertGroupSchema,
    {
      id: 'AlertGroup',
      description: 'Alertmanager webhook (version "4") or Grafana unified alerting webhook (version "1")',
    },
  ],
  [
    pagerDutyEventSchema,
    {
      id: 'PagerDutyEvent',
      description:
        'payload is required for trigger, ignored otherwise; dedup_key is required for acknowledge and resolve',
    },
  ],
  [triggerPayloadSchema, { id: 'PagerDutyTriggerPayload' }],
  [changeSchema, { id: 'PagerDutyChangeEvent' }],
  [RunbookSchema, { id: 'Runbook', description: 'A runbook file (YAML), see runbooks/' }],
  [validateBody, { id: 'RunbookValidateRequest' }],
  [runBody, { id: 'RunbookRun' }],
  [approvalBody, { id: 'RunbookApproval' }],
  [respondFormSchema, { id: 'RespondForm' }],
  [ErrorBodySchema, { id: 'ErrorBody', io: 'output' }],
  [ReviewSchema, { id: 'Review', io: 'output' }],
  [IncidentStateSchema, { id: 'IncidentState', io: 'output', description: 'An incident as its workflow holds it' }],
];

/** The published schemas, with the id each is published under. */
export const components = z.registry<{ id: string; description?: string }>();
for (const [schema, { id, description }] of entries) components.add(schema, description ? { id, description } : { id });

export const componentRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * What JSON Schema cannot see in our schemas, so that the document is no looser than the
 * routes: refinements and transforms are code, and each rule below states one of them in
 * JSON Schema (the API may accept more spellings than published, never fewer).
 */
const TIGHTER = new Map<unknown, JsonObject>([
  // Any case, but these spellings (and 1..4 as numbers).
  [SeverityInputSchema, { anyOf: undefined, type: undefined, enum: [...ACCEPTED_SEVERITIES, 1, 2, 3, 4] }],
  // A real IANA zone (luxon checks); the canonical names are published.
  [TimeZoneSchema, { enum: ['UTC', ...Intl.supportedValuesOf('timeZone')] }],
  // Wall-clock "YYYY-MM-DDTHH:mm[:ss]" (a real calendar date: checked by the route).
  [LocalDateTimeSchema, { pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$' }],
  [reassignSchema, { oneOf: [{ required: ['toUserIds'] }, { required: ['toPolicyId'] }] }],
  [
    pagerDutyEventSchema,
    {
      if: { properties: { event_action: { const: 'trigger' } } },
      then: { required: ['payload'] },
      else: { required: ['dedup_key'] },
    },
  ],
]);

/**
 * An Instant is a refined, transformed string (it also takes a Date, which JSON cannot
 * carry): published as a date-time. An email address is its pattern. Then the rules of TIGHTER.
 */
function override(ctx: { zodSchema: unknown; jsonSchema: JsonObject }): void {
  const js = ctx.jsonSchema;
  if (ctx.zodSchema === InstantSchema) {
    for (const key of Object.keys(js)) if (key !== 'description') delete js[key];
    Object.assign(js, { type: 'string', format: 'date-time' });
  }
  // The pattern zod checks is the rule; validators differ on what `format: email` means
  // (Schemathesis's refuses addresses zod takes), so the document states the pattern only.
  if (js.format === 'email' && typeof js.pattern === 'string') delete js.format;
  for (const [key, value] of Object.entries(TIGHTER.get(ctx.zodSchema) ?? {})) {
    if (value === undefined) delete js[key];
    else js[key] = value;
  }
}

const settings = (io: Io) => ({ io, target: 'draft-2020-12', unrepresentable: 'any', override }) as const;

/** Every component, converted in the direction it is used; references point at `#/components/schemas/<id>`. */
export function componentSchemas(): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const io of ['input', 'output'] as const) {
    const { schemas } = z.toJSONSchema(components, {
      ...settings(io),
      metadata: components,
      uri: (id) => componentRef(id).$ref,
    });
    if ('__shared' in schemas)
      throw new Error('a recursive schema has no component id: add it to api/openapi-schemas.ts');
    for (const [, meta] of entries) {
      if ((meta.io ?? 'input') !== io) continue;
      const { $schema: _dialect, $id: _id, ...converted } = schemas[meta.id] as JsonObject;
      out[meta.id] = converted;
    }
  }
  return out;
}

/** A schema that is not a component (path and query parameters), converted in place. */
export function inlineSchema(schema: z.ZodType, io: Io = 'input'): JsonObject {
  const { $schema: _dialect, ...converted } = z.toJSONSchema(schema, {
    ...settings(io),
    metadata: z.registry(),
  }) as JsonObject;
  return converted;
}

/** A `$ref` to the schema's component, or the schema converted in place. */
export function schemaFor(schema: z.ZodType, io: Io = 'input'): JsonObject {
  const id = components.get(schema)?.id;
  return id ? componentRef(id) : inlineSchema(schema, io);
}
