/**
 * The incident channel on the real stack (API, worker, Temporal, FerretDB) against a local
 * Slack Web API that checks each call's documented shape (test/e2e/vendor-receiver.ts):
 * a SEV1 on a service whose rule opens channels gets `inc-<number>-<slug>`, bookmarks for
 * the bridge and the incident page, an @channel announcement, the people paged invited, a
 * topic naming severity, status and commander, and every timeline entry posted once and in
 * order; `/incident ack` and `/incident resolve` inside the channel need no id; after
 * resolution the channel is archived the rule's delay later, nothing posted after that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../integrations/slack/verify';
import { channelEntryText } from '../../domain/coordination/incident-channel';
import type { IncidentState } from '../../domain/incident/incident';
import { eventually, fireSev1, startSystem, tokens, type System } from './harness';
import { SLACK_TOKEN, startVendorReceiver, type SlackChannel, type VendorReceiver } from './vendor-receiver';

const SIGNING_SECRET = 'e2e-channel-signing-secret-0123';
const ANNOUNCEMENTS = 'C0ANNOUNCE1';
const PEOPLE = ['sam', 'kim'];
const slackId = (u: string) => `U0${u.toUpperCase()}0001`;
/** VIGIL_MINUTE_MS below: a minute lasts a second, so the channel is archived 2 s after resolution. */
const ARCHIVE_AFTER_MINUTES = 2;
const MINUTE_MS = 1000;

let sys: System;
let rx: VendorReceiver;

beforeAll(async () => {
  rx = await startVendorReceiver({ channels: [ANNOUNCEMENTS] });
  sys = await startSystem('incident-channel', {
    VIGIL_MINUTE_MS: String(MINUTE_MS),
    VIGIL_SLACK_BOT_TOKEN: SLACK_TOKEN,
    VIGIL_SLACK_API_URL: rx.urls.slackApi,
    VIGIL_SLACK_SIGNING_SECRET: SIGNING_SECRET,
    VIGIL_SLACK_RESPONSE_URL_PREFIX: rx.urls.respond,
    VIGIL_SLACK_ANNOUNCEMENTS_CHANNEL: ANNOUNCEMENTS,
  });
  const admin = async (route: string, body: unknown) => {
    const r = await sys.call('POST', `/api/v1/${route}`, { token: tokens.admin, body });
    if (r.status !== 201) throw new Error(`POST ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  for (const id of PEOPLE) {
    await admin('users', {
      id,
      name: id,
      email: `${id}@example.com`,
      timezone: 'UTC',
      contactMethods: [{ id: 'slack', type: 'slack', address: slackId(id) }],
      notificationRules: [{ contactMethodId: 'slack', delayMinutes: 0 }],
    });
  }
  await admin('schedules', {
    id: 'ic-primary',
    name: 'Incident commander',
    timeZone: 'UTC',
    layers: [{ id: 'l', start: '2026-01-05T09:00', rotation: { type: 'weekly' }, participants: ['sam'] }],
  });
  await admin('roles', {
    id: 'incident-commander',
    name: 'Incident Commander',
    rotation: { primaryScheduleId: 'ic-primary' },
    assignOnSeverities: ['SEV1'],
  });
  await admin('teams', {
    id: 'ops',
    name: 'Ops',
    members: PEOPLE.map((userId) => ({ userId })),
    bridge: { urlTemplate: 'https://meet.example.com/ops-inc-{number}', title: 'Bridge call' },
  });
  await admin('escalation-policies', {
    id: 'both',
    name: 'Both',
    loops: 0,
    levels: [{ delayMinutes: 600, targets: PEOPLE.map((id) => ({ type: 'user', id })) }],
  });
  const quiet = { ackWithinMinutes: 6000, resolveWithinMinutes: 12000, updateEveryMinutes: 6000 };
  await admin('services', {
    id: 'checkout',
    name: 'Checkout',
    tier: 1,
    teamId: 'ops',
    escalationPolicyId: 'both',
    incidentChannel: { severities: ['SEV1'], archiveAfterMinutes: ARCHIVE_AFTER_MINUTES },
    severityOverrides: { SEV1: quiet },
  });
});

afterAll(async () => {
  await sys?.stop();
  await rx?.close();
});

const state = async (id: string) =>
  (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).body;

/** `/incident <text>` typed in `channelId`, signed like Slack signs it. */
async function slash(text: string, channelId: string, user: string, tag: string) {
  const raw = new URLSearchParams({
    command: '/incident',
    text,
    user_id: slackId(user),
    user_name: user,
    channel_id: channelId,
    team_id: 'T0E2E',
    response_url: `${rx.urls.respond}${tag}`,
    trigger_id: 'trig',
  }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${sys.apiUrl}/api/v1/slack/commands`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, raw),
    },
    body: raw,
  });
  return { status: res.status, text: await res.text() };
}

const responseTo = (tag: string) =>
  rx.raw.received.filter((r) => r.path === `/respond/${tag}`).map((r) => String(JSON.parse(r.body).text));

/** Every timeline entry of the incident, as the channel shows it. */
const entriesOf = (s: IncidentState) => s.timeline.map((e) => channelEntryText(e));

describe('incident channel on the real stack', () => {
  it('opens, keeps up with the incident, takes commands without an id, and is archived after resolution', async () => {
    const summary = 'Checkout API returns 500s';
    const id = await fireSev1(sys, { service: 'checkout', summary, dedupKey: 'channel-sev1' });
    const number = await eventually(async () => (await state(id))?.number as number | undefined);
    const name = `inc-${number}-checkout-api-returns-500s`;

    await rx.waitFor('conversations.create', () => rx.slack('conversations.create').length > 0);
    expect(rx.slack('conversations.create').map((c) => c.args)).toEqual([{ name, is_private: false }]);
    const channel = [...rx.channels.values()].find((c) => c.name === name) as SlackChannel;

    await rx.waitFor('bookmarks', () => channel.bookmarks.length >= 2);
    expect(channel.bookmarks).toEqual([
      { title: 'Bridge call', link: `https://meet.example.com/ops-inc-${number}` },
      { title: 'Incident in Vigil', link: `${sys.apiUrl}/incidents/${id}` },
    ]);
    const announcements = () => rx.slack('chat.postMessage').filter((c) => c.args.channel === ANNOUNCEMENTS);
    await rx.waitFor('announcement', () => announcements().length > 0);
    expect(announcements().map((c) => c.args.text)).toEqual([
      `<!channel> [SEV1] #${number} checkout: ${summary} in <#${channel.id}>`,
    ]);

    // The people paged are invited, the topic names the commander from the rotation.
    await rx.waitFor('both paged people invited', () => PEOPLE.every((u) => channel.members.includes(slackId(u))));
    await rx.waitFor('topic with the commander', () => channel.topic.includes('commander: sam'));
    expect(channel.topic).toBe(`SEV1 | triggered | commander: sam | checkout: ${summary}`);

    // `/incident ack` in the channel: the channel's incident, as the Vigil user mapped from the Slack id.
    const ack = await slash('ack', channel.id, 'kim', 'ack');
    expect(ack.status).toBe(200);
    const acked = await eventually(async () => {
      const s = await state(id);
      return s.status === 'acknowledged' ? s : undefined;
    });
    expect(acked.acknowledgedBy).toBe('kim');
    await rx.waitFor('ack result', () => responseTo('ack').length > 0);
    expect(responseTo('ack')[0]).toContain('acknowledged by kim');
    await rx.waitFor('topic after the ack', () => channel.topic.startsWith('SEV1 | acknowledged |'));
    expect(channel.topic).toBe(`SEV1 | acknowledged | commander: sam | checkout: ${summary}`);

    const resolve = await slash('resolve rolled back the deploy', channel.id, 'kim', 'resolve');
    expect(resolve.status).toBe(200);
    const resolved = await eventually(async () => {
      const s = await state(id);
      return s.status === 'resolved' ? s : undefined;
    });
    expect(resolved.resolvedBy).toBe('kim');

    // Every entry posted once, in order, the resolution included; then archived after the delay.
    await rx.waitFor('archive', () => rx.slack('conversations.archive').length > 0);
    const archive = rx.slack('conversations.archive');
    expect(archive.map((c) => c.args)).toEqual([{ channel: channel.id }]);
    expect(archive[0]!.at - Date.parse(resolved.resolvedAt)).toBeGreaterThanOrEqual(
      ARCHIVE_AFTER_MINUTES * MINUTE_MS - 100,
    );
    const final = await state(id);
    expect(channel.posts).toEqual(entriesOf(final));
    expect(channel.posts.some((p) => p.startsWith('*acknowledged* (kim)'))).toBe(true);
    expect(channel.posts.at(-1)).toBe('*resolved* (kim): Resolved by kim (note: rolled back the deploy)');
    expect(channel.archived).toBe(true);

    expect(rx.slack('conversations.create')).toHaveLength(1);
    expect(rx.violations).toEqual([]);
  });
});
