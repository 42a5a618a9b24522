/**
 * The zod schemas of coordination configuration (what config-as-code and the API validate):
 * bridges, incident-channel settings, roles, stakeholders, communication templates. Kept apart
 * from the pure modules that use their types (bridge.ts, role.ts, ...) because workflow code
 * imports those, and zod must stay out of the workflow bundle (test/workflows/bundle.test.ts).
 */
import Mustache from 'mustache';
import { z } from 'zod';
import { IdSchema, NameSchema, strictObject } from '../common/fields';
import { SeveritySchema } from '../incident/severity';
import { BRIDGE_PLACEHOLDERS, renderBridgeTemplate } from './bridge';
import { AUDIENCES, TEMPLATE_KINDS } from './template';

const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

/** Placeholders a template names that are not ours. */
function unknownPlaceholders(template: string): string[] {
  const names = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
  return names.filter((n) => !(BRIDGE_PLACEHOLDERS as readonly string[]).includes(n));
}

export const BridgeSchema = strictObject({
  url: z.string().max(2000).refine(isHttpUrl, 'must be an http(s) URL').optional(),
  /** e.g. "https://meet.example.com/inc-{number}". */
  urlTemplate: z.string().max(2000).optional(),
  title: z.string().trim().min(1).max(100).optional(),
}).superRefine((b, ctx) => {
  if ((b.url === undefined) === (b.urlTemplate === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'give exactly one of url and urlTemplate' });
  }
  if (b.urlTemplate === undefined) return;
  const unknown = unknownPlaceholders(b.urlTemplate);
  if (unknown.length > 0) {
    const message = `unknown placeholder {${unknown[0]}}: use ${BRIDGE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
    ctx.addIssue({ code: 'custom', path: ['urlTemplate'], message });
  } else if (!isHttpUrl(renderBridgeTemplate(b.urlTemplate, { number: '1', incidentId: 'x', service: 'x' }))) {
    ctx.addIssue({ code: 'custom', path: ['urlTemplate'], message: 'must render to an http(s) URL' });
  }
});
export type Bridge = z.infer<typeof BridgeSchema>;

/** service.incidentChannel: overrides the tier's default severities and the archive delay. */
export const IncidentChannelSettingsSchema = strictObject({
  /** Severities that open a channel; [] never opens one. Absent: the tier's default. */
  severities: z.array(SeveritySchema).max(4).optional(),
  archiveAfterMinutes: z
    .int()
    .min(0, 'must be 0 (archive at once) or more minutes')
    .max(60 * 24 * 90, 'must be at most 90 days')
    .optional(),
});
export type IncidentChannelSettings = z.infer<typeof IncidentChannelSettingsSchema>;

export const RoleRotationSchema = strictObject({
  primaryScheduleId: IdSchema,
  /** Takes the role when the primary schedule has nobody on call. */
  secondaryScheduleId: IdSchema.optional(),
});

export const RoleSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  description: z.string().trim().max(1000).optional(),
  rotation: RoleRotationSchema.optional(),
  /** Only people on the rotation's schedules may hold the role (needs a rotation). */
  rotationOnly: z.boolean().default(false),
  /** The holder is reminded of the stakeholder-update cadence (the communications lead). */
  communications: z.boolean().default(false),
  /** Assigned (and paged) on open for incidents of these severities, whatever their type. */
  assignOnSeverities: z.array(SeveritySchema).default([]),
}).superRefine((role, ctx) => {
  if (role.rotationOnly && !role.rotation) {
    ctx.addIssue({ code: 'custom', path: ['rotationOnly'], message: 'needs a rotation to limit the role to' });
  }
});
export type Role = z.infer<typeof RoleSchema>;

export const StakeholdersSchema = strictObject({
  emails: z.array(z.email('must be an email address')).max(100).default([]),
  /** Slack conversation ids ("C0123ABC"), posted to with the bot token. */
  slackChannels: z
    .array(z.string().regex(/^[CG][A-Z0-9]{6,20}$/, 'must be a Slack channel id such as "C0123ABC"'))
    .max(50)
    .default([]),
  /** Severities they hear about; absent: the tier's default. */
  severities: z.array(SeveritySchema).min(1).optional(),
});
export type Stakeholders = z.infer<typeof StakeholdersSchema>;

/** Parse errors name the line and column; partials would load text from elsewhere, so they are refused. */
const MustacheText = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max)
    .superRefine((text, ctx) => {
      const problem = mustacheProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export const CommsTemplateSchema = strictObject({
  id: IdSchema,
  name: NameSchema.optional(),
  kind: z.enum(TEMPLATE_KINDS, { error: () => `kind must be one of: ${TEMPLATE_KINDS.join(', ')}` }),
  audience: z.enum(AUDIENCES, { error: () => `audience must be one of: ${AUDIENCES.join(', ')}` }),
  /** Severities it is for; absent: every severity. */
  severities: z.array(SeveritySchema).min(1).optional(),
  subject: MustacheText(300).optional(),
  body: MustacheText(10_000),
});
export type CommsTemplate = z.infer<typeof CommsTemplateSchema>;

function mustacheProblem(text: string): string | undefined {
  try {
    const tokens = Mustache.parse(text) as unknown[][];
    if (hasPartial(tokens)) return 'partials ({{> name}}) are not supported';
    return undefined;
  } catch (err) {
    return `not a valid Mustache template: ${(err as Error).message}`;
  } finally {
    Mustache.clearCache();
  }
}

function hasPartial(tokens: unknown[][]): boolean {
  return tokens.some((t) => t[0] === '>' || (Array.isArray(t[4]) && hasPartial(t[4] as unknown[][])));
}
