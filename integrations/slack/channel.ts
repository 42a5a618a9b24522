/**
 * Slack channel: a Block Kit message with the severity colour, incident number, service,
 * summary, link and Acknowledge / Resolve / Escalate buttons (action ids vigil_ack,
 * vigil_resolve, vigil_escalate; value = incident id), or for a runbook step waiting for
 * approval, Approve / Deny (vigil_runbook_approve / vigil_runbook_deny; value =
 * "<incident id> <run id> <step>"), handled by api/routes/slack.ts.
 *
 * Two ways to post, the bot token preferred when both are configured:
 * - bot token: `chat.postMessage` at VIGIL_SLACK_API_URL (default https://slack.com/api)
 *   to the contact's Slack user id (a direct message from the app). The idempotency key
 *   goes in message `metadata` (event_type vigil_notification), where a reader can dedup.
 * - incoming webhook (VIGIL_SLACK_WEBHOOK_URL): to the webhook's channel, mentioning the
 *   user. Incoming webhooks have no idempotency support.
 * Both also send an `idempotency-key` header, which Slack ignores and proxies may honour.
 * Updated in place: a bot message's receipt carries its conversation id and ts
 * (`messageRef`); `update` rewrites it with `chat.update` as the incident changes state
 * (status and who, buttons that still apply, none once resolved). Webhook messages cannot
 * be edited, so they stay as posted.
 * Classification: HTTP 429 (Retry-After), 408 and 5xx transient; Web API answers 200
 * with `{ok:false,error}`: `ratelimited` and Slack's own trouble (internal_error,
 * fatal_error, service_unavailable, request_timeout) are transient, every other error
 * (channel_not_found, invalid_auth, not_authed, account_inactive, ...) is rejected.
 */
import type { Logger } from '../../lib/logger';
import type { DeliveryReceipt, MessageRef, Notification } from '../../domain/incident/notification';
import { rejected, type NotificationChannel, type SendContext } from '../../activities/notify/channel';
import { SEVERITY_COLORS, incidentRef, titleLine, whatHappened } from '../../activities/notify/format';
import { httpUrl, postOnce } from '../../activities/notify/http';
import { approvalValue, SLACK_ACTIONS } from './actions';
import { createSlackWebApi, DEFAULT_SLACK_API_URL, type SlackWebApi } from './web-api';

export { SLACK_ACTIONS };
export { DEFAULT_SLACK_API_URL };

export interface SlackChannelDeps {
  /** xoxb-... (VIGIL_SLACK_BOT_TOKEN). Never logged. */
  botToken?: string;
  /** Incoming webhook URL (VIGIL_SLACK_WEBHOOK_URL); carries a credential, never logged. */
  webhookUrl?: string;
  /** Web API base (VIGIL_SLACK_API_URL). */
  apiUrl?: string;
  timeoutMs?: number;
  log: Logger;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/** The message: top-level text (notifications, screen readers) and one coloured attachment of blocks. */
export function slackMessage(n: Notification): { text: string; attachments: Array<Record<string, unknown>> } {
  const link = n.links?.incident;
  const fields = [
    `*Incident*\n${incidentRef(n)}`,
    `*Service*\n${n.service}`,
    `*Severity*\n${n.severity}`,
    `*Status*\n${escapeMrkdwn(statusLine(n))}`,
  ].map((text) => ({ type: 'mrkdwn', text }));
  const blocks: Array<Record<string, unknown>> = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*${escapeMrkdwn(titleLine(n))}*\n${escapeMrkdwn(whatHappened(n))}` },
    },
    { type: 'section', fields },
  ];
  const links = [
    ...(link ? [`<${link}|Open in Vigil>`] : []),
    ...(n.bridge ? [`<${n.bridge.url}|${escapeMrkdwn(n.bridge.title)}>`] : []),
  ];
  if (links.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join('  ·  ') }] });
  const button = (action: string, text: string, style?: 'primary' | 'danger', value = n.incidentId) => ({
    type: 'button',
    action_id: action,
    value,
    text: { type: 'plain_text', text },
    ...(style ? { style } : {}),
  });
  if (n.approval) {
    const value = approvalValue({ incidentId: n.incidentId, ...n.approval });
    blocks.push({
      type: 'actions',
      block_id: 'vigil_runbook_approval',
      elements: [
        button(SLACK_ACTIONS.approve, 'Approve', 'primary', value),
        button(SLACK_ACTIONS.deny, 'Deny', 'danger', value),
      ],
    });
  } else if (n.status !== 'resolved') {
    blocks.push({
      type: 'actions',
      block_id: 'vigil_incident_actions',
      elements: [
        ...(n.status === 'triggered' ? [button(SLACK_ACTIONS.ack, 'Acknowledge', 'primary')] : []),
        button(SLACK_ACTIONS.resolve, 'Resolve'),
        button(SLACK_ACTIONS.escalate, 'Escalate', 'danger'),
      ],
    });
  }
  return {
    text: titleLine(n),
    attachments: [{ color: SEVERITY_COLORS[n.severity] ?? '#888888', fallback: titleLine(n), blocks }],
  };
}

export function createSlackChannel(deps: SlackChannelDeps): NotificationChannel {
  if (!deps.botToken && !deps.webhookUrl)
    throw new Error('Slack channel needs VIGIL_SLACK_BOT_TOKEN or VIGIL_SLACK_WEBHOOK_URL');
  const api = deps.botToken ? createSlackWebApi({ ...deps, botToken: deps.botToken }) : undefined;
  const webhook = deps.webhookUrl ? httpUrl(deps.webhookUrl) : undefined;
  if (deps.webhookUrl && !webhook) throw new Error('VIGIL_SLACK_WEBHOOK_URL must be an http(s) URL');
  const now = deps.now ?? Date.now;
  const receipt = (n: Notification, status: number, ref?: MessageRef): DeliveryReceipt => ({
    channel: 'slack',
    idempotencyKey: n.idempotencyKey,
    deliveredAt: new Date(now()).toISOString(),
    status,
    ...(ref ? { providerMessageId: ref.ts, messageRef: ref } : {}),
  });

  /** One Web API call with the bot token, keyed by the notification's idempotency key. */
  const callApi = (method: string, n: Notification, body: Record<string, unknown>, ctx: SendContext) =>
    (api as SlackWebApi).call(method, body, ctx, { idempotencyKey: n.idempotencyKey });

  /** A stakeholder message to a channel (C.../G...), as written; only the bot can post to a channel by id. */
  async function postComms(n: Notification, comms: NonNullable<Notification['comms']>, ctx: SendContext) {
    const channel = n.recipient.contactMethod.address;
    if (!/^[CG][A-Z0-9]{6,20}$/.test(channel))
      throw rejected('invalid Slack channel id', { reason: 'invalid_address' });
    if (!deps.botToken) throw rejected('stakeholder channels need VIGIL_SLACK_BOT_TOKEN', { reason: 'no_bot_token' });
    const text = [comms.subject ? `*${escapeMrkdwn(comms.subject)}*` : undefined, escapeMrkdwn(comms.body)]
      .filter(Boolean)
      .join('\n');
    const metadata = {
      event_type: 'vigil_notification',
      event_payload: { idempotency_key: n.idempotencyKey, incident_id: n.incidentId },
    };
    const { status } = await callApi('chat.postMessage', n, { channel, text, unfurl_links: false, metadata }, ctx);
    return receipt(n, status);
  }

  return {
    type: 'slack',
    async send(n, ctx): Promise<DeliveryReceipt> {
      if (n.comms) return postComms(n, n.comms, ctx);
      const userId = n.recipient.contactMethod.address;
      if (!/^[UW][A-Z0-9]{6,20}$/.test(userId)) throw rejected('invalid Slack user id', { reason: 'invalid_address' });
      const message = slackMessage(n);

      if (deps.botToken) {
        const { status, answer } = await callApi(
          'chat.postMessage',
          n,
          {
            channel: userId,
            ...message,
            unfurl_links: false,
            metadata: {
              event_type: 'vigil_notification',
              event_payload: { idempotency_key: n.idempotencyKey, incident_id: n.incidentId },
            },
          },
          ctx,
        );
        // The DM's conversation id (D...) and the message ts: what chat.update needs later.
        const ref =
          typeof answer.channel === 'string' && typeof answer.ts === 'string'
            ? { channel: answer.channel, ts: answer.ts }
            : undefined;
        return receipt(n, status, ref);
      }

      const url = webhook as URL;
      const res = await postOnce(url, ctx, {
        what: `slack webhook ${url.host}`,
        timeoutMs: deps.timeoutMs,
        fetch: deps.fetch,
        now,
        headers: { 'content-type': 'application/json', 'user-agent': 'Vigil', 'idempotency-key': n.idempotencyKey },
        body: JSON.stringify({ ...message, text: `<@${userId}> ${message.text}` }),
      });
      deps.log.debug({ idempotencyKey: n.idempotencyKey, status: res.status }, 'slack webhook delivered');
      return receipt(n, res.status);
    },

    async update(n, ref, ctx): Promise<DeliveryReceipt> {
      // Incoming webhooks cannot edit what they posted; only bot messages carry a ref.
      if (!deps.botToken)
        throw rejected('slack messages can be updated only with a bot token', { reason: 'not_updatable' });
      const { status } = await callApi('chat.update', n, { channel: ref.channel, ts: ref.ts, ...slackMessage(n) }, ctx);
      return receipt(n, status, ref);
    },
  };
}

/** "acknowledged by alice", "resolved by bob", or the bare status. */
export function statusLine(n: Pick<Notification, 'status' | 'acknowledgedBy' | 'resolvedBy'>): string {
  const by = n.status === 'acknowledged' ? n.acknowledgedBy : n.status === 'resolved' ? n.resolvedBy : undefined;
  return by ? `${n.status} by ${by}` : n.status;
}

/** Slack's three control characters in mrkdwn. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
