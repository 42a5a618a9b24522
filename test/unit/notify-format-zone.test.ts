/**
 * What a person reads carries the time in their own zone (user.timezone, DST included)
 * and the service's tier; and a service without its own escalation policy is paged by its
 * team's default.
 */
import { describe, expect, it } from 'vitest';
import { localTime, titleLine, whatHappened } from '../../activities/notify/format';
import { smsBody } from '../../activities/notify/sms';
import type { Notification } from '../../domain/incident/notification';
import { servicePolicyId } from '../../domain/config/service';
import { postedMessage, postedMessageData } from '../../domain/incident/posted-message';
import { readinessWarnings } from '../../domain/oncall/readiness';
import { channelAvailability } from '../../lib/channels';

function page(occurredAt: string, timeZone?: string, tier?: number): Notification {
  return {
    idempotencyKey: 'k',
    kind: 'page',
    incidentId: 'incident-db-1',
    incidentNumber: 7,
    service: 'database',
    ...(tier === undefined ? {} : { tier }),
    severity: 'SEV1',
    status: 'triggered',
    summary: 'Replication lag',
    level: 0,
    loop: 0,
    recipient: {
      userId: 'ann',
      ...(timeZone ? { timeZone } : {}),
      contactMethod: { id: 'm', type: 'sms', address: '+15550001111' },
    },
    occurredAt,
  };
}

describe('times in the recipient zone', () => {
  // Europe/Berlin springs forward on 2026-03-29 at 01:00 UTC (02:00 local becomes 03:00).
  it('uses the zone offset in force at that instant, across the DST change', () => {
    expect(localTime(page('2026-03-29T00:30:00Z', 'Europe/Berlin'))).toBe('Sun 29 Mar 01:30 GMT+1');
    expect(localTime(page('2026-03-29T01:30:00Z', 'Europe/Berlin'))).toBe('Sun 29 Mar 03:30 GMT+2');
    // New York is already on daylight time then; the same instant is the previous evening.
    expect(localTime(page('2026-03-29T00:30:00Z', 'America/New_York'))).toBe('Sat 28 Mar 20:30 EDT');
  });

  it('falls back to UTC without a zone or with an unknown one', () => {
    expect(localTime(page('2026-03-29T00:30:00Z'))).toBe('Sun 29 Mar 00:30 UTC');
    expect(localTime(page('2026-03-29T00:30:00Z', 'Mars/Olympus'))).toBe('Sun 29 Mar 00:30 UTC');
  });

  it('shows the time in what email, Slack and Teams say, and in the SMS header', () => {
    const n = page('2026-03-29T01:30:00Z', 'Europe/Berlin', 1);
    expect(whatHappened(n)).toBe('Incident triggered (escalation level 1, loop 1) at Sun 29 Mar 03:30 GMT+2');
    expect(smsBody(n)).toBe('[SEV1] #7 database (tier 1) TRIGGERED Sun 29 Mar 03:30 GMT+2\nReplication lag');
  });
});

describe('tier with every incident', () => {
  it('shows the tier in the title line when the plan carries it', () => {
    expect(titleLine(page('2026-03-29T01:30:00Z', undefined, 2))).toBe('[SEV1] #7 database (tier 2): Replication lag');
    expect(titleLine(page('2026-03-29T01:30:00Z'))).toBe('[SEV1] #7 database: Replication lag');
  });
});

describe("team's default escalation policy", () => {
  const teams = [
    { id: 'ops', defaultEscalationPolicyId: 'ops-default' },
    { id: 'web', defaultEscalationPolicyId: undefined },
  ];
  it("is used for a service that names a team but no policy; the service's own policy wins", () => {
    expect(servicePolicyId({ teamId: 'ops' }, teams)).toBe('ops-default');
    expect(servicePolicyId({ teamId: 'ops', escalationPolicyId: 'own' }, teams)).toBe('own');
    expect(servicePolicyId({ teamId: 'web' }, teams)).toBeUndefined();
  });

  it('readiness does not warn for a service paged by its team default, and does when there is none', () => {
    const base = { id: 'svc', name: 'Svc', tier: 1, integrationKeys: [], maintenanceWindows: [] };
    const service = (teamId: string) => ({ ...base, id: teamId, teamId, autoResolve: { mode: 'never' as const } });
    const warnings = readinessWarnings(
      {
        users: [],
        teams: [
          { id: 'ops', name: 'Ops', members: [], defaultEscalationPolicyId: 'ops-default' },
          { id: 'web', name: 'Web', members: [] },
        ],
        schedules: [],
        escalationPolicies: [{ id: 'ops-default', name: 'Ops', levels: [], loops: 0, ackTimeoutMinutes: 30 }],
        services: [service('ops'), service('web')],
      },
      { channels: channelAvailability({}), now: '2026-03-01T00:00:00Z' },
    ).filter((w) => w.kind === 'service');
    expect(warnings).toEqual([
      expect.objectContaining({ id: 'web', message: expect.stringContaining('has no defaultEscalationPolicyId') }),
    ]);
  });
});

describe('Slack messages rewritten in place', () => {
  it("keep the recipient's zone: the notified event records it and the posted message reads it back", () => {
    const n = page('2026-03-29T01:30:00Z', 'Europe/Berlin');
    const data = postedMessageData({ channel: 'D1', ts: '1.0' }, 'triggered', n);
    const event = {
      at: n.occurredAt,
      type: 'notified' as const,
      message: 'Notified ann by slack (page)',
      data: { userId: 'ann', channel: 'slack', contactMethodId: 'm', kind: 'page', idempotencyKey: 'k', ...data },
    };
    expect(postedMessage(event)).toMatchObject({ timeZone: 'Europe/Berlin', ref: { ts: '1.0' } });
    // A failed or logged page is never a posted message, whatever its data.
    expect(postedMessage({ ...event, type: 'notification_failed' })).toBeUndefined();
    expect(postedMessage({ ...event, type: 'notification_logged' })).toBeUndefined();
  });
});
