import { describe, expect, it } from 'vitest';
import {
  assignRole,
  atLeast,
  CommsTemplateSchema,
  IncidentTypeSchema,
  incidentView,
  neededRoles,
  pickTemplate,
  badCoordinationInput,
  refuseCoordination,
  releaseRole,
  renderTemplate,
  RoleSchema,
  rotationMembers,
  setType,
  stakeholdersHear,
  StakeholdersSchema,
  tierDefaults,
  unfilledRoles,
  type CoordinationPlan,
} from '../../domain/coordination';
import { openIncident } from '../../domain/incident/incident';
import { ScheduleSchema } from '../../domain/oncall';
import { buildReview, renderReviewMarkdown } from '../../domain/review';
import { roleHoldings } from '../../domain/review/roles';

const NOW = '2026-03-02T10:00:00.000Z';
const incident = (severity: 'SEV1' | 'SEV2' | 'SEV3' = 'SEV1') =>
  openIncident('inc-1', 'run-1', {
    source: 'test',
    dedupKey: 'k',
    service: 'auth',
    summary: 'Login fails',
    severity,
    details: {},
    receivedAt: '2026-03-02T09:00:00.000Z',
  });

const plan: CoordinationPlan = {
  types: [
    { id: 'outage', name: 'Outage', severityFloor: 'SEV2', requiredRoles: ['incident-commander'] },
    { id: 'security', name: 'Security', escalationPolicyId: 'security', requiredRoles: ['security-lead'] },
  ],
  roles: [
    {
      id: 'incident-commander',
      name: 'IC',
      rotationOnly: false,
      communications: false,
      assignOnSeverities: ['SEV1'],
      members: ['john'],
      onCall: ['john'],
    },
    {
      id: 'security-lead',
      name: 'Security lead',
      rotationOnly: true,
      communications: false,
      assignOnSeverities: [],
      members: ['charlie', 'diana'],
      onCall: ['charlie'],
    },
  ],
  reminderMinutes: 10,
};

describe('incident types and roles: schemas', () => {
  it('a type names its policy, floor, roles; a repeated role is refused', () => {
    expect(IncidentTypeSchema.parse({ id: 'security', name: 'Security', severityFloor: 'SEV2' })).toMatchObject({
      requiredRoles: [],
      templates: [],
    });
    const bad = IncidentTypeSchema.safeParse({ id: 'x', name: 'X', requiredRoles: ['a', 'a'] });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['requiredRoles', 1], message: 'duplicate role "a"' });
  });

  it('a role limited to its rotation needs one', () => {
    const bad = RoleSchema.safeParse({ id: 'r', name: 'R', rotationOnly: true });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['rotationOnly'] });
  });

  it("a rotation's members are both schedules' participants and overrides", () => {
    const schedule = (id: string, who: string[], override?: string) =>
      ScheduleSchema.parse({
        id,
        name: id,
        timeZone: 'UTC',
        layers: [{ id: 'l', start: '2026-01-05T09:00', rotation: { type: 'weekly' }, participants: who }],
        overrides: override ? [{ start: NOW, end: '2026-03-03T10:00:00Z', userId: override }] : [],
      });
    const role = RoleSchema.parse({
      id: 'r',
      name: 'R',
      rotation: { primaryScheduleId: 'a', secondaryScheduleId: 'b' },
    });
    const members = rotationMembers(role, [schedule('a', ['x', 'y']), schedule('b', ['y'], 'z'), schedule('c', ['q'])]);
    expect(members.sort()).toEqual(['x', 'y', 'z']);
  });
});

describe('roles on an incident', () => {
  it('needs its type roles and those of its severity', () => {
    expect(neededRoles(plan, 'SEV1', 'security')).toEqual(['security-lead', 'incident-commander']);
    expect(neededRoles(plan, 'SEV3', undefined)).toEqual([]);
    expect(neededRoles(plan, 'SEV3', 'unknown')).toEqual([]);
  });

  it.each([
    [{ roleId: 'scribe', userId: 'john' }, 'unknown role "scribe"; known: incident-commander, security-lead'],
    [{ roleId: 'incident-commander', userId: 'nobody' }, 'unknown user "nobody"'],
    [{ roleId: 'security-lead', userId: 'john' }, 'user "john" is not on the rotation of role "security-lead"'],
    [{ roleId: 'security-lead', userId: 'diana' }, undefined],
  ])('assign %o: %s', (cmd, reason) => {
    expect(badCoordinationInput({ by: 'u', ...cmd }, plan, ['john', 'charlie', 'diana'])).toBe(reason);
  });

  it('assigns, hands over and releases, each on the timeline; unfilled roles follow', () => {
    let s = setType(incident(), { by: 'alice', type: 'security' }, NOW);
    expect(s.incidentType).toBe('security');
    expect(unfilledRoles(s, plan)).toEqual(['security-lead', 'incident-commander']);
    s = assignRole(s, { by: 'alice', roleId: 'security-lead', userId: 'charlie' }, NOW);
    s = assignRole(s, { by: 'alice', roleId: 'security-lead', userId: 'diana' }, NOW);
    expect(s.roles).toEqual([{ roleId: 'security-lead', userId: 'diana', since: NOW, by: 'alice' }]);
    expect(s.timeline.at(-1)).toMatchObject({
      type: 'role_assigned',
      message: 'Role security-lead handed over charlie -> diana by alice',
      data: { from: 'charlie' },
    });
    expect(unfilledRoles(s, plan)).toEqual(['incident-commander']);
    expect(refuseCoordination(s, { by: 'a', roleId: 'security-lead', userId: 'diana' })).toBe(
      'diana already holds role "security-lead"',
    );
    s = releaseRole(s, { by: 'bob', roleId: 'security-lead' }, NOW);
    expect(s.roles).toEqual([]);
    expect(refuseCoordination(s, { by: 'bob', roleId: 'security-lead' })).toBe('nobody holds role "security-lead"');
  });

  it('refuses an unknown type, naming the known ones, and the same type again', () => {
    expect(badCoordinationInput({ by: 'u', type: 'legal' }, plan, [])).toBe(
      'unknown incident type "legal"; known: outage, security',
    );
    const s = setType(incident(), { by: 'u', type: 'outage' }, NOW);
    expect(refuseCoordination(s, { by: 'u', type: 'outage' })).toBe('incident type is already "outage"');
    expect(refuseCoordination({ ...s, status: 'resolved', resolvedBy: 'x' }, { by: 'u', type: 'security' })).toBe(
      'incident is already resolved (by x)',
    );
    expect(setType(s, { by: 'v', type: 'security' }, NOW, '; paged by policy security').timeline.at(-1)?.message).toBe(
      'Type changed outage -> security by v; paged by policy security',
    );
  });
});

describe('tiers and stakeholders', () => {
  it.each([
    ['SEV4', [1], 'SEV2'],
    ['SEV4', [2], 'SEV3'],
    ['SEV4', [3], 'SEV4'],
    ['SEV1', [1], 'SEV1'],
  ] as const)('%s on a tier %s service is at least %s', (severity, [tier], expected) => {
    expect(atLeast(severity, tierDefaults(tier).severityFloor)).toBe(expected);
  });

  it('the most severe floor wins', () => expect(atLeast('SEV4', 'SEV3', undefined, 'SEV2')).toBe('SEV2'));

  it("stakeholders hear their tier's severities unless the service lists its own", () => {
    expect(stakeholdersHear({ tier: 1 }, 'SEV3')).toBe(true);
    expect(stakeholdersHear({ tier: 3 }, 'SEV2')).toBe(false);
    expect(stakeholdersHear({ tier: 4, stakeholders: { severities: ['SEV2'] } }, 'SEV2')).toBe(true);
    expect(StakeholdersSchema.safeParse({ slackChannels: ['#general'] }).error?.issues[0]?.path).toEqual([
      'slackChannels',
      0,
    ]);
  });
});

describe('communication templates', () => {
  const template = (over: Record<string, unknown>) =>
    CommsTemplateSchema.parse({ id: 't', kind: 'initial', audience: 'internal', body: 'x', ...over });

  it('refuses broken Mustache and partials, naming the field', () => {
    const broken = CommsTemplateSchema.safeParse({ id: 't', kind: 'update', audience: 'internal', body: '{{#a}}' });
    expect(broken.error?.issues[0]).toMatchObject({ path: ['body'] });
    expect(broken.error?.issues[0]?.message).toMatch(/not a valid Mustache template: Unclosed section "a"/);
    const partial = CommsTemplateSchema.safeParse({ id: 't', kind: 'update', audience: 'internal', body: '{{> x}}' });
    expect(partial.error?.issues[0]?.message).toBe('partials ({{> name}}) are not supported');
    const kind = CommsTemplateSchema.safeParse({ id: 't', kind: 'final', audience: 'internal', body: 'x' });
    expect(kind.error?.issues[0]?.message).toBe('kind must be one of: initial, update, resolution');
  });

  it("renders seed 004's initial alert from the incident, without HTML escaping", () => {
    const s = assignRole(incident(), { by: 'vigil', roleId: 'incident-commander', userId: 'john-doe' }, NOW);
    const view = incidentView(
      { ...s, number: 42, summary: 'API <completely> down' },
      { now: NOW, tier: 1, updateEveryMinutes: 15, names: { 'john-doe': 'John Doe' } },
    );
    const body = [
      '🚨 INCIDENT ALERT - {{severityLabel}}',
      'Title: {{summary}}',
      'Updates: Will update every {{updateEveryMinutes}} minutes',
      'Incident Commander: {{holder.incident-commander}}',
      'Next: {{nextUpdateAt}}; {{#roles}}{{role}}={{user}} {{/roles}}',
    ].join('\n');
    expect(renderTemplate(template({ body, subject: '#{{number}} {{duration}}' }), view)).toEqual({
      subject: '#42 1 h 00 min',
      body: [
        '🚨 INCIDENT ALERT - P0',
        'Title: API <completely> down',
        'Updates: Will update every 15 minutes',
        'Incident Commander: John Doe',
        'Next: 2026-03-02T10:15:00.000Z; incident-commander=John Doe ',
      ].join('\n'),
    });
  });

  it("picks the type's template first, then a general one, by kind, audience and severity", () => {
    const all = [
      template({ id: 'security-initial' }),
      template({ id: 'general-initial' }),
      template({ id: 'sev1-customers', audience: 'customers', severities: ['SEV1'] }),
    ];
    const named = new Set(['security-initial']);
    const want = { kind: 'initial', audience: 'internal', severity: 'SEV2' } as const;
    expect(pickTemplate(all, { ...want, preferred: ['security-initial'] }, named)?.id).toBe('security-initial');
    expect(pickTemplate(all, want, named)?.id).toBe('general-initial');
    expect(pickTemplate(all, { ...want, audience: 'customers' }, named)).toBeUndefined();
    expect(pickTemplate(all, { ...want, audience: 'customers', severity: 'SEV1' }, named)?.id).toBe('sev1-customers');
  });
});

describe('roles in the review', () => {
  it('lists each holding from the timeline, a hand-over ending one and starting the next', () => {
    let s = assignRole(incident(), { by: 'vigil', roleId: 'incident-commander', userId: 'john' }, NOW);
    s = assignRole(s, { by: 'jane', roleId: 'incident-commander', userId: 'jane' }, '2026-03-02T10:05:00.000Z');
    s = releaseRole(s, { by: 'jane', roleId: 'incident-commander' }, '2026-03-02T10:09:00.000Z');
    expect(roleHoldings(s.timeline)).toEqual([
      { roleId: 'incident-commander', userId: 'john', from: NOW, until: '2026-03-02T10:05:00.000Z', by: 'vigil' },
      {
        roleId: 'incident-commander',
        userId: 'jane',
        from: '2026-03-02T10:05:00.000Z',
        until: '2026-03-02T10:09:00.000Z',
        by: 'jane',
      },
    ]);
    const resolved = { ...s, status: 'resolved' as const, resolvedAt: '2026-03-02T10:30:00.000Z', resolvedBy: 'jane' };
    const review = buildReview({ ...resolved, incidentType: 'outage' });
    expect(review.roles).toHaveLength(2);
    expect(renderReviewMarkdown(review)).toContain('## Roles\n\nIncident type: outage\n');
  });
});
