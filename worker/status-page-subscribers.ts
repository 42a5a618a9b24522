/**
 * Status-page subscribers from configuration: the senders (SMTP and the webhook signing
 * secret the notify channels use), the signed links (VIGIL_PUBLIC_URL and
 * VIGIL_LINK_SIGNING_SECRET), and the hook the publishing activity announces updates with.
 * The hook starts the fan-out on the queue the publishing activity runs on (the incident
 * queue) through the worker's own client.
 */
import { Context, getClient } from '@temporalio/activity';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { createSubscriberLinks } from '../lib/subscriber-links';
import { createSubscriberAnnouncer, type SubscriberAnnouncer } from '../lib/status-page-announce';
import { createSubscriberActivities } from '../activities/status-page/subscribers';
import { createSubscriberSenders } from '../activities/status-page/senders';

export type SubscriberConfig = Partial<
  Pick<
    Config,
    | 'VIGIL_SMTP_URL'
    | 'VIGIL_SMTP_FROM'
    | 'VIGIL_WEBHOOK_SIGNING_SECRET'
    | 'VIGIL_PUBLIC_URL'
    | 'VIGIL_LINK_SIGNING_SECRET'
  >
>;

export function subscriberActivities(deps: { log: Logger; config: SubscriberConfig }) {
  const { config, log } = deps;
  const publicUrl = config.VIGIL_PUBLIC_URL;
  const secret = config.VIGIL_LINK_SIGNING_SECRET;
  return createSubscriberActivities({
    log,
    senders: createSubscriberSenders({
      smtpUrl: config.VIGIL_SMTP_URL,
      from: config.VIGIL_SMTP_FROM ?? 'Vigil <vigil@localhost>',
      webhookSecret: config.VIGIL_WEBHOOK_SIGNING_SECRET,
    }),
    ...(publicUrl && secret ? { links: createSubscriberLinks({ publicUrl, secret }), publicUrl } : {}),
  });
}

/** Announces from inside an activity: the worker's client, the activity's own (incident) queue. */
export const announceFromActivity: SubscriberAnnouncer['announce'] = (input) =>
  createSubscriberAnnouncer(getClient, Context.current().info.taskQueue).announce(input);
