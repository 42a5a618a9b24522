/**
 * Which incidents publish, and what they show: a page's rules match an incident by
 * severity and service tier; the severity gives the components' status and the incident's
 * impact; the rule's templates write the title and first message. Internal alert text
 * ({{summary}}) reaches a page only where a rule's template asks for it.
 */
import type { Severity } from '../incident/severity-levels';
import type { ComponentStatus, Impact, PublishRule, StatusPage } from './page';

export const DEFAULT_COMPONENT_STATUS: Readonly<Record<Severity, ComponentStatus>> = {
  SEV1: 'major_outage',
  SEV2: 'partial_outage',
  SEV3: 'degraded_performance',
  SEV4: 'degraded_performance',
};

export const SEVERITY_IMPACT: Readonly<Record<Severity, Impact>> = {
  SEV1: 'critical',
  SEV2: 'major',
  SEV3: 'minor',
  SEV4: 'none',
};

export const DEFAULT_TITLE = 'Service disruption: {{components}}';
export const DEFAULT_TEMPLATE =
  'We are investigating an issue affecting {{components}}. We will post an update as soon as we know more.';

/** What the incident workflow knows of one page for its service (loaded once by an activity). */
export interface PagePlan {
  pageId: string;
  pageName: string;
  quietMinutes: number;
  /** The page's components the service affects. */
  components: Array<{ id: string; name: string }>;
  rules: PublishRule[];
}

/** What a page should show of an incident right now. */
export interface Publication {
  pageId: string;
  title: string;
  body: string;
  impact: Impact;
  components: Record<string, ComponentStatus>;
  /** Component id -> name, for the words of later updates. */
  names: Record<string, string>;
  hold: boolean;
}

export interface IncidentFacts {
  severity: Severity;
  summary: string;
  service: string;
  serviceName?: string;
  tier?: number;
}

/** The first rule that publishes this severity on this tier (a tierless rule matches every tier). */
export function matchingRule(rules: readonly PublishRule[], severity: Severity, tier: number | undefined) {
  return rules.find(
    (r) => r.severities.includes(severity) && (r.tiers === undefined || (tier !== undefined && r.tiers.includes(tier))),
  );
}

/** `{{name}}` replaced by vars[name]; unknown placeholders stay as written, so a typo shows. */
export function renderTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The page's publication of this incident, or undefined when no rule matches (or no component is affected). */
export function publicationFor(plan: PagePlan, incident: IncidentFacts): Publication | undefined {
  if (plan.components.length === 0) return undefined;
  const rule = matchingRule(plan.rules, incident.severity, incident.tier);
  if (!rule) return undefined;
  const status = rule.componentStatus?.[incident.severity] ?? DEFAULT_COMPONENT_STATUS[incident.severity];
  const vars = {
    components: plan.components.map((c) => c.name).join(', '),
    service: incident.serviceName ?? incident.service,
    severity: incident.severity,
    summary: incident.summary,
  };
  return {
    pageId: plan.pageId,
    title: renderTemplate(rule.title ?? DEFAULT_TITLE, vars),
    body: renderTemplate(rule.template ?? DEFAULT_TEMPLATE, vars),
    impact: SEVERITY_IMPACT[incident.severity],
    components: Object.fromEntries(plan.components.map((c) => [c.id, status])),
    names: Object.fromEntries(plan.components.map((c) => [c.id, c.name])),
    hold: rule.hold,
  };
}

/** What a page shows of the incident so far, as the workflow published it. */
export interface Shown {
  published: boolean;
  resolved: boolean;
  impact?: Impact;
  components?: Record<string, ComponentStatus>;
  /** When the shown status last changed (ms). */
  changedAt?: number;
}

export type PageAction =
  { kind: 'create'; publication: Publication } | { kind: 'update'; publication: Publication } | { kind: 'resolve' };

const sameShown = (shown: Shown, p: Publication) =>
  shown.impact === p.impact && JSON.stringify(shown.components) === JSON.stringify(p.components);

/**
 * The next thing to publish on one page, or when to look again. A change of status waits
 * out the page's quiet period after the last change, then shows the state as it is then:
 * a severity that flaps changes the page at most once per quiet period. Creation and
 * resolution never wait: customers hear at once that something broke and that it is over.
 */
export function nextAction(
  plan: PagePlan,
  shown: Shown,
  incident: IncidentFacts & { resolved: boolean },
  nowMs: number,
  minuteMs = 60_000,
): { action?: PageAction; waitUntil?: number } {
  if (incident.resolved) return shown.published && !shown.resolved ? { action: { kind: 'resolve' } } : {};
  if (shown.resolved) return {};
  const publication = publicationFor(plan, incident);
  if (!shown.published) return publication ? { action: { kind: 'create', publication } } : {};
  // A severity below every rule keeps what the page shows: it said something is wrong, and it still is.
  if (!publication || sameShown(shown, publication)) return {};
  const quietUntil = (shown.changedAt ?? 0) + plan.quietMinutes * minuteMs;
  if (nowMs < quietUntil) return { waitUntil: quietUntil };
  return { action: { kind: 'update', publication } };
}

/** The pages a service's incidents may publish on, with the components it affects on each. */
export function pagePlansFor(
  pages: readonly StatusPage[],
  componentsOf: (page: StatusPage) => Array<{ id: string; name: string }>,
): PagePlan[] {
  return pages
    .map((page) => ({
      pageId: page.id,
      pageName: page.name,
      quietMinutes: page.quietMinutes,
      components: componentsOf(page).map((c) => ({ id: c.id, name: c.name })),
      rules: page.rules,
    }))
    .filter((p) => p.components.length > 0 && p.rules.length > 0);
}
