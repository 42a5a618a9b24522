/**
 * Communication templates: the initial, update and resolution messages of an incident, per
 * audience and severity, in Mustache (logic-less: fields, sections over lists, nothing to
 * run). Rendered as plain text, so nothing is HTML-escaped.
 */
import Mustache from 'mustache';
import { z } from 'zod';
import { IdSchema, NameSchema, strictObject } from '../common/fields';
import { SeveritySchema, type Severity } from '../incident/severity';

export const TEMPLATE_KINDS = ['initial', 'update', 'resolution'] as const;
export const AUDIENCES = ['internal', 'stakeholders', 'customers'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
export type Audience = (typeof AUDIENCES)[number];

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

/** The fields a template can use; every value is text, lists are sections. */
export type TemplateView = Record<string, string | Record<string, string> | Array<Record<string, string>>>;

export interface Rendered {
  subject?: string;
  body: string;
}

export function renderTemplate(template: Pick<CommsTemplate, 'subject' | 'body'>, view: TemplateView): Rendered {
  const render = (text: string) => Mustache.render(text, view, {}, { escape: (s: string) => s });
  return { ...(template.subject ? { subject: render(template.subject) } : {}), body: render(template.body) };
}

/**
 * The template for a message: of the kind and audience, for the severity; among those,
 * one the incident type names first, then a general one (one no type names).
 */
export function pickTemplate(
  templates: readonly CommsTemplate[],
  want: { kind: TemplateKind; audience: Audience; severity: Severity; preferred?: readonly string[] },
  namedByTypes: ReadonlySet<string> = new Set(),
): CommsTemplate | undefined {
  const fits = templates.filter(
    (t) =>
      t.kind === want.kind &&
      t.audience === want.audience &&
      (t.severities === undefined || t.severities.includes(want.severity)),
  );
  return fits.find((t) => want.preferred?.includes(t.id)) ?? fits.find((t) => !namedByTypes.has(t.id)) ?? fits[0];
}
