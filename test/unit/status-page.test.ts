/** The status page's pure side: publication rules, flap coalescing, the indicator, history and maintenances. */
import { describe, expect, it } from 'vitest';
import {
  buildPageView,
  componentsForService,
  historyBars,
  nextAction,
  overallStatus,
  publicationFor,
  shownStatus,
  StatusPageSchema,
  type PagePlan,
} from '../../domain/status-page';
import { PAGE, PAGE_INPUT, SERVICES, incident } from './status-page-fixtures';

const PLAN: PagePlan = {
  pageId: 'public',
  pageName: 'Acme Status',
  quietMinutes: 10,
  components: [{ id: 'api', name: 'API' }],
  rules: PAGE.rules,
};
const facts = { summary: 'Disk full on db-1', service: 'api-gateway', tier: 1 } as const;
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('status page configuration', () => {
  it('names the field of a bad status, an unknown component and a duplicate id', () => {
    const duplicate = StatusPageSchema.safeParse({
      ...PAGE_INPUT,
      components: [...PAGE_INPUT.components, { id: 'api', name: 'Again' }],
    });
    expect(duplicate.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'components.3.id: duplicate component id "api"',
    ]);
    const bad = StatusPageSchema.safeParse({
      ...PAGE_INPUT,
      rules: [{ severities: ['SEV1'], componentStatus: { SEV1: 'down' } }],
    });
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'rules.0.componentStatus.SEV1: must be one of: operational, degraded_performance, partial_outage, major_outage, under_maintenance',
    ]);
    const unknown = StatusPageSchema.safeParse({
      ...PAGE_INPUT,
      maintenances: [
        { id: 'm', name: 'M', components: ['nope'], start: '2026-05-10T02:00:00Z', end: '2026-05-10T04:00:00Z' },
      ],
    });
    expect(unknown.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'maintenances.0.components.0: unknown component "nope"',
    ]);
  });

  it("links services to components by the component list or the service's statusPageComponent", () => {
    expect(componentsForService(PAGE, SERVICES[0]!).map((c) => c.id)).toEqual(['api']);
    expect(componentsForService(PAGE, SERVICES[1]!).map((c) => c.id)).toEqual(['web']);
    expect(componentsForService(PAGE, { id: 'other', tier: 1 })).toEqual([]);
  });
});

describe('publication rules', () => {
  it.each([
    ['SEV1', 1, 'major_outage', 'critical'],
    ['SEV2', 2, 'partial_outage', 'major'],
    ['SEV3', 1, undefined, undefined],
    ['SEV1', 3, undefined, undefined],
  ] as const)('%s on tier %i shows %s', (severity, tier, status, impact) => {
    const p = publicationFor(PLAN, { ...facts, severity, tier });
    expect(p?.components).toEqual(status ? { api: status } : undefined);
    expect(p?.impact).toBe(impact);
  });

  it('writes the title and first message from the rule templates, internal text only where asked', () => {
    const plain = publicationFor(PLAN, { ...facts, severity: 'SEV1' });
    expect(plain?.title).toBe('Service disruption: API');
    expect(plain?.body).not.toContain('db-1');
    const own = publicationFor(
      {
        ...PLAN,
        rules: [{ severities: ['SEV1'], hold: true, title: '{{service}} down', template: '{{summary}} ({{oops}})' }],
      },
      { ...facts, serviceName: 'API gateway', severity: 'SEV1' },
    );
    expect(own).toMatchObject({ title: 'API gateway down', body: 'Disk full on db-1 ({{oops}})', hold: true });
  });
});

describe('next action (the workflow side of flapping)', () => {
  const open = { ...facts, severity: 'SEV2' as const, resolved: false };
  const shown = {
    published: true,
    resolved: false,
    impact: 'major' as const,
    components: { api: 'partial_outage' as const },
    changedAt: 0,
  };

  it('creates at once, and never for a non-matching incident', () => {
    expect(nextAction(PLAN, { published: false, resolved: false }, open, 0).action?.kind).toBe('create');
    expect(nextAction(PLAN, { published: false, resolved: false }, { ...open, severity: 'SEV3' }, 0)).toEqual({});
  });

  it('waits out the quiet period before a change of status, then shows the state of that moment', () => {
    const worse = { ...open, severity: 'SEV1' as const };
    expect(nextAction(PLAN, shown, worse, 3 * MIN)).toEqual({ waitUntil: 10 * MIN });
    expect(nextAction(PLAN, shown, worse, 10 * MIN).action?.kind).toBe('update');
    expect(nextAction(PLAN, shown, open, 10 * MIN)).toEqual({}); // flapped back: nothing to say
  });

  it('resolves at once, once', () => {
    expect(nextAction(PLAN, shown, { ...open, resolved: true }, MIN).action).toEqual({ kind: 'resolve' });
    expect(nextAction(PLAN, { ...shown, resolved: true }, { ...open, resolved: true }, MIN)).toEqual({});
    expect(nextAction(PLAN, { published: false, resolved: false }, { ...open, resolved: true }, MIN)).toEqual({});
  });
});

describe('component status over time', () => {
  it('changes at most once per quiet period when incidents flap', () => {
    const flaps = [0, 4, 8, 12].map((m) => ({ from: m * MIN, to: (m + 2) * MIN, status: 'major_outage' as const }));
    expect(shownStatus(flaps, 10 * MIN, 1 * MIN)).toBe('major_outage'); // the first change shows at once
    expect(shownStatus(flaps, 10 * MIN, 3 * MIN)).toBe('major_outage'); // recovered at 2: held until 10
    expect(shownStatus(flaps, 10 * MIN, 9 * MIN)).toBe('major_outage');
    expect(shownStatus(flaps, 10 * MIN, 10 * MIN)).toBe('operational'); // up at 10: shows
    expect(shownStatus(flaps, 10 * MIN, 13 * MIN)).toBe('operational'); // down at 12: held until 20, up by then
    expect(shownStatus(flaps, 10 * MIN, 25 * MIN)).toBe('operational');
    const stays = [...flaps, { from: 16 * MIN, to: Infinity, status: 'partial_outage' as const }];
    expect(shownStatus(stays, 10 * MIN, 19 * MIN)).toBe('operational');
    expect(shownStatus(stays, 10 * MIN, 20 * MIN)).toBe('partial_outage'); // still down after the quiet period
    expect(shownStatus(flaps, 0, 3 * MIN)).toBe('operational'); // no quiet period: raw status
  });

  it('shows the worst of overlapping incidents, and maintenance below any outage', () => {
    const spans = [
      { from: 0, to: Infinity, status: 'under_maintenance' as const },
      { from: MIN, to: Infinity, status: 'degraded_performance' as const },
    ];
    expect(shownStatus(spans, 0, 2 * MIN)).toBe('degraded_performance');
  });

  it('draws 90 days of bars in the page zone, each day its worst status', () => {
    const now = at('2026-05-01T12:00:00Z');
    const bars = historyBars(
      [
        { from: at('2026-04-30T23:30:00Z'), to: at('2026-05-01T00:30:00Z'), status: 'partial_outage' },
        { from: at('2026-05-01T01:00:00Z'), to: at('2026-05-01T02:00:00Z'), status: 'degraded_performance' },
      ],
      now,
      'Etc/UTC',
      90,
    );
    expect(bars).toHaveLength(90);
    expect(bars.at(-1)).toEqual({ day: '2026-05-01', status: 'partial_outage' });
    expect(bars.at(-2)).toEqual({ day: '2026-04-30', status: 'partial_outage' });
    expect(bars.at(-3)?.status).toBe('operational');
    expect(historyBars([], now, 'America/New_York', 90).at(-1)?.day).toBe('2026-05-01');
  });
});

describe('overall indicator', () => {
  it.each([
    [['operational'], [], 'none', 'All Systems Operational'],
    [['operational', 'under_maintenance'], [], 'none', 'Service Under Maintenance'],
    [['degraded_performance'], [], 'minor', 'Minor Service Outage'],
    [['operational'], ['major'], 'major', 'Partial System Outage'],
    [['partial_outage', 'major_outage'], ['minor'], 'critical', 'Major Service Outage'],
  ] as const)('%j with impacts %j is %s', (components, impacts, indicator, description) => {
    expect(overallStatus(components, impacts)).toEqual({ indicator, description });
  });
});

describe('page view', () => {
  const base = {
    page: PAGE,
    services: SERVICES,
    url: 'https://status.example.com',
    configuredAt: '2026-04-01T00:00:00.000Z',
  };

  it('keeps held incidents out and lists the newest first', () => {
    const v = buildPageView({
      ...base,
      nowMs: at('2026-05-01T12:00:00Z'),
      incidents: [
        incident({ id: 'a', createdAt: '2026-05-01T09:00:00.000Z' }),
        incident({ id: 'b', createdAt: '2026-05-01T11:00:00.000Z', components: { web: 'major_outage' } }),
        incident({
          id: 'h',
          createdAt: '2026-05-01T11:30:00.000Z',
          held: true,
          components: { billing: 'major_outage' },
        }),
      ],
    });
    expect(v.incidents.map((i) => i.id)).toEqual(['b', 'a']);
    expect(v.components.map((c) => [c.id, c.status])).toEqual([
      ['api', 'partial_outage'],
      ['web', 'major_outage'],
      ['billing', 'operational'],
    ]);
    expect(v.indicator).toBe('critical');
    expect(v.updatedAt).toBe('2026-05-01T11:00:00.000Z');
  });

  it("announces its own maintenances and its services' windows, with their status by time", () => {
    const v = buildPageView({ ...base, nowMs: at('2026-05-01T10:30:00Z'), incidents: [] });
    expect(v.maintenances.map((m) => [m.id, m.components, m.status])).toEqual([
      [`storefront-${at('2026-05-01T10:00:00Z').toString(36)}`, ['web'], 'in_progress'],
      ['db-upgrade', ['billing'], 'scheduled'],
    ]);
    expect(v.components.find((c) => c.id === 'web')?.status).toBe('under_maintenance');
    expect(v.description).toBe('Service Under Maintenance');
  });
});
