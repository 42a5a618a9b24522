/**
 * One issue in a tracker, with each vendor's documented request: Jira Cloud REST v3
 * (`POST /rest/api/3/issue`, basic auth email:API token, ADF description), Linear GraphQL
 * (`issueCreate`, `Authorization: <key>`), GitHub REST (`POST /repos/{owner}/{repo}/issues`,
 * Bearer token), or a webhook signed like every Vigil webhook (activities/notify/signature.ts).
 * Failures are classified as for notifications: 429/5xx transient (Retry-After honoured),
 * other 4xx rejected, a tracker without credentials not configured. Plain fetch (through
 * the channels' one POST helper) rather than each vendor's SDK: four single calls, and the
 * SDKs would bring their own retry loops under Temporal's.
 */
import { notConfigured, rejected, type SendContext } from './notify/channel';
import { postOnce } from './notify/http';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './notify/signature';
import {
  githubIssueBody,
  jiraIssueBody,
  linearIssueCreate,
  webhookFollowUpBody,
  type ExternalRef,
  type FollowUpItem,
  type FollowUpTarget,
} from '../domain/coordination/follow-up';

export interface TrackerCredentials {
  jira?: { url: string; email: string; apiToken: string };
  linear?: { url: string; apiKey: string };
  github?: { url: string; token: string };
  webhookSecret?: string;
}

const NO_CTX: SendContext = {};

export async function createTrackerIssue(
  t: TrackerCredentials,
  target: FollowUpTarget,
  item: FollowUpItem,
  key: string,
): Promise<ExternalRef> {
  switch (target.tracker) {
    case 'jira': {
      if (!t.jira)
        throw notConfigured('jira', 'VIGIL_JIRA_URL, VIGIL_JIRA_EMAIL and VIGIL_JIRA_API_TOKEN are not all set');
      const basic = Buffer.from(`${t.jira.email}:${t.jira.apiToken}`).toString('base64');
      const answer = await post(
        under(t.jira.url, '/rest/api/3/issue'),
        { authorization: `Basic ${basic}` },
        jiraIssueBody(target, item),
        key,
      );
      const issueKey = String(answer.key ?? '');
      return { tracker: 'jira', key: issueKey, url: under(t.jira.url, `/browse/${issueKey}`).href };
    }
    case 'linear': {
      if (!t.linear) throw notConfigured('linear', 'VIGIL_LINEAR_API_KEY is not set');
      const answer = await post(
        new URL(t.linear.url),
        { authorization: t.linear.apiKey },
        linearIssueCreate(target, item),
        key,
      );
      const created = (
        answer.data as { issueCreate?: { success?: boolean; issue?: { identifier: string; url: string } } } | undefined
      )?.issueCreate;
      if (!created?.success || !created.issue)
        throw rejected(`linear refused the issue: ${JSON.stringify(answer.errors ?? answer).slice(0, 300)}`);
      return { tracker: 'linear', key: created.issue.identifier, url: created.issue.url };
    }
    case 'github': {
      if (!t.github) throw notConfigured('github', 'VIGIL_GITHUB_TOKEN is not set');
      const headers = {
        authorization: `Bearer ${t.github.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      };
      const answer = await post(
        under(t.github.url, `/repos/${target.repo}/issues`),
        headers,
        githubIssueBody(target, item),
        key,
      );
      return {
        tracker: 'github',
        key: `${target.repo}#${String(answer.number)}`,
        url: String(answer.html_url ?? ''),
      };
    }
    case 'webhook': {
      if (!t.webhookSecret) throw notConfigured('webhook', 'VIGIL_WEBHOOK_SIGNING_SECRET is not set');
      const body = JSON.stringify(webhookFollowUpBody(item, key));
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signed = {
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(t.webhookSecret, timestamp, body),
      };
      await postOnce(new URL(target.url), NO_CTX, {
        what: `follow-up webhook ${new URL(target.url).host}`,
        headers: { 'content-type': 'application/json', 'user-agent': 'Vigil', 'idempotency-key': key, ...signed },
        body,
      });
      return { tracker: 'webhook', key };
    }
  }
}

async function post(url: URL, headers: Record<string, string>, body: unknown, key: string) {
  const res = await postOnce(url, NO_CTX, {
    what: `tracker ${url.host}`,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'Vigil',
      'idempotency-key': key,
      ...headers,
    },
    body: JSON.stringify(body),
  });
  try {
    return JSON.parse(res.text || '{}') as Record<string, unknown>;
  } catch {
    throw rejected(`tracker ${url.host} answered with something other than JSON`);
  }
}

const under = (base: string, path: string) => new URL(`${new URL(base).pathname.replace(/\/$/, '')}${path}`, base);
