/**
 * Stakeholder messages (pure): which message is owed, who hears it by tier and severity,
 * the template picked and rendered, one key per message and recipient, the timeline entry;
 * and what the email and Slack channels send for it (Slack against a local Web API).
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  composeStakeholderMessage,
  dueStakeholderMessage,
  stakeholderNotification,
  stakeholdersEntry,
  type CommsTemplate,
  type ComposeSources,
} from '../../domain/coordination';
import { openIncident, type IncidentState, type TimelineEvent } from '../../domain/incident/incident';
import { stakeholderMessage } from '../../activities/coordination';
import { emailContent } from '../../activities/notify/email';
import { createSlackChannel } from '../../integrations/slack/channel';
import type { ConfigSnapshot } from '../../lib/models/config';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';

const NOW = '2026-03-02T10:00:00.000Z';
const incident = (severity: IncidentState['severity'] = 'SEV2'): IncidentState => ({
  ...openIncident('inc-1', 'run-1', {
    source: 'test',
    dedupKey: 'k',
    service: 'auth',
    summary: 'Login fails',
    severity,
    details: {},
    receivedAt: '2026-03-02T09:00:00.000Z',
  }),
  number: 7,
});
const entry = (type: TimelineEvent['type'], data: Record<string, unknown>): TimelineEvent => ({
  at: NOW,
  type,
  message: type,
  data,
});
const withEntries = (s: IncidentState, ...entries: TimelineEvent[]): IncidentState => ({
  ...s,
  timeline: [...s.timeline, ...entries],
});

describe('the message owed to the stakeholders', () => {
  it('initial first, then the latest cadence tick once, the resolution only after an initial', () => {
    const s = incident();
    expect(dueStakeholderMessage(s)).toEqual({ kind: 'initial', key: 'initial' });
    expect(dueStakeholderMessage(s, new Set(['initial']))).toBeUndefined();
    expect(dueStakeholderMessage({ ...s, status: 'resolved' })).toBeUndefined();
    const told = withEntries(s, entry('stakeholders_notified', { message: 'initial' }));
    expect(dueStakeholderMessage(told)).toBeUndefined();
    const ticked = withEntries(
      told,
      entry('status_update_due', { count: 1 }),
      entry('status_update_due', { count: 2 }),
    );
    expect(dueStakeholderMessage(ticked)).toEqual({ kind: 'update', key: 'update-2' });
    const updated = withEntries(ticked, entry('stakeholders_notified', { message: 'update-2' }));
    expect(dueStakeholderMessage(updated)).toBeUndefined();
    expect(dueStakeholderMessage({ ...updated, status: 'resolved' })).toEqual({
      kind: 'resolution',
      key: 'resolution',
    });
    const done = withEntries(
      { ...updated, status: 'resolved' },
      entry('stakeholders_notified', { message: 'resolution' }),
    );
    expect(dueStakeholderMessage(done)).toBeUndefined();
  });
});

const template = (over: Partial<CommsTemplate> & Pick<CommsTemplate, 'id'>): CommsTemplate => ({
  kind: 'initial',
  audience: 'stakeholders',
  body: '#{{number}} {{serviceName}} ({{severityLabel}}): {{summary}} {{incidentLink}}',
  ...over,
});
const sources = (over: Partial<ComposeSources> = {}): ComposeSources => ({
  service: { name: 'Auth', tier: 2, stakeholders: { emails: ['cto@example.com'], slackChannels: ['C0EXEC001'] } },
  templates: [
    template({ id: 'internal', audience: 'internal' }),
    template({ id: 'general', subject: '[{{severityLabel}}] {{serviceName}}' }),
    template({ id: 'security-only', body: 'security: {{summary}}' }),
  ],
  types: [{ id: 'security', templates: ['security-only'] }],
  ...over,
});
const ctx = { now: NOW, links: { incident: 'https://vigil.example.com/incidents/inc-1' } };

describe('composing the stakeholders message', () => {
  it('renders the general stakeholders template of the kind for every listed address', () => {
    expect(composeStakeholderMessage(sources(), incident('SEV2'), 'initial', ctx)).toEqual({
      heard: true,
      templateId: 'general',
      subject: '[P1] Auth',
      body: '#7 Auth (P1): Login fails https://vigil.example.com/incidents/inc-1',
      recipients: [
        { type: 'email', address: 'cto@example.com' },
        { type: 'slack', address: 'C0EXEC001' },
      ],
    });
  });

  it('prefers the template the incident type names', () => {
    const m = composeStakeholderMessage(sources(), { ...incident(), incidentType: 'security' }, 'initial', ctx);
    expect(m).toMatchObject({ heard: true, templateId: 'security-only', body: 'security: Login fails' });
  });

  it('hears by the tier (tier 2: SEV1-SEV2) or the service own severities; says why not', () => {
    expect(composeStakeholderMessage(sources(), incident('SEV3'), 'initial', ctx)).toEqual({
      heard: false,
      why: 'the stakeholders do not hear of SEV3 (tier 2)',
    });
    const own = sources({
      service: { tier: 2, stakeholders: { emails: ['a@example.com'], slackChannels: [], severities: ['SEV3'] } },
    });
    expect(composeStakeholderMessage(own, incident('SEV3'), 'initial', ctx).heard).toBe(true);
    expect(composeStakeholderMessage(own, incident('SEV2'), 'initial', ctx).heard).toBe(false);
    // Once told, the update and resolution follow whatever the severity.
    expect(composeStakeholderMessage(sources(), incident('SEV4'), 'initial', ctx).heard).toBe(false);
    const resolution = sources({ templates: [template({ id: 'bye', kind: 'resolution', body: 'resolved' })] });
    expect(composeStakeholderMessage(resolution, incident('SEV4'), 'resolution', ctx)).toMatchObject({ heard: true });
  });

  it('nobody hears without lists or without a template of the kind', () => {
    const none = sources({ service: { tier: 1 } });
    expect(composeStakeholderMessage(none, incident(), 'initial', ctx)).toEqual({
      heard: false,
      why: 'the service lists no stakeholders',
    });
    expect(composeStakeholderMessage(sources(), incident(), 'update', ctx)).toEqual({
      heard: false,
      why: 'no update template for the stakeholders at SEV2',
    });
  });

  it('the activity reads names, cadence and the public URL from configuration', () => {
    const snap = {
      services: [
        { id: 'auth', name: 'Auth', tier: 1, stakeholders: { emails: ['cto@example.com'], slackChannels: [] } },
      ],
      templates: [template({ id: 'u', kind: 'update', body: '{{updateEveryMinutes}} {{holder.ic}} {{reviewLink}}' })],
      incidentTypes: [],
      users: [{ id: 'ann', name: 'Ann Lee' }],
    } as unknown as ConfigSnapshot;
    const state = { ...incident('SEV1'), roles: [{ roleId: 'ic', userId: 'ann', since: NOW, by: 'vigil' }] };
    const m = stakeholderMessage(snap, { state, kind: 'update' }, new Date(NOW), 'https://vigil.example.com');
    expect(m).toMatchObject({ heard: true, body: '15 Ann Lee https://vigil.example.com/incidents/inc-1#review' });
  });
});

describe('one notification per message and recipient', () => {
  const text = { workflowId: 'inc-1', key: 'update-2', subject: 'S', body: 'B', occurredAt: NOW };

  it('keys by incident run, message and recipient, and carries the text', () => {
    const n = stakeholderNotification(incident(), text, { type: 'email', address: 'cto@example.com' });
    expect(n.idempotencyKey).toBe('inc-1:run-1:update:stakeholders:email%3Acto%40example.com:#update-2');
    expect(n.comms).toEqual({ subject: 'S', body: 'B' });
    expect(n.recipient.contactMethod).toEqual({
      id: 'email:cto@example.com',
      type: 'email',
      address: 'cto@example.com',
    });
    const other = stakeholderNotification(
      incident(),
      { ...text, key: 'resolution' },
      { type: 'email', address: 'cto@example.com' },
    );
    expect(other.idempotencyKey).not.toBe(n.idempotencyKey);
  });

  it('the timeline entry names who was told and who could not be', () => {
    const due = { kind: 'update' as const, key: 'update-2' };
    const ok = { to: { type: 'email' as const, address: 'cto@example.com' } };
    const bad = { to: { type: 'slack' as const, address: 'C0EXEC001' }, error: 'channel_not_found' };
    expect(stakeholdersEntry(NOW, due, 'u', [ok, bad]).message).toBe(
      'Stakeholders notified: update message (template u) to cto@example.com; could not reach C0EXEC001: channel_not_found',
    );
    const failed = stakeholdersEntry(NOW, due, 'u', [bad]);
    expect(failed.message).toBe(
      'Could not notify stakeholders of the update message (template u): C0EXEC001: channel_not_found',
    );
    expect(failed.data).toMatchObject({ message: 'update-2', reached: [], failed: [{ address: 'C0EXEC001' }] });
  });

  it('email sends the rendered text as written (escaped in HTML)', () => {
    const n = stakeholderNotification(incident(), { ...text, body: 'Down <now>' }, { type: 'email', address: 'x@y.z' });
    expect(emailContent(n)).toEqual({
      subject: 'S',
      text: 'Down <now>',
      html: expect.stringContaining('Down &lt;now&gt;'),
    });
    const { subject } = emailContent({ ...n, comms: { body: 'b' } });
    expect(subject).toBe('[SEV2] #7 auth: Login fails');
  });
});

describe('Slack stakeholder channels (bot token)', () => {
  let rx: HttpReceiver;
  beforeEach(async () => {
    rx = await startHttpReceiver();
  });
  afterEach(async () => {
    await rx.close();
  });
  const log = pino({ level: 'silent' });
  const text = { workflowId: 'inc-1', key: 'initial', subject: 'Auth down', body: 'Logins <fail>', occurredAt: NOW };

  it('posts the text to the channel, without buttons, with the key in metadata', async () => {
    rx.script([{ status: 200, body: { ok: true, ts: '1.2', channel: 'C0EXEC001' } }]);
    const slack = createSlackChannel({ botToken: 'xoxb-x', apiUrl: `${rx.base}/api`, log });
    const n = stakeholderNotification(incident(), text, { type: 'slack', address: 'C0EXEC001' });
    const receipt = await slack.send(n, {});
    expect(receipt.messageRef).toBeUndefined();
    const body = JSON.parse(rx.received[0]?.body ?? '{}');
    expect(rx.received[0]?.path).toBe('/api/chat.postMessage');
    expect(body).toMatchObject({ channel: 'C0EXEC001', text: '*Auth down*\nLogins &lt;fail&gt;', unfurl_links: false });
    expect(body.attachments).toBeUndefined();
    expect(body.metadata.event_payload.idempotency_key).toBe(n.idempotencyKey);
  });

  it('refuses a user id or a webhook-only deployment without calling Slack', async () => {
    const bot = createSlackChannel({ botToken: 'xoxb-x', apiUrl: `${rx.base}/api`, log });
    const user = stakeholderNotification(incident(), text, { type: 'slack', address: 'U0PERSON1' });
    await expect(bot.send(user, {})).rejects.toMatchObject({ type: 'NotificationRejected' });
    const hook = createSlackChannel({ webhookUrl: `${rx.base}/hook`, log });
    const n = stakeholderNotification(incident(), text, { type: 'slack', address: 'C0EXEC001' });
    await expect(hook.send(n, {})).rejects.toMatchObject({ message: expect.stringContaining('VIGIL_SLACK_BOT_TOKEN') });
    expect(rx.received).toHaveLength(0);
  });
});
