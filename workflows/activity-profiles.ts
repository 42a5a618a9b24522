/**
 * The activity option profiles workflow code schedules activities with. Every stub names
 * one, and every profile spells out its timeout and retry policy, so nobody has to know
 * the SDK's defaults to tell how long an activity may take or how often it runs.
 *
 * | profile   | for                                          | attempts         | timeout  |
 * |-----------|----------------------------------------------|------------------|----------|
 * | notify    | sending and rewriting notifications          | 8, ~4 min        | 30 s     |
 * | persist   | MongoDB writes (read model, reviews)         | until it works   | 30 s     |
 * | lookup    | configuration reads, incident numbers        | until it works   | 30 s     |
 * | local lookup | the same reads before a page (local)      | until it works   | 10 s     |
 * | comms     | the stakeholders' message (template render)  | 10, ~6 min       | 30 s     |
 * | statusPage| publishing on status pages                   | 10, ~6 min       | 30 s     |
 * | remediate | runbook steps (http, command)                | the step's own   | the step's own |
 * | channel   | incident channel (Slack Web API calls)       | 10, ~10 min      | 2 min    |
 * | export    | follow-up export to a tracker                | 10, ~10 min      | 1 min    |
 * | mirror    | status page mirror (Statuspage, Cachet)      | 10, ~10 min      | 1 min    |
 * | subscriber| a status-page subscriber's message            | 10, ~10 min      | 1 min    |
 */
import { ActivityCancellationType, type ActivityOptions, type LocalActivityOptions } from '@temporalio/common';
import { CHANNEL_NOT_CONFIGURED, NOTIFICATION_REJECTED } from '../domain/incident/notification';
import type { LeafStep } from '../domain/runbook/runbook';

/**
 * notify: retries with backoff on transient failures (5xx, 408, 429, timeouts, network
 * errors) for about four minutes; a receiver that refuses the message (other 4xx, bad
 * address) fails at once with `NotificationRejected`, which the workflow records on the
 * timeline while escalation continues. The channel's own HTTP timeout sits below
 * startToCloseTimeout, so a slow receiver surfaces as a classified failure rather than an
 * activity timeout. Run sends beside the escalation timer, not in front of it: a failing
 * channel must not delay the next level.
 *
 * Cancellation (acknowledgement, re-plan) waits for an attempt already in flight: a page
 * the receiver took is recorded as `notified` rather than lost from the timeline, while a
 * send waiting out its retry backoff is dropped at once, so nothing is sent after the ack.
 */
export const NOTIFY_PROFILE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  // A send heartbeats while it waits on the receiver (activities/notify): a worker that dies
  // mid-send is noticed after 5 s and the page goes again, not after startToClose (30 s).
  heartbeatTimeout: '5 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [NOTIFICATION_REJECTED],
  },
};

/**
 * persist: idempotent writes to MongoDB (the incident read model, reviews). Retried
 * without limit, backing off to a minute: an outage delays a write, never loses it.
 */
export const PERSIST_PROFILE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/**
 * lookup: reads of configuration (service plan, who to page) and the idempotent incident
 * number. Retried without limit, backing off to 30 s: paging waits for MongoDB, and picks
 * up again within half a minute of its return.
 */
export const LOOKUP_PROFILE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
};

/**
 * local lookup: the configuration reads that stand between an alert or an escalation timer
 * and its page (the service plan with level 1's recipients, the coordination plan, a later
 * level's recipients), run as local activities: in the worker, inside the workflow task that
 * needs them, with no activity task through the server and no second workflow task to read
 * the result (patch `local-lookups`). A page then goes out in the workflow task that opened
 * the incident. Retried like `lookup`: within a minute in the worker while the workflow task
 * is kept alive, then on a timer, so paging waits for MongoDB and resumes once it is back.
 */
export const LOCAL_LOOKUP_PROFILE: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
};

/**
 * lookup of the runbook folder, which a worker may not serve (older deployments, tests):
 * three attempts, and none more once the worker answers that it has no such activity.
 * The incident runs on without runbooks then.
 */
export const RUNBOOK_LOOKUP_PROFILE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '100 seconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes: ['NotFoundError'],
  },
};

/**
 * channel: the incident channel's Slack calls (several per activity, each idempotent by the
 * channel's document). Retries honour Slack's Retry-After (nextRetryDelay); a refusal
 * (NotificationRejected) or no bot token (ChannelNotConfigured) fails at once. On its own
 * task queue, so none of it waits in front of a page.
 */
/** Calls to a vendor's API (Slack, trackers): ten tries over about ten minutes; a refusal or no credentials fail at once. */
const VENDOR_RETRY: ActivityOptions['retry'] = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '2 minutes',
  maximumAttempts: 10,
  nonRetryableErrorTypes: [NOTIFICATION_REJECTED, CHANNEL_NOT_CONFIGURED],
};

export const INCIDENT_CHANNEL_PROFILE: ActivityOptions = { startToCloseTimeout: '2 minutes', retry: VENDOR_RETRY };

/**
 * export: one tracker call that creates an issue for an action item. Retried on transient
 * failures; a refusal (bad project, bad token) fails at once and the item stays unexported.
 */
export const EXPORT_PROFILE: ActivityOptions = { startToCloseTimeout: '1 minute', retry: VENDOR_RETRY };

/**
 * mirror: one push of a page's incident to a hosted Statuspage or Cachet (several calls,
 * each recorded once it succeeded, so a retry goes on where the last attempt stopped).
 * A refusal (4xx) or a credential not set fails at once, onto the incident's timeline.
 */
export const MIRROR_PROFILE: ActivityOptions = { startToCloseTimeout: '1 minute', retry: VENDOR_RETRY };

/**
 * statusPage: the pages a service publishes on, and one idempotent publishing step
 * (MongoDB writes keyed by the step). Retried about six minutes, then the workflow records
 * the failure on the timeline and carries on: a status page never holds up paging, and a
 * later change publishes again. A worker that does not serve these activities (an older
 * deployment, tests) answers NotFoundError at once: the incident runs without status pages.
 */
export const STATUS_PAGE_PROFILE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['NotFoundError'],
  },
};

/**
 * comms: composing the stakeholders' message from configuration (read-only). Retried about
 * six minutes, then the workflow records that the stakeholders could not be told: they
 * never hold up the incident. A worker that does not serve it (NotFoundError) means no message.
 */
export const COMMS_LOOKUP_PROFILE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['NotFoundError'],
  },
};

/**
 * subscriber: one message to one status-page subscriber (email or webhook), on its
 * channel's task queue. Retried like a vendor call; a refusal or an unconfigured channel
 * fails at once and only that subscriber misses the update.
 */
export const SUBSCRIBER_PROFILE: ActivityOptions = { startToCloseTimeout: '1 minute', retry: VENDOR_RETRY };

/** A step without its own timeout: an HTTP call gets a minute, a command five. */
export const REMEDIATE_DEFAULT_TIMEOUT = { http: '1m', command: '5m' } as const;
/** A step without its own retry runs once: a remediation repeats only where its author says it may. */
const REMEDIATE_DEFAULT_RETRY = { attempts: 1, delay: '5s', backoff: 2 };

/**
 * remediate: one runbook step, with the step's own timeout and retries (see the runbook
 * schema); commands heartbeat, so a hung process is noticed within 30 s.
 */
export function remediateProfile(step: LeafStep, kind: 'http' | 'command', summary: string): ActivityOptions {
  const retry = step.retry ?? REMEDIATE_DEFAULT_RETRY;
  return {
    startToCloseTimeout: step.timeout ?? REMEDIATE_DEFAULT_TIMEOUT[kind],
    ...(kind === 'command' ? { heartbeatTimeout: '30 seconds' } : {}),
    retry: { maximumAttempts: retry.attempts, initialInterval: retry.delay, backoffCoefficient: retry.backoff },
    summary,
  };
}
