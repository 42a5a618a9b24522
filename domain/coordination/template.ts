/**
 * Communication templates: the initial, update and resolution messages of an incident, per
 * audience and severity, in Mustache (logic-less: fields, sections over lists, nothing to
 * run). Rendered as plain text, so nothing is HTML-escaped. Zod-free on purpose: workflow code
 * imports it (test/workflows/bundle.test.ts); CommsTemplateSchema is in schemas.ts.
 */
import Mustache from 'mustache';
import type { Severity } from '../incident/severity-levels';
import type { CommsTemplate } from './schemas';

export type { CommsTemplate };

export const TEMPLATE_KINDS = ['initial', 'update', 'resolution'] as const;
export const AUDIENCES = ['internal', 'stakeholders', 'customers'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
export type Audience = (typeof AUDIENCES)[number];

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
