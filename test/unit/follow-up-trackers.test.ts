/**
 * Follow-up export against real HTTP receivers on loopback standing in for Jira, Linear,
 * GitHub and a webhook: each request has the vendor's documented path, auth and body, and
 * the answer becomes the item's external key; 429 is transient with Retry-After, 400 rejected.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackerIssue, type TrackerCredentials } from '../../activities/follow-up-trackers';
import { verifyWebhookSignature } from '../../activities/notify/signature';
import { LINEAR_ISSUE_CREATE, type FollowUpItem } from '../../domain/coordination/follow-up';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';

let rx: HttpReceiver;
let trackers: TrackerCredentials;
beforeAll(async () => {
  rx = await startHttpReceiver((req) => {
    if (req.path === '/jira/rest/api/3/issue') return { status: 201, body: { id: '10001', key: 'OPS-12', self: 'x' } };
    if (req.path === '/linear/graphql')
      return {
        status: 200,
        body: {
          data: {
            issueCreate: { success: true, issue: { id: 'i1', identifier: 'ENG-7', url: 'https://linear.app/x/ENG-7' } },
          },
        },
      };
    if (req.path === '/github/repos/acme/shop/issues')
      return { status: 201, body: { number: 31, html_url: 'https://github.com/acme/shop/issues/31' } };
    return { status: 202, body: 'ok' };
  });
  trackers = {
    jira: { url: `${rx.base}/jira`, email: 'ops@example.com', apiToken: 'jira-token' },
    linear: { url: `${rx.base}/linear/graphql`, apiKey: 'lin_api_key' },
    github: { url: `${rx.base}/github`, token: 'ghp_token' },
    webhookSecret: 'webhook-secret-0123456789',
  };
});
afterAll(async () => {
  await rx.close();
});

const item: FollowUpItem = {
  id: 'A1',
  title: 'Add a circuit breaker to payments',
  owner: 'alice',
  dueDate: '2026-12-24',
  incident: '#42 checkout: Error rate above 5%',
};
const last = () => {
  const r = rx.received.at(-1);
  if (!r) throw new Error('nothing received');
  return { ...r, json: JSON.parse(r.body) as Record<string, unknown> };
};

describe('follow-up trackers', () => {
  it('Jira: POST /rest/api/3/issue with basic auth and an ADF description', async () => {
    const ref = await createTrackerIssue(
      trackers,
      { tracker: 'jira', projectKey: 'OPS', issueType: 'Task' },
      item,
      'k1',
    );
    expect(ref).toEqual({ tracker: 'jira', key: 'OPS-12', url: `${rx.base}/jira/browse/OPS-12` });
    const r = last();
    expect(r.method).toBe('POST');
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from('ops@example.com:jira-token').toString('base64')}`);
    expect(r.json).toMatchObject({
      fields: {
        project: { key: 'OPS' },
        summary: item.title,
        issuetype: { name: 'Task' },
        description: { type: 'doc', version: 1 },
      },
    });
  });

  it('Linear: POST /graphql with the key as Authorization and the issueCreate mutation', async () => {
    const ref = await createTrackerIssue(trackers, { tracker: 'linear', teamId: 'team-1' }, item, 'k2');
    expect(ref).toEqual({ tracker: 'linear', key: 'ENG-7', url: 'https://linear.app/x/ENG-7' });
    const r = last();
    expect(r.headers.authorization).toBe('lin_api_key');
    expect(r.json.query).toBe(LINEAR_ISSUE_CREATE);
    expect(r.json.variables).toMatchObject({ input: { teamId: 'team-1', title: item.title } });
  });

  it('GitHub: POST /repos/{owner}/{repo}/issues with a Bearer token', async () => {
    const ref = await createTrackerIssue(
      trackers,
      { tracker: 'github', repo: 'acme/shop', labels: ['incident'] },
      item,
      'k3',
    );
    expect(ref).toEqual({ tracker: 'github', key: 'acme/shop#31', url: 'https://github.com/acme/shop/issues/31' });
    const r = last();
    expect(r.headers.authorization).toBe('Bearer ghp_token');
    expect(r.headers.accept).toBe('application/vnd.github+json');
    expect(r.json).toMatchObject({ title: item.title, labels: ['incident'] });
  });

  it('webhook: signed like every Vigil webhook', async () => {
    const ref = await createTrackerIssue(trackers, { tracker: 'webhook', url: `${rx.base}/hook` }, item, 'k4');
    expect(ref).toEqual({ tracker: 'webhook', key: 'k4' });
    const r = last();
    const verdict = verifyWebhookSignature(
      'webhook-secret-0123456789',
      String(r.headers['x-vigil-timestamp']),
      r.body,
      String(r.headers['x-vigil-signature']),
    );
    expect(verdict).toBe(true);
    expect(r.json).toMatchObject({ type: 'vigil.action_item', actionItem: { id: 'A1' } });
  });

  it('429 is transient with Retry-After; 400 is rejected; no credentials is not configured', async () => {
    rx.script([{ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' }]);
    const slow = await createTrackerIssue(
      trackers,
      { tracker: 'github', repo: 'acme/shop', labels: [] },
      item,
      'k5',
    ).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(ApplicationFailure);
    expect((slow as ApplicationFailure).nonRetryable).toBe(false);
    expect((slow as ApplicationFailure).nextRetryDelay).toBe(7000);
    rx.script([{ status: 400, body: { errorMessages: ['project is required'] } }]);
    const bad = await createTrackerIssue(
      trackers,
      { tracker: 'jira', projectKey: 'NOPE', issueType: 'Task' },
      item,
      'k6',
    ).catch((e: unknown) => e);
    expect((bad as ApplicationFailure).nonRetryable).toBe(true);
    const none = await createTrackerIssue({}, { tracker: 'linear', teamId: 't' }, item, 'k7').catch((e: unknown) => e);
    expect((none as ApplicationFailure).message).toMatch(/VIGIL_LINEAR_API_KEY is not set/);
  });
});
