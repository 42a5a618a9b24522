/**
 * `/incident` commands and button presses through the signed routes with a fake gateway:
 * an immediate answer, the outcome posted to response_url (only under the allowed
 * prefix), user mapping, and number lookup.
 */
import pino from 'pino';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { memoryAuditLog } from '../helpers/memory-stores';
import { signSlackRequest } from '../../integrations/slack/verify';
import { conflict } from '../../api/errors';
import type { IncidentGateway } from '../../api/incident-gateway';
import type { RunbookGateway } from '../../api/runbook-gateway';
import { approvalValue, SLACK_ACTIONS } from '../../integrations/slack/actions';
import type { SlackDirectory } from '../../integrations/slack/directory';
import type { AlertEvent, IncidentState } from '../../domain/incident/incident';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';

const SECRET = 'slack-signing-secret-0123';
const ID = 'incident-checkout-0123456789abcdef01234567';
let rx: HttpReceiver;
let calls: Array<{ name: string; id: string; cmd: unknown }>;
let ingested: AlertEvent[];

const state = (over: Partial<IncidentState> = {}) =>
  ({
    incidentId: ID,
    number: 7,
    service: 'checkout',
    summary: 'Payments failing',
    severity: 'SEV2',
    status: 'acknowledged',
    createdAt: '2025-01-01T00:00:00Z',
    alertCount: 1,
    ...over,
  }) as unknown as IncidentState;

const incidents: IncidentGateway = {
  async ingest(alert) {
    ingested.push(alert);
    return { incidentId: 'incident-checkout-aaaaaaaaaaaaaaaaaaaaaaaa' };
  },
  async sourceResolved() {
    return { incidentId: ID, delivered: true };
  },
  async state() {
    return state({ status: 'triggered' });
  },
  async command(id, name, cmd) {
    calls.push({ name, id, cmd });
    if (name === 'acknowledge' && calls.filter((c) => c.name === 'acknowledge').length > 1)
      throw conflict('incident is already acknowledged');
    return state({ status: name === 'resolve' ? 'resolved' : name === 'escalate' ? 'triggered' : 'acknowledged' });
  },
  async note() {},
};
const directory: SlackDirectory = {
  userBySlackId: async (id) => (id === 'U0ALICE1' ? { id: 'alice', name: 'Alice' } : undefined),
  incidentIdByNumber: async (n) => (n === 7 ? ID : undefined),
  serviceExists: async (s) => s === 'checkout',
  onCall: async (s) =>
    s === 'checkout'
      ? {
          inMaintenance: false,
          levels: [
            { level: 1, names: ['Alice'] },
            { level: 2, names: [] },
          ],
        }
      : undefined,
};

let decisions: Array<{ id: string; runId: string; decision: unknown }>;
const runbooks: Pick<RunbookGateway, 'decide'> = {
  async decide(id, runId, decision) {
    if (decision.step === 'gone') throw conflict('step "gone" is not waiting for approval');
    decisions.push({ id, runId, decision });
    return { step: decision.step, decision: decision.decision };
  },
};

function app() {
  return createApp({
    // Slack's gateways audit each command: in memory here (the default is MongoDB).
    audit: memoryAuditLog(),
    log: pino({ level: 'silent' }),
    credentials: { ingestKeys: [], responderTokens: [], adminTokens: [] },
    incidents,
    readiness: {},
    slack: { signingSecret: SECRET, runbooks, directory, responseUrlPrefix: `${rx.base}/` },
    verifyReplies: true,
  } as unknown as AppDeps);
}
function signed(path: string, form: Record<string, string>) {
  const raw = new URLSearchParams(form).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  return request(app())
    .post(path)
    .set('content-type', 'application/x-www-form-urlencoded')
    .set('x-slack-request-timestamp', ts)
    .set('x-slack-signature', signSlackRequest(SECRET, ts, raw))
    .send(raw);
}
const slash = (text: string, user = 'U0ALICE1') =>
  signed('/api/v1/slack/commands', {
    command: '/incident',
    text,
    user_id: user,
    user_name: 'alice',
    channel_id: 'C1',
    team_id: 'T1',
    response_url: `${rx.base}/respond`,
    trigger_id: 't',
  });
async function posted(n = 1): Promise<{ text: string; response_type: string }> {
  await rx.waitFor('response_url post', () => rx.received.length >= n, 5000);
  return JSON.parse(rx.received[n - 1]?.body ?? '{}');
}

beforeEach(async () => {
  decisions = [];
  rx = await startHttpReceiver();
  calls = [];
  ingested = [];
});
afterEach(async () => {
  await rx.close();
});

describe('slash command /incident', () => {
  it('ack by number: answers at once, acknowledges as the mapped user, posts the result', async () => {
    const res = await slash('ack 7');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(res.body.text).toContain('Working on');
    const result = await posted();
    expect(calls).toEqual([{ name: 'acknowledge', id: ID, cmd: { by: 'alice' } }]);
    expect(result.text).toContain('#7');
    expect(result.text).toContain('acknowledged by alice');
  });

  it('resolve by id with a note', async () => {
    await slash(`resolve ${ID} rolled back the deploy`);
    await posted();
    expect(calls).toEqual([{ name: 'resolve', id: ID, cmd: { by: 'alice', note: 'rolled back the deploy' } }]);
  });

  it('resolve with a classification first, then a note', async () => {
    await slash(`resolve ${ID} false-positive flapping probe`);
    await posted();
    expect(calls).toEqual([
      { name: 'resolve', id: ID, cmd: { by: 'alice', classification: 'false_positive', note: 'flapping probe' } },
    ]);
  });

  it('a refused update is reported, not swallowed', async () => {
    await slash('ack #7');
    await posted(1);
    await slash('ack #7');
    expect((await posted(2)).text).toContain('Refused: incident is already acknowledged');
  });

  it('status, oncall, unknown number, declare, help', async () => {
    await slash('status 7');
    expect((await posted(1)).text).toContain('Status: triggered');
    await slash('oncall checkout');
    expect((await posted(2)).text).toMatch(/Level 1: Alice\nLevel 2: nobody/);
    await slash('ack 99');
    expect((await posted(3)).text).toBe('No incident #99.');
    await slash('declare sev1 checkout Card payments down');
    expect((await posted(4)).text).toContain('Incident declared by alice on checkout [SEV1]');
    expect(ingested[0]).toMatchObject({
      source: 'slack',
      service: 'checkout',
      severity: 'SEV1',
      summary: 'Card payments down',
    });
    await slash('frobnicate');
    expect((await posted(5)).text).toContain('Unknown command "frobnicate"');
  });

  it('an unknown Slack user is told so, at once, and nothing runs', async () => {
    const res = await slash('ack 7', 'U0STRANGER');
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(res.body.text).toContain('not mapped to a Vigil user');
    expect(calls).toHaveLength(0);
  });

  it('never posts to a response_url outside the allowed prefix', async () => {
    await signed('/api/v1/slack/commands', {
      command: '/incident',
      text: 'ack 7',
      user_id: 'U0ALICE1',
      response_url: 'http://169.254.169.254/latest',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toHaveLength(1);
    expect(rx.received).toHaveLength(0);
  });
});

describe('interactive buttons', () => {
  const press = (actionId: string, user = 'U0ALICE1', value = ID) =>
    signed('/api/v1/slack/interactions', {
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: user, username: 'alice' },
        response_url: `${rx.base}/respond`,
        actions: [{ action_id: actionId, value }],
      }),
    });

  it.each([
    ['vigil_ack', 'acknowledge'],
    ['vigil_resolve', 'resolve'],
    ['vigil_escalate', 'escalate'],
  ])('%s runs %s', async (actionId, name) => {
    const res = await press(actionId);
    expect(res.status).toBe(200);
    const result = await posted();
    expect(calls).toEqual([{ name, id: ID, cmd: { by: 'alice' } }]);
    expect(result).toMatchObject({ replace_original: false });
  });

  it.each([
    [SLACK_ACTIONS.approve, 'approve', 'approved'],
    [SLACK_ACTIONS.deny, 'deny', 'denied'],
  ])('%s decides the runbook step and replaces the message', async (actionId, decision, past) => {
    await press(
      actionId,
      'U0ALICE1',
      approvalValue({ incidentId: ID, runId: 'restart-web-0a1b2c3d', step: 'confirm' }),
    );
    const result = await posted();
    expect(decisions).toEqual([
      { id: ID, runId: 'restart-web-0a1b2c3d', decision: { step: 'confirm', decision, by: 'alice' } },
    ]);
    expect(result).toMatchObject({
      replace_original: true,
      text: `Runbook run restart-web-0a1b2c3d: step confirm ${past} by alice.`,
    });
    expect(calls).toEqual([]);
  });

  it('a step no longer waiting is refused in words; a malformed value decides nothing', async () => {
    await press(
      SLACK_ACTIONS.approve,
      'U0ALICE1',
      approvalValue({ incidentId: ID, runId: 'restart-web-0a1b2c3d', step: 'gone' }),
    );
    expect(await posted()).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Refused: step "gone" is not waiting for approval',
    });
    await press(SLACK_ACTIONS.deny, 'U0ALICE1', 'not an approval');
    expect((await posted(2)).text).toContain('malformed');
    expect(decisions).toEqual([]);
  });

  it('an unknown Slack user gets an ephemeral "not mapped" answer', async () => {
    await press('vigil_ack', 'U0STRANGER');
    const result = await posted();
    expect(result).toMatchObject({ response_type: 'ephemeral' });
    expect(result.text).toContain('not mapped');
    expect(calls).toHaveLength(0);
  });
});
