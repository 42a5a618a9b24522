/**
 * The bridge wherever an incident is shown: the respond-link page, the console's incident
 * page (both from configuration as it is now), the SMS text (its URL alone, kept whole or
 * left out) and the Teams card (a fact and a button).
 */
import { describe, expect, it } from 'vitest';
import { configuredBridge } from '../../domain/coordination/bridge';
import { openIncident, type IncidentState } from '../../domain/incident/incident';
import type { Notification } from '../../domain/incident/notification';
import { incidentPage } from '../../integrations/respond/page';
import { bridgeOnPage } from '../../integrations/respond/bridge';
import { IncidentPage } from '../../console/views/incident';
import { smsBody } from '../../activities/notify/sms';
import { teamsCard } from '../../activities/notify/teams';

const BRIDGE = { url: 'https://meet.example.com/inc-42?pwd=a&b', title: 'Bridge call' };
const state = (): IncidentState => ({
  ...openIncident('inc-1', 'run-1', {
    source: 'test',
    dedupKey: 'k',
    service: 'auth',
    summary: 'Login fails',
    severity: 'SEV1',
    details: {},
    receivedAt: '2026-03-02T09:00:00.000Z',
  }),
  number: 42,
});
const config = {
  services: [{ id: 'auth', teamId: 'platform' }],
  teams: [{ id: 'platform', bridge: { urlTemplate: 'https://meet.example.com/inc-{number}' } }],
  incidentTypes: [{ id: 'security', bridge: { url: 'https://zoom.example.com/sec', title: 'Security bridge' } }],
};

describe('the bridge on the pages that show an incident', () => {
  it('is the configured one now: the type first, else the team (via the service)', async () => {
    expect(configuredBridge(config, state())).toEqual({ url: 'https://meet.example.com/inc-42', title: 'Bridge call' });
    expect(configuredBridge(config, { ...state(), incidentType: 'security' })?.title).toBe('Security bridge');
    expect(configuredBridge(config, { ...state(), service: 'unknown' })).toBeUndefined();
    const byKind = { service: config.services, team: config.teams, incidentType: config.incidentTypes };
    const listed = { list: async (kind: keyof typeof byKind) => byKind[kind].map((data) => ({ data })) };
    expect(await bridgeOnPage(listed as never, state())).toEqual(configuredBridge(config, state()));
    const failing = { list: async () => Promise.reject(new Error('mongo down')) };
    expect(await bridgeOnPage(failing as never, state())).toBeUndefined();
  });

  it('the respond page links it, escaped', () => {
    const html = incidentPage({ state: state(), actingAs: 'ann', bridge: BRIDGE });
    expect(html).toContain(
      '<a href="https://meet.example.com/inc-42?pwd=a&amp;b" rel="noopener noreferrer">Bridge call</a>',
    );
    expect(incidentPage({ state: state(), actingAs: 'ann' })).not.toContain('Bridge');
  });

  it('the console incident page shows it among the facts', () => {
    const view = {
      state: state(),
      live: true,
      bridge: BRIDGE,
      escalation: { text: 'Level 1' },
      sla: [],
      runs: [],
      names: new Map<string, string>(),
      users: [],
      policies: [],
      now: Date.parse('2026-03-02T09:05:00.000Z'),
    };
    const html = IncidentPage({ title: '#42', view }).toString();
    expect(html).toContain('<dt>Bridge</dt>');
    expect(html).toContain('href="https://meet.example.com/inc-42?pwd=a&amp;b"');
  });
});

const page = (over: Partial<Notification> = {}): Notification => ({
  idempotencyKey: 'k',
  kind: 'page',
  incidentId: 'inc-1',
  incidentNumber: 42,
  service: 'auth',
  severity: 'SEV1',
  status: 'triggered',
  summary: 'Login fails',
  recipient: { userId: 'ann', contactMethod: { id: 'sms', type: 'sms', address: '+15550001111' } },
  occurredAt: '2026-03-02T09:00:00.000Z',
  links: { incident: 'https://vigil.example.com/r/abc' },
  bridge: BRIDGE,
  ...over,
});

describe('the bridge in pages', () => {
  it('SMS: the bridge URL after the incident link, whole or left out', () => {
    expect(smsBody(page()).split('\n').slice(-2)).toEqual(['https://vigil.example.com/r/abc', BRIDGE.url]);
    const long = { url: `https://meet.example.com/${'x'.repeat(260)}`, title: 'Bridge call' };
    const body = smsBody(page({ bridge: long }));
    expect(body).not.toContain('meet.example.com');
    expect(body).toContain('https://vigil.example.com/r/abc');
    expect(body.length).toBeLessThanOrEqual(300);
    expect(smsBody(page({ links: {} })).endsWith(`\n${BRIDGE.url}`)).toBe(true);
  });

  it('Teams: a fact and a button to join', () => {
    const card = teamsCard(page()) as { sections: Array<{ facts: unknown[] }>; potentialAction: unknown[] };
    expect(card.sections[0]?.facts).toContainEqual({ name: 'Bridge call', value: BRIDGE.url });
    expect(card.potentialAction.at(-1)).toEqual({
      '@type': 'OpenUri',
      name: 'Bridge call',
      targets: [{ os: 'default', uri: BRIDGE.url }],
    });
    expect((teamsCard(page({ links: {} })) as typeof card).potentialAction).toHaveLength(1);
  });
});
