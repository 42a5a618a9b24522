/**
 * README's worked example, run on the real stack with the example config folder as it
 * ships (config/: seed 004's types, rotations and templates, the platform team's bridge and
 * Jira follow-ups) and the checking vendor receiver standing in for Slack and Jira:
 * a P0 security alert on `auth` takes the security path, the security lead, the incident
 * commander and the engineering lead come from their rotations, the incident channel opens
 * with the bridge bookmarked and the commander in its topic, the security template promises
 * the next update, and after resolution the review's action item goes to Jira once.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, tokens, type System } from './harness';
import { JIRA, SLACK_TOKEN, startVendorReceiver, type VendorReceiver } from './vendor-receiver';

let sys: System;
let rx: VendorReceiver;

beforeAll(async () => {
  rx = await startVendorReceiver();
  sys = await startSystem('worked-example', {
    VIGIL_CONFIG_DIR: path.resolve(__dirname, '../../config'),
    VIGIL_SLACK_BOT_TOKEN: SLACK_TOKEN,
    VIGIL_SLACK_API_URL: rx.urls.slackApi,
    VIGIL_JIRA_URL: rx.urls.jira,
    VIGIL_JIRA_EMAIL: JIRA.email,
    VIGIL_JIRA_API_TOKEN: JIRA.token,
  });
});
afterAll(async () => {
  await sys?.stop();
  await rx?.close();
});

const responder = (method: string, route: string, body?: unknown) =>
  sys.call(method, route, { token: tokens.responder, body });
const state = async (id: string) => (await responder('GET', `/api/v1/incidents/${id}`)).body;
const slackIdOf = async (user: string): Promise<string> => {
  const u = (await responder('GET', `/api/v1/users/${user}`)).body.data;
  return u.contactMethods.find((m: { type: string }) => m.type === 'slack').address;
};

describe("README's worked example (seed 004) on the shipped config", () => {
  it('a P0 security incident: security path, roles, channel, bridge, template, export to Jira', async () => {
    const summary = 'API keys used from unknown networks';
    const fired = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: {
        source: 'ids',
        service: 'auth',
        severity: 'P0',
        summary,
        dedupKey: 'keys-abuse',
        incidentType: 'security',
      },
    });
    expect(fired.status).toBe(202);
    const id: string = fired.body.incidentId;

    const s = await eventually(async () => {
      const x = await state(id);
      return x.number !== undefined && x.roles?.length === 3 && x.escalation?.pagedAt ? x : undefined;
    }, 60_000);
    expect(s).toMatchObject({ incidentType: 'security', policyId: 'security', severity: 'SEV1' });
    expect([...s.escalation.userIds].sort()).toEqual(['charlie-brown', 'diana-prince']);
    const holders = Object.fromEntries(s.roles.map((r: { roleId: string; userId: string }) => [r.roleId, r.userId]));
    expect(holders).toEqual({
      'security-lead': 'charlie-brown',
      'incident-commander': 'john-doe',
      'engineering-lead': 'alice-johnson',
    });

    // auth is tier 1: SEV1 opens a channel; the platform team's bridge is bookmarked.
    const name = `inc-${s.number}-api-keys-used-from-unknown-networks`;
    await rx.waitFor('channel', () => [...rx.channels.values()].some((c) => c.name === name));
    const channel = [...rx.channels.values()].find((c) => c.name === name)!;
    await rx.waitFor('bridge bookmark', () => channel.bookmarks.length > 0);
    expect(channel.bookmarks[0]).toEqual({
      title: 'Bridge call',
      link: `https://meet.example.com/platform-inc-${s.number}`,
    });
    await rx.waitFor('topic with the commander', () => channel.topic.includes('commander: john-doe'));
    const paged = await Promise.all(['charlie-brown', 'diana-prince'].map(slackIdOf));
    await rx.waitFor('paged people invited', () => paged.every((u) => channel.members.includes(u)));

    const preview = await responder('POST', '/api/v1/templates/security-internal-initial/preview', { incidentId: id });
    expect(preview.status).toBe(200);
    expect(preview.body.body.replace(/next by [^)]+/, 'next by <iso>')).toBe(
      [
        '🔒 SECURITY INCIDENT - P0',
        `Title: ${summary}`,
        'Security Lead: Charlie Brown',
        'Incident Commander: John Doe',
        'Updates: Will update every 15 minutes (next by <iso>)',
        '',
      ].join('\n'),
    );
    expect(preview.body.body).toMatch(/\(next by \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\)/);
    const offRotation = await responder('PUT', `/api/v1/incidents/${id}/roles/security-lead`, { userId: 'bob-wilson' });
    expect(offRotation.status).toBe(422);
    expect(offRotation.body.error.message).toBe('user "bob-wilson" is not on the rotation of role "security-lead"');

    expect((await responder('POST', `/api/v1/incidents/${id}/resolve`, { note: 'keys revoked' })).status).toBe(200);
    await eventually(
      async () => ((await responder('GET', `/api/v1/incidents/${id}/review`)).status === 200 ? true : undefined),
      30_000,
    );
    const added = await responder('PATCH', `/api/v1/incidents/${id}/review/action-items`, {
      op: 'add',
      title: 'Rotate API keys automatically every 90 days',
      owner: 'charlie-brown',
      dueDate: '2026-04-01',
      priority: 'high',
    });
    expect(added.status).toBe(200);
    expect((await responder('POST', `/api/v1/incidents/${id}/review/action-items/export`, {})).status).toBe(202);
    const exported = await eventually(async () => {
      const r = (await responder('GET', `/api/v1/incidents/${id}/review`)).body;
      return r.actionItems[0]?.external;
    }, 60_000);
    expect(exported).toMatchObject({ tracker: 'jira', key: 'OPS-1', url: `${rx.urls.jira}/browse/OPS-1` });
    expect(rx.issues.map((i) => [i.tracker, i.body.fields.project.key, i.body.fields.summary])).toEqual([
      ['jira', 'OPS', 'Rotate API keys automatically every 90 days'],
    ]);
    expect(rx.violations).toEqual([]);
  });
});
