/**
 * Outbound channels and acting from Slack on the real stack (worker and API as child
 * processes, Temporal dev server, FerretDB), with local receivers standing in for
 * Slack's Web API / response_url and a Twilio-compatible SMS API.
 *
 * 1. Isolation: Slack answers every chat.postMessage with 429 + Retry-After, slowly, and
 *    its queue runs one send at a time; four people are paged by Slack and SMS at once.
 *    The SMS pages still arrive on time: they run on their own task queue and worker.
 * 2. Messages updated in place: each page DM'd by the bot is rewritten (chat.update, with
 *    the conversation id and ts Slack answered) when the incident is acknowledged and again
 *    when it is resolved, losing its buttons.
 * 3. `/incident ack <number>` and an Acknowledge/Resolve button press, signed with the
 *    signing secret, change the incident through the real API and worker, as the Vigil
 *    user mapped from the Slack user id, with the result posted to response_url; a runbook
 *    approval is asked on Slack and approved with its button.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../integrations/slack/verify';
import { startHttpReceiver, type HttpReceiver, type Received } from '../helpers/http-receiver';
import { eventually, startSystem, tokens, type System } from './harness';

const SIGNING_SECRET = 'e2e-slack-signing-secret-0123';
const PEOPLE = ['sam', 'kim', 'lee', 'max'];
const slackId = (u: string) => `U0${u.toUpperCase()}0001`;
const phone = (i: number) => `+1555000010${i}`;
/** On time: workflow-task and activity latency on a busy 2-core machine. */
const LATE_MS = 3000;

/** A runbook whose only step waits for an approval; success acknowledges the incident. */
const runbookDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-slack-runbooks-'));
writeFileSync(
  path.join(runbookDir, 'approve-me.yaml'),
  `name: approve-me
description: Waits for a yes from Slack.
onSuccess: acknowledge
steps:
  - id: confirm
    kind: approval
    message: Restart the checkout pods?
`,
);

let sys: System;
let slack: HttpReceiver;
let twilio: HttpReceiver;

/** Slack's Web API as far as Vigil uses it: a DM answers with its conversation id and a fresh ts. */
let posted = 0;
const slackApi = (r: Received) => {
  if (r.path === '/api/chat.postMessage') {
    posted += 1;
    const user = String(JSON.parse(r.body).channel);
    return {
      status: 200,
      body: { ok: true, channel: `D${user.slice(1)}`, ts: `1700000000.${String(posted).padStart(6, '0')}` },
    };
  }
  if (r.path === '/api/chat.update') {
    const { channel, ts } = JSON.parse(r.body) as { channel: string; ts: string };
    return { status: 200, body: { ok: true, channel, ts } };
  }
  return { status: 200, body: 'ok' };
};

beforeAll(async () => {
  slack = await startHttpReceiver(slackApi);
  twilio = await startHttpReceiver(() => ({ status: 201, body: { sid: 'SM1', status: 'queued' } }));
  sys = await startSystem('slack', {
    VIGIL_MINUTE_MS: '1000',
    VIGIL_SLACK_BOT_TOKEN: 'xoxb-e2e-token',
    VIGIL_SLACK_API_URL: `${slack.base}/api`,
    VIGIL_SLACK_SIGNING_SECRET: SIGNING_SECRET,
    VIGIL_SLACK_RESPONSE_URL_PREFIX: `${slack.base}/respond/`,
    VIGIL_TWILIO_API_URL: twilio.base,
    VIGIL_TWILIO_ACCOUNT_SID: 'AC0e2e',
    VIGIL_TWILIO_AUTH_TOKEN: 'twilio-e2e-token',
    VIGIL_TWILIO_FROM: '+15550009999',
    VIGIL_NOTIFY_CONCURRENCY: 'slack=1',
    VIGIL_NOTIFY_RATE_PER_SECOND: 'slack=1',
    VIGIL_RUNBOOK_DIR: runbookDir,
  });
  const admin = async (route: string, body: unknown) => {
    const r = await sys.call('POST', `/api/v1/${route}`, { token: tokens.admin, body });
    if (r.status !== 201) throw new Error(`POST ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  for (const [i, id] of PEOPLE.entries()) {
    await admin('users', {
      id,
      name: id,
      email: `${id}@example.com`,
      timezone: 'UTC',
      contactMethods: [
        { id: 'slack', type: 'slack', address: slackId(id) },
        { id: 'sms', type: 'sms', address: phone(i) },
      ],
      notificationRules: [
        { contactMethodId: 'slack', delayMinutes: 0 },
        { contactMethodId: 'sms', delayMinutes: 0 },
      ],
    });
  }
  await admin('teams', { id: 'ops', name: 'Ops', members: PEOPLE.map((userId) => ({ userId })) });
  await admin('escalation-policies', {
    id: 'all',
    name: 'All',
    loops: 0,
    levels: [{ delayMinutes: 60, targets: PEOPLE.map((id) => ({ type: 'user', id })) }],
  });
  const severityOverrides = { SEV2: { ackWithinMinutes: 600, resolveWithinMinutes: 1200, updateEveryMinutes: 600 } };
  await admin('services', {
    id: 'checkout',
    name: 'Checkout',
    tier: 1,
    teamId: 'ops',
    escalationPolicyId: 'all',
    severityOverrides,
  });
});

afterAll(async () => {
  await sys?.stop();
  await slack?.close();
  await twilio?.close();
  rmSync(runbookDir, { recursive: true, force: true });
});

async function fire(dedupKey: string): Promise<{ id: string; firedAt: number }> {
  const firedAt = Date.now();
  const r = await sys.call('POST', '/api/v1/alerts', {
    token: tokens.ingest,
    body: { source: 'prometheus', service: 'checkout', severity: 'SEV2', summary: `Slack test ${dedupKey}`, dedupKey },
  });
  if (r.status !== 202) throw new Error(`alert: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.incidentId as string, firedAt };
}

const state = async (id: string) =>
  (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).body;
const settle = async (id: string) => {
  await sys.call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: tokens.responder });
  await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
};

function signedPost(path: string, form: Record<string, string>) {
  const raw = new URLSearchParams(form).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  return fetch(`${sys.apiUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, raw),
    },
    body: raw,
  });
}

const postsFor = (rx: HttpReceiver, pred: (r: Received) => boolean) => rx.received.filter(pred);

describe('channel isolation', () => {
  it('a Slack 429 storm does not delay SMS pages', async () => {
    const storm = () => ({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
      delayMs: 1500,
    });
    slack.fallback = (r) => (r.path.startsWith('/api/') ? storm() : { status: 200, body: 'ok' });
    const { id, firedAt } = await fire('storm');
    try {
      await twilio.waitFor('four SMS pages', () => twilio.received.length >= PEOPLE.length, 20_000);
      const sms = twilio.received.slice(0, PEOPLE.length);
      const numbers = sms.map((r) => new URLSearchParams(r.body).get('To')).sort();
      expect(numbers).toEqual(PEOPLE.map((_, i) => phone(i)).sort());
      for (const r of sms) {
        expect(r.path).toBe('/2010-04-01/Accounts/AC0e2e/Messages.json');
        expect(String(r.headers['i-twilio-idempotency-token'])).toContain(id);
        expect(r.at - firedAt).toBeLessThan(LATE_MS);
      }
      // Meanwhile Slack is being hammered and answering 429, one slow request at a time.
      await slack.waitFor(
        'slack attempts',
        () => postsFor(slack, (r) => r.path === '/api/chat.postMessage').length >= 3,
        20_000,
      );
      const lastSms = Math.max(...sms.map((r) => r.at));
      const slackDone = postsFor(slack, (r) => r.path === '/api/chat.postMessage').map((r) => r.at);
      expect(slackDone.some((at) => at > lastSms)).toBe(true); // Slack still busy after every SMS went out
      // The Slack queue is saturated (one send at a time, each held 1.5 s): with one shared
      // queue at that limit the SMS pages would have queued behind these.
      const slackStarts = slackDone.slice(0, 3);
      for (let i = 1; i < slackStarts.length; i++)
        expect(slackStarts[i]! - slackStarts[i - 1]!).toBeGreaterThanOrEqual(1400);
      // Each send was scheduled on its channel's own task queue.
      const connection = await Connection.connect({ address: sys.temporalAddress });
      try {
        const history = await new Client({ connection }).workflow.getHandle(id).fetchHistory();
        const queues = new Set(
          (history.events ?? [])
            .map((e) => e.activityTaskScheduledEventAttributes)
            .filter((a) => a?.activityType?.name === 'sendNotification')
            .map((a) => a?.taskQueue?.name),
        );
        expect(queues).toEqual(new Set([`${sys.taskQueue}-notify-slack`, `${sys.taskQueue}-notify-sms`]));
      } finally {
        await connection.close();
      }
      const timeline = (await state(id)).timeline as Array<{ type: string; data?: { channel?: string } }>;
      expect(timeline.filter((e) => e.type === 'notified' && e.data?.channel === 'sms')).toHaveLength(PEOPLE.length);
    } finally {
      await settle(id);
      slack.fallback = slackApi;
    }
  });
});

describe('messages updated in place', () => {
  it('rewrites each Slack page when the incident is acknowledged, then resolved', async () => {
    const { id } = await fire('in-place');
    const pagesOf = () =>
      postsFor(
        slack,
        (r) => r.path === '/api/chat.postMessage' && JSON.parse(r.body).metadata?.event_payload?.incident_id === id,
      );
    try {
      await slack.waitFor('four Slack pages', () => pagesOf().length >= PEOPLE.length, 20_000);
      const refs = pagesOf().map((r) => {
        const user = String(JSON.parse(r.body).channel);
        return `D${user.slice(1)}`;
      });
      const updatesTo = (channel: string) =>
        postsFor(slack, (r) => r.path === '/api/chat.update' && JSON.parse(r.body).channel === channel).map(
          (r) => JSON.parse(r.body) as { channel: string; ts: string; attachments: Array<{ blocks: unknown[] }> },
        );
      const shows = (u: { attachments: Array<{ blocks: unknown[] }> } | undefined, text: string) =>
        JSON.stringify(u?.attachments ?? '').includes(text);

      await sys.call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: tokens.responder });
      await slack.waitFor(
        'every page shows the acknowledgement',
        () => refs.every((c) => shows(updatesTo(c).at(-1), 'acknowledged by')),
        20_000,
      );
      for (const c of refs) expect(shows(updatesTo(c).at(-1), 'vigil_ack')).toBe(false); // no Acknowledge button left

      await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
      await slack.waitFor(
        'every page shows the resolution',
        () => refs.every((c) => shows(updatesTo(c).at(-1), 'resolved by')),
        20_000,
      );
      for (const c of refs) expect(shows(updatesTo(c).at(-1), '"actions"')).toBe(false); // resolved: no buttons at all
      // Rewritten in place, never posted again: each update names the ts Slack gave that page.
      expect(pagesOf()).toHaveLength(PEOPLE.length);
      const timeline = (await state(id)).timeline as Array<{
        type: string;
        data?: { messageRef?: { channel: string; ts: string } };
      }>;
      const recorded = timeline
        .filter((e) => e.type === 'notified' && e.data?.messageRef)
        .map((e) => e.data?.messageRef);
      expect(recorded).toHaveLength(PEOPLE.length);
      for (const ref of recorded) expect(updatesTo(ref?.channel ?? '').every((u) => u.ts === ref?.ts)).toBe(true);
    } finally {
      await settle(id);
    }
  });
});

describe('acting from Slack', () => {
  it('/incident ack <number> acknowledges as the mapped user and posts to response_url', async () => {
    const { id } = await fire('slash-ack');
    try {
      const number = await eventually(async () => (await state(id))?.number as number | undefined);
      const started = Date.now();
      const res = await signedPost('/api/v1/slack/commands', {
        command: '/incident',
        text: `ack ${number}`,
        user_id: slackId('sam'),
        user_name: 'sam',
        channel_id: 'C1',
        team_id: 'T1',
        response_url: `${slack.base}/respond/ack`,
        trigger_id: 'trig',
      });
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(((await res.json()) as { text: string }).text).toContain('Working on');
      const acked = await eventually(async () => {
        const s = await state(id);
        return s?.status === 'acknowledged' ? s : undefined;
      });
      expect(acked.acknowledgedBy).toBe('sam');
      await slack.waitFor('response_url post', () => postsFor(slack, (r) => r.path === '/respond/ack').length > 0);
      const posted = JSON.parse(postsFor(slack, (r) => r.path === '/respond/ack')[0]?.body ?? '{}');
      expect(posted.text).toContain(`#${number}`);
      expect(posted.text).toContain('acknowledged by sam');
    } finally {
      await settle(id);
    }
  });

  it('button presses acknowledge then resolve; an unknown Slack user is told so', async () => {
    const { id } = await fire('buttons');
    const press = (actionId: string, user: string, tag: string) =>
      signedPost('/api/v1/slack/interactions', {
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: user, username: user },
          response_url: `${slack.base}/respond/${tag}`,
          actions: [{ action_id: actionId, value: id, type: 'button' }],
        }),
      });
    try {
      await eventually(async () => ((await state(id))?.status === 'triggered' ? true : undefined));
      expect((await press('vigil_ack', 'U0NOBODY01', 'stranger')).status).toBe(200);
      await slack.waitFor('not mapped', () => postsFor(slack, (r) => r.path === '/respond/stranger').length > 0);
      expect(postsFor(slack, (r) => r.path === '/respond/stranger')[0]?.body).toContain('not mapped');
      expect((await state(id)).status).toBe('triggered');

      expect((await press('vigil_ack', slackId('kim'), 'ack')).status).toBe(200);
      const acked = await eventually(async () => {
        const s = await state(id);
        return s?.status === 'acknowledged' ? s : undefined;
      });
      expect(acked.acknowledgedBy).toBe('kim');
      expect((await press('vigil_resolve', slackId('kim'), 'resolve')).status).toBe(200);
      const resolved = await eventually(async () => {
        const s = await state(id);
        return s?.status === 'resolved' ? s : undefined;
      });
      expect(resolved.resolvedBy).toBe('kim');
      await slack.waitFor('resolve result', () => postsFor(slack, (r) => r.path === '/respond/resolve').length > 0);
    } finally {
      await settle(id);
    }
  });

  it('a runbook approval asked on Slack is approved with its button, as the mapped user', async () => {
    const { id } = await fire('approval');
    try {
      await eventually(async () => ((await state(id))?.status === 'triggered' ? true : undefined));
      const run = await sys.call('POST', `/api/v1/incidents/${id}/runbooks/approve-me/run`, {
        token: tokens.responder,
        body: {},
      });
      expect(run.status).toBe(202);
      type Button = { action_id: string; value: string };
      const asked = () =>
        postsFor(slack, (r) => r.path === '/api/chat.postMessage' && r.body.includes('vigil_runbook_approve'));
      await slack.waitFor('approval request on Slack', () => asked().length > 0, 20_000);
      const blocks = JSON.parse(asked()[0]?.body ?? '{}').attachments[0].blocks as Array<{
        type: string;
        elements?: Button[];
      }>;
      const approve = blocks
        .find((b) => b.type === 'actions')
        ?.elements?.find((e) => e.action_id === 'vigil_runbook_approve');
      expect(approve?.value).toBe(`${id} ${run.body.runId} confirm`);
      expect(JSON.stringify(blocks)).toContain('Restart the checkout pods?');

      const press = await signedPost('/api/v1/slack/interactions', {
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: slackId('lee'), username: 'lee' },
          response_url: `${slack.base}/respond/approve`,
          actions: [{ action_id: 'vigil_runbook_approve', value: approve?.value, type: 'button' }],
        }),
      });
      expect(press.status).toBe(200);
      await slack.waitFor(
        'approval result',
        () => postsFor(slack, (r) => r.path === '/respond/approve').length > 0,
        20_000,
      );
      expect(JSON.parse(postsFor(slack, (r) => r.path === '/respond/approve')[0]?.body ?? '{}')).toMatchObject({
        replace_original: true,
        text: `Runbook run ${run.body.runId}: step confirm approved by lee.`,
      });
      // The run succeeds and acknowledges the incident, as its runbook says.
      const acked = await eventually(async () => {
        const s = await state(id);
        return s?.status === 'acknowledged' ? s : undefined;
      });
      expect(acked.acknowledgedBy).toBe('runbook:approve-me');
      const approvals = (acked.timeline as Array<{ type: string; message: string }>).filter(
        (e) => e.type === 'runbook_approval',
      );
      expect(approvals.map((e) => e.message).at(-1)).toMatch(/step confirm approved by lee$/);
    } finally {
      await settle(id);
    }
  });

  it('refuses an unsigned command', async () => {
    const res = await fetch(`${sys.apiUrl}/api/v1/slack/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'text=ack+1&user_id=U0SAM0001',
    });
    expect(res.status).toBe(401);
  });
});
