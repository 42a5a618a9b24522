/**
 * The incident type's bridge: validated with the type, loaded into the service plan with
 * the service's and team's, and chosen first for an incident of that type; and the role
 * holders among the people invited to the incident channel.
 */
import { describe, expect, it } from 'vitest';
import { incidentBridge, IncidentTypeSchema, type PlanBridges } from '../../domain/coordination';
import { openIncident, type IncidentState } from '../../domain/incident/incident';
import { channelAndBridges } from '../../activities/oncall';
import { channelSyncInput } from '../../workflows/incident/incident-channel';
import type { ConfigSnapshot } from '../../lib/models/config';

const incident = (over: Partial<IncidentState> = {}): IncidentState => ({
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
  ...over,
});

describe('incident type bridge', () => {
  it('validates the type bridge like any other, naming the field', () => {
    const ok = IncidentTypeSchema.safeParse({
      id: 'security',
      name: 'Security Incident',
      bridge: { urlTemplate: 'https://meet.example.com/sec-{number}', title: 'Security bridge' },
    });
    expect(ok.success).toBe(true);
    const bad = IncidentTypeSchema.safeParse({ id: 'security', name: 'S', bridge: { urlTemplate: 'https://x/{who}' } });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['bridge', 'urlTemplate'] });
    expect(bad.error?.issues[0]?.message).toContain('unknown placeholder {who}');
  });

  it('the plan carries the types that name a bridge, beside the service and team', () => {
    const snap = {
      teams: [{ id: 'platform', bridge: { url: 'https://meet.example.com/team' } }],
      incidentTypes: [
        { id: 'security', bridge: { url: 'https://meet.example.com/sec' } },
        { id: 'outage', templates: [] },
      ],
    } as unknown as ConfigSnapshot;
    const service = { id: 'auth', teamId: 'platform', tier: 1 } as Parameters<typeof channelAndBridges>[0];
    expect(channelAndBridges(service, snap).bridges).toEqual({
      team: { url: 'https://meet.example.com/team' },
      types: { security: { url: 'https://meet.example.com/sec' } },
    });
    const none = { ...snap, teams: [], incidentTypes: [] } as unknown as ConfigSnapshot;
    expect(channelAndBridges(service, none).bridges).toBeUndefined();
  });

  it('type before service before team, by the incident type now', () => {
    const bridges: PlanBridges = {
      service: { urlTemplate: 'https://meet.example.com/{service}-{number}' },
      team: { url: 'https://meet.example.com/team' },
      types: { security: { url: 'https://zoom.example.com/sec', title: 'Security bridge' } },
    };
    expect(incidentBridge(bridges, incident({ incidentType: 'security' }))).toEqual({
      url: 'https://zoom.example.com/sec',
      title: 'Security bridge',
    });
    expect(incidentBridge(bridges, incident({ incidentType: 'outage' }))?.url).toBe('https://meet.example.com/auth-42');
    expect(incidentBridge({ team: bridges.team }, incident())?.url).toBe('https://meet.example.com/team');
    expect(incidentBridge(undefined, incident())).toBeUndefined();
  });
});

describe('incident channel invitations', () => {
  it('invites the people paged, every role holder and the acknowledger, once each', () => {
    const s = incident({
      escalation: { epoch: 0, loop: 0, level: 0, userIds: ['ann'], exhausted: false },
      roles: [
        { roleId: 'incident-commander', userId: 'jane', since: '2026-03-02T09:01:00.000Z', by: 'vigil' },
        { roleId: 'engineering-lead', userId: 'ann', since: '2026-03-02T09:01:00.000Z', by: 'vigil' },
      ],
      acknowledgedBy: 'user:bob',
    });
    expect(channelSyncInput(s, 0).userIds).toEqual(['ann', 'jane', 'bob']);
  });
});
