/**
 * The one Slack Web API client: a POST of JSON with the bot token, the answer's `{ok, error}`
 * classified. HTTP 429 (with Retry-After), 408 and 5xx, `ratelimited` and Slack's own
 * trouble are transient (the activity retries, honouring Retry-After); every other error
 * (channel_not_found, invalid_auth, name_taken, ...) is rejected, with the Slack error in
 * the failure's details (`slackError`) for callers that handle one themselves.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../../lib/logger';
import {
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  rejected,
  transient,
  type SendContext,
} from '../../activities/notify/channel';
import { httpUrl, postOnce } from '../../activities/notify/http';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api';

const TRANSIENT_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

export interface SlackWebApiDeps {
  /** xoxb-... (VIGIL_SLACK_BOT_TOKEN). Never logged. */
  botToken: string;
  /** Web API base (VIGIL_SLACK_API_URL). */
  apiUrl?: string;
  timeoutMs?: number;
  log: Logger;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

export type SlackAnswer = { ok: boolean; error?: string } & Record<string, unknown>;

export interface SlackWebApi {
  /** One call; resolves with Slack's answer when `ok`, else throws a classified failure. */
  call(
    method: string,
    body: Record<string, unknown>,
    ctx: SendContext,
    opts?: { idempotencyKey?: string },
  ): Promise<{ status: number; answer: SlackAnswer }>;
}

export function createSlackWebApi(deps: SlackWebApiDeps): SlackWebApi {
  const apiBase = httpUrl(deps.apiUrl ?? DEFAULT_SLACK_API_URL);
  if (!apiBase) throw new Error('VIGIL_SLACK_API_URL must be an http(s) URL');
  const now = deps.now ?? Date.now;
  return {
    async call(method, body, ctx, opts = {}) {
      const url = new URL(`${apiBase.pathname.replace(/\/$/, '')}/${method}`, apiBase);
      const res = await postOnce(url, ctx, {
        what: `slack api ${url.host}`,
        timeoutMs: deps.timeoutMs,
        fetch: deps.fetch,
        now,
        headers: {
          authorization: `Bearer ${deps.botToken}`,
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Vigil',
          ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
        },
        body: JSON.stringify(body),
      });
      const answer = parseSlackAnswer(res.text);
      if (!answer.ok) {
        const error = answer.error ?? 'unknown_error';
        const details = { status: res.status, slackError: error };
        if (TRANSIENT_ERRORS.has(error)) {
          const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
          throw transient(`slack api answered ${error}`, {
            details,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs: Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) }),
          });
        }
        throw rejected(`slack api refused the ${method}: ${error}`, details);
      }
      deps.log.debug({ status: res.status, method, idempotencyKey: opts.idempotencyKey }, 'slack api call done');
      return { status: res.status, answer };
    },
  };
}

/** The Slack error a failure from `call` carries (name_taken, already_archived, ...). */
export function slackErrorOf(err: unknown): string | undefined {
  if (!(err instanceof ApplicationFailure)) return undefined;
  const details = err.details?.[0] as { slackError?: unknown } | undefined;
  return typeof details?.slackError === 'string' ? details.slackError : undefined;
}

function parseSlackAnswer(text: string): SlackAnswer {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const error = typeof body.error === 'string' ? body.error : undefined;
    return { ...body, ok: body.ok === true, ...(error ? { error } : {}) };
  } catch {
    return { ok: false, error: 'invalid_response' };
  }
}
