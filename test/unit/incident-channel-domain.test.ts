import { describe, expect, it } from 'vitest';
import {
  announcementText,
  ANNOUNCEMENT_URGENCY,
  BridgeSchema,
  bridgeFor,
  channelEntryText,
  channelName,
  channelRule,
  channelTopic,
  channelWanted,
  FollowUpTargetSchema,
  githubIssueBody,
  jiraIssueBody,
  linearIssueCreate,
} from '../../domain/coordination';
import { ServiceSchema, TeamSchema } from '../../domain/config';
import { linkActionItem } from '../../domain/review/action-items';
import type { Review } from '../../domain/review/review';
import { plainText } from '../../activities/notify/format';
import { slackMessage } from '../../integrations/slack/channel';

describe('incident channel rule', () => {
  it.each([
    [1, 'SEV2', true],
    [2, 'SEV2', true],
    [3, 'SEV2', false],
    [3, 'SEV1', true],
    [4, 'SEV1', false],
  ] as const)('tier %i, %s: channel %s', (tier, severity, wanted) => {
    expect(channelWanted(channelRule({ tier }), severity)).toBe(wanted);
  });

  it('a service setting overrides the tier, [] never opens one', () => {
    expect(channelWanted(channelRule({ tier: 4, incidentChannel: { severities: ['SEV3'] } }), 'SEV3')).toBe(true);
    expect(channelWanted(channelRule({ tier: 1, incidentChannel: { severities: [] } }), 'SEV1')).toBe(false);
    expect(channelRule({ tier: 1 }).archiveAfterMinutes).toBe(1440);
    expect(channelRule({ tier: 1, incidentChannel: { archiveAfterMinutes: 30 } }).archiveAfterMinutes).toBe(30);
  });

  it('the service schema takes the settings and names a bad one', () => {
    const base = { id: 'checkout', name: 'Checkout', tier: 1, teamId: 'payments' };
    expect(ServiceSchema.safeParse({ ...base, incidentChannel: { severities: ['SEV1'] } }).success).toBe(true);
    const bad = ServiceSchema.safeParse({ ...base, incidentChannel: { severities: ['SEV9'] } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['incidentChannel', 'severities', 0]);
  });
});

describe('channel name', () => {
  it.each([
    [42, 'Error rate above 5% on Checkout', 'inc-42-error-rate-above-5-on-checkout'],
    [7, 'Café  down!!', 'inc-7-cafe-down'],
    [3, '!!!', 'inc-3'],
    [9, 'snake_case ok', 'inc-9-snake_case-ok'],
  ])('%i %j -> %s', (n, summary, name) => expect(channelName(n, summary)).toBe(name));

  it('is at most 80 characters, lowercase, never ending in "-"', () => {
    const name = channelName(123456, 'A '.repeat(100));
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[a-z0-9_-]+[a-z0-9_]$/);
  });
});

describe('topic, announcement, entries', () => {
  const s = { severity: 'SEV1' as const, status: 'acknowledged' as const, service: 'checkout', summary: 'Down' };
  it('topic has severity, status and who leads', () => {
    expect(channelTopic({ ...s, acknowledgedBy: 'alice' })).toBe(
      'SEV1 | acknowledged | acknowledged by alice | checkout: Down',
    );
    expect(channelTopic(s, 'bob')).toContain('commander: bob');
    const roles = [{ roleId: 'incident-commander', userId: 'jane', since: '2026-03-02T10:00:00Z', by: 'vigil' }];
    expect(channelTopic({ ...s, acknowledgedBy: 'alice', roles })).toBe(
      'SEV1 | acknowledged | commander: jane | checkout: Down',
    );
    expect(channelTopic({ ...s, summary: 'x'.repeat(400) }).length).toBe(250);
  });
  it('urgency follows seed 003', () => {
    expect(ANNOUNCEMENT_URGENCY).toEqual({ SEV1: 'channel', SEV2: 'here', SEV3: 'plain', SEV4: 'silent' });
    expect(announcementText('channel', 'x')).toBe('<!channel> x');
    expect(announcementText('here', 'x')).toBe('<!here> x');
    expect(announcementText('plain', 'x')).toBe('x');
  });
  it('any timeline kind posts generically', () => {
    expect(channelEntryText({ type: 'role_assigned' as never, message: 'commander: alice', by: 'bob' })).toBe(
      '*role assigned* (bob): commander: alice',
    );
    expect(
      channelEntryText({ type: 'resolved', message: 'Resolved by kim', by: 'kim', data: { note: 'rolled back' } }),
    ).toBe('*resolved* (kim): Resolved by kim (note: rolled back)');
  });
});

describe('bridge', () => {
  const incident = { number: 42, incidentId: 'incident-checkout-1', service: 'checkout' };
  it('type before service before team; templates render encoded values', () => {
    const team = { url: 'https://meet.example.com/team' };
    const service = { urlTemplate: 'https://meet.example.com/{service}/inc-{number}' };
    expect(bridgeFor({ team }, incident)?.url).toBe('https://meet.example.com/team');
    expect(bridgeFor({ team, service }, incident)?.url).toBe('https://meet.example.com/checkout/inc-42');
    expect(bridgeFor({ type: { url: 'https://zoom.example.com/sec' }, service, team }, incident)?.url).toBe(
      'https://zoom.example.com/sec',
    );
    expect(bridgeFor({}, incident)).toBeUndefined();
  });
  it('names a bad bridge', () => {
    expect(BridgeSchema.safeParse({ url: 'ftp://x' }).error?.issues[0]?.path).toEqual(['url']);
    expect(BridgeSchema.safeParse({}).error?.issues[0]?.message).toMatch(/exactly one/);
    const unknown = BridgeSchema.safeParse({ urlTemplate: 'https://x/{secret}' });
    expect(unknown.error?.issues[0]?.message).toMatch(/unknown placeholder \{secret\}/);
    expect(BridgeSchema.safeParse({ urlTemplate: '{service}' }).error?.issues[0]?.message).toMatch(/http/);
  });
});

describe('follow-up targets and request shapes', () => {
  const item = {
    id: 'A1',
    title: 'Add a circuit breaker',
    owner: 'alice',
    dueDate: '2026-12-24',
    incident: '#42 checkout: Down',
  };
  it('team.followUps parses each tracker and names a wrong one', () => {
    const team = { id: 'payments', name: 'Payments' };
    expect(TeamSchema.parse({ ...team, followUps: { tracker: 'jira', projectKey: 'OPS' } }).followUps).toEqual({
      tracker: 'jira',
      projectKey: 'OPS',
      issueType: 'Task',
    });
    expect(TeamSchema.safeParse({ ...team, followUps: { tracker: 'trello' } }).error?.issues[0]?.message).toMatch(
      /tracker must be one of: jira, linear, github, webhook/,
    );
    expect(FollowUpTargetSchema.safeParse({ tracker: 'github', repo: 'nope' }).error?.issues[0]?.path).toEqual([
      'repo',
    ]);
  });
  it('jira: fields with an ADF description', () => {
    const body = jiraIssueBody({ tracker: 'jira', projectKey: 'OPS', issueType: 'Task' }, item);
    expect(body.fields.project).toEqual({ key: 'OPS' });
    expect(body.fields.issuetype).toEqual({ name: 'Task' });
    expect(body.fields.description.type).toBe('doc');
    expect(body.fields.description.version).toBe(1);
    expect(body.fields.description.content[0]).toEqual({
      type: 'paragraph',
      content: [{ type: 'text', text: 'Action item A1 from the post-incident review of #42 checkout: Down.' }],
    });
  });
  it('linear: issueCreate with variables; github: title, body, labels', () => {
    const l = linearIssueCreate({ tracker: 'linear', teamId: 'team-1' }, item);
    expect(l.query).toMatch(/issueCreate\(input: \$input\) \{ success issue \{ id identifier url \} \}/);
    expect(l.variables.input).toMatchObject({ teamId: 'team-1', title: 'Add a circuit breaker' });
    expect(githubIssueBody({ tracker: 'github', repo: 'o/r', labels: ['incident'] }, item)).toMatchObject({
      title: 'Add a circuit breaker',
      labels: ['incident'],
    });
  });
  it('linkActionItem records once and refuses an unknown item', () => {
    const review = {
      actionItems: [{ id: 'A1', title: 't', owner: 'o', dueDate: '2026-12-24', status: 'open' }],
    } as unknown as Review;
    const first = linkActionItem(review, 'A1', { tracker: 'jira', key: 'OPS-1' });
    expect(first.ok && first.item?.external?.key).toBe('OPS-1');
    const again = first.ok ? linkActionItem(first.review, 'A1', { tracker: 'jira', key: 'OPS-2' }) : first;
    expect(again.ok && again.item?.external?.key).toBe('OPS-1');
    expect(linkActionItem(review, 'A9', { tracker: 'jira', key: 'x' })).toMatchObject({ ok: false });
  });
});

describe('bridge in every page', () => {
  it('plain text (email, fallbacks) and the Slack message carry the bridge link', () => {
    const n = {
      idempotencyKey: 'k',
      kind: 'page' as const,
      incidentId: 'incident-checkout-1',
      incidentNumber: 42,
      service: 'checkout',
      severity: 'SEV1' as const,
      status: 'triggered' as const,
      summary: 'Down',
      recipient: { userId: 'a', contactMethod: { id: 'm', type: 'email' as const, address: 'a@example.com' } },
      occurredAt: '2026-12-01T12:00:00Z',
      bridge: { url: 'https://meet.example.com/inc-42', title: 'Bridge call' },
    };
    expect(plainText(n)).toContain('Bridge call: https://meet.example.com/inc-42');
    expect(JSON.stringify(slackMessage(n))).toContain('<https://meet.example.com/inc-42|Bridge call>');
  });
});
