/**
 * Notify activities: sendNotification delivers a Notification through the channel for
 * the recipient's contact type; updateNotification rewrites a message sent earlier (Slack)
 * as the incident changes state. The worker builds the channels (with their secrets and
 * clients) and passes them in; nothing here connects at import time.
 */
import { asyncLocalStorage } from '@temporalio/activity';
import type { Logger } from '../../lib/logger';
import type { DeliveryReceipt, MessageRef, Notification } from '../../domain/incident/notification';
import type { ContactMethodType } from '../../domain/config/user';
import type { ChannelAvailability } from '../../domain/oncall/readiness';
import { failureForError, notConfigured, rejected, type NotificationChannel, type SendContext } from './channel';
import { createLogChannel, logFields } from './log';
import type { NotifyMeter } from './metrics';

export type { NotificationChannel, SendContext } from './channel';
export { createLogChannel } from './log';
export { createWebhookChannel, verifyWebhookSignature, signWebhook } from './webhook';
export { createEmailChannel } from './email';
export { createSmsChannel } from './sms';
export { createSlackChannel, SLACK_ACTIONS } from '../../integrations/slack/channel';
export { createTeamsChannel } from './teams';

export type NotifyChannels = Partial<Record<ContactMethodType, NotificationChannel>>;

/**
 * How often a send in progress heartbeats, well inside NOTIFY_ACTIVITY_OPTIONS'
 * heartbeatTimeout. The first beat comes after this long, so a quick send (most of them)
 * costs the server no heartbeat at all; the worker's maxHeartbeatThrottleInterval lets
 * each beat through at once.
 */
export const HEARTBEAT_EVERY_MS = 1_000;

export interface NotifyDeps {
  channels: NotifyChannels;
  log: Logger;
  /**
   * Why a type has no channel (channelAvailability in lib/channels.ts), named in the
   * channel_not_configured failure. Absent: the failure says only that none is configured.
   */
  availability?: ChannelAvailability;
  /**
   * Development opt-in (VIGIL_NOTIFY_LOG_ONLY): a type without a channel is written to the
   * log, its receipt marked `logged`, instead of failing with channel_not_configured.
   */
  logOnly?: boolean;
  /**
   * Links a notification carries (the incident page a responder opens), added here, in
   * the activity, so the workflow never holds the signing secret. Absent: no links.
   */
  links?: (n: Notification) => Notification['links'] | undefined;
  /** Counts sends (not in-place updates) for Prometheus; absent: not counted. */
  metrics?: NotifyMeter;
}

export function createNotifyActivities(deps: NotifyDeps) {
  const logOnly = deps.logOnly ? createLogChannel({ log: deps.log }) : undefined;
  /** The channel for a contact type, or why there is none (the send fails without an attempt). */
  const channelFor = (type: string): NotificationChannel | { missing: string } => {
    // hasOwn: the type arrives as data, and "constructor" must not find Object's.
    const own = (t: object) => Object.hasOwn(t, type);
    const channel = own(deps.channels) ? deps.channels[type as ContactMethodType] : undefined;
    const found = channel ?? logOnly;
    if (found) return found;
    const known =
      deps.availability && own(deps.availability) ? deps.availability[type as ContactMethodType] : undefined;
    return { missing: known && !known.deliverable ? known.why : `no ${type} channel in this deployment` };
  };

  /** One delivery attempt through the notification's channel, logged and classified. */
  async function attempt(
    logAs: { done: string; failed: string },
    notification: Notification,
    run: (channel: NotificationChannel, n: Notification, ctx: SendContext) => Promise<DeliveryReceipt>,
    meter?: NotifyMeter,
  ): Promise<DeliveryReceipt> {
    const links = deps.links?.(notification);
    const n: Notification = links ? { ...notification, links: { ...notification.links, ...links } } : notification;
    // Absent when called outside a worker (scripts, plain tests): then nothing cancels.
    const context = asyncLocalStorage.getStore();
    const type = n.recipient.contactMethod.type;
    const channel = channelFor(type);
    if ('missing' in channel) {
      const failure = notConfigured(type, channel.missing);
      deps.log.warn({ ...logFields(n), err: failure }, `${logAs.failed}: channel not configured`);
      throw failure;
    }
    const fields = { ...logFields(n), channel: channel.type, attempt: context?.info.attempt };
    // Alive while the receiver takes its time: if this worker dies mid-send, the server
    // notices at the heartbeat timeout (seconds) instead of startToClose, and sends again.
    const beat = context ? setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS) : undefined;
    try {
      if (!n.idempotencyKey) throw rejected('notification has no idempotency key', { reason: 'no_idempotency_key' });
      // A send in flight is never aborted: an acknowledgement cancels this activity (the
      // heartbeats now deliver that), but what the receiver may already have taken must
      // finish and be recorded as notified. Only a send waiting out its retry backoff is dropped.
      const receipt = await run(channel, n, {});
      deps.log.info({ ...fields, status: receipt.status }, logAs.done);
      meter?.delivered(n, channel.type);
      return receipt;
    } catch (err) {
      const failure = failureForError(err, `${channel.type} channel`, context?.cancellationSignal);
      deps.log.warn({ ...fields, err: failure }, logAs.failed);
      meter?.failed(channel.type, failure);
      throw failure;
    } finally {
      clearInterval(beat);
    }
  }

  return {
    /**
     * Delivers one notification through the channel for
     * `notification.recipient.contactMethod.type`. A type whose channel is not configured
     * fails at once, non-retryable, with type `channel_not_configured` (no send attempted),
     * unless `logOnly` (development) writes it to the log with a `logged` receipt.
     *
     * Retries (profile "notify", NOTIFY_PROFILE): transient failures (5xx, 408,
     * 429 with its Retry-After, timeouts, network errors) throw a retryable
     * ApplicationFailure of type `NotificationTransient`; a receiver that refuses the
     * message (other 4xx, invalid address) throws a non-retryable `NotificationRejected`,
     * which the workflow records on the timeline before escalation continues.
     *
     * Idempotency: delivery is at-least-once (a worker crash after the receiver accepted,
     * or a timeout after it processed, repeats the send). Every attempt carries the same
     * `notification.idempotencyKey` (workflow, incident run, escalation step, person and
     * contact method), and receivers dedup on it.
     */
    async sendNotification(input: { notification: Notification }): Promise<DeliveryReceipt> {
      return attempt(
        { done: 'notification delivered', failed: 'notification failed' },
        input.notification,
        (channel, n, ctx) => channel.send(n, ctx),
        deps.metrics,
      );
    },

    /**
     * Sends a message to a service's stakeholders (`notification.comms`: a rendered
     * communication template) to an email address or a Slack channel: the channel sends the
     * text as written. Same retries, failure types and idempotency as sendNotification.
     */
    async sendStakeholderMessage(input: { notification: Notification }): Promise<DeliveryReceipt> {
      if (!input.notification.comms)
        throw rejected('a stakeholder message needs its text (comms)', { reason: 'no_comms' });
      return attempt(
        { done: 'stakeholder message delivered', failed: 'stakeholder message failed' },
        input.notification,
        (channel, n, ctx) => channel.send(n, ctx),
        deps.metrics,
      );
    },

    /**
     * Rewrites a message posted earlier (its receipt's `messageRef`) with the incident as
     * it is now: status, severity, who acknowledged or resolved, and the buttons that still
     * apply. Same retries and failure types as sendNotification; a channel that cannot
     * update messages refuses. Rewriting is idempotent: a repeated attempt shows the same.
     */
    async updateNotification(input: { notification: Notification; messageRef: MessageRef }): Promise<DeliveryReceipt> {
      return attempt(
        { done: 'notification updated', failed: 'notification update failed' },
        input.notification,
        (channel, n, ctx) => {
          if (!channel.update)
            throw rejected(`${channel.type} channel cannot update messages`, { reason: 'not_updatable' });
          return channel.update(n, input.messageRef, ctx);
        },
      );
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
