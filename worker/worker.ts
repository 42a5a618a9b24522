import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import {
  createEmailChannel,
  createNotifyActivities,
  createSlackChannel,
  createSmsChannel,
  createTeamsChannel,
  createWebhookChannel,
  type NotificationChannel,
  type NotifyChannels,
  type NotifyDeps,
} from '../activities/notify';
import { createVoiceChannel } from '../integrations/twilio/voice';
import { channelAvailability, voiceCaller, type ChannelConfig as LibChannelConfig } from '../lib/channels';
import { createOnCallActivities } from '../activities/oncall';
import { createReviewActivities } from '../activities/review';
import {
  createIncidentChannelWorker,
  followUpActivities,
  incidentChannelActivities,
  type FollowUpConfig,
} from './coordination';
import { createRunbookActivities } from '../activities/runbook';
import { createStoreActivities } from '../activities/store';
import { createStatusPageActivities } from '../activities/status-page';
import type { ServicePlan } from '../domain/incident/plan';
import { createConfigSnapshotReader } from '../lib/models/config';
import { notifyTaskQueue } from '../domain/incident/notification';
import { CONTACT_METHOD_TYPES, type ContactMethodType } from '../domain/config/user';
import { buildRespondLinks } from '../integrations/respond/worker-links';
import type { WorkerMetrics } from '../lib/metrics';
import { notifyMeter } from '../activities/notify/metrics';
import { WORKFLOW_BUNDLER_OPTIONS } from './bundler-options';
import { createMirrorWorker } from './status-page-mirror';
import { announceFromActivity, subscriberActivities } from './status-page-subscribers';

type ChannelConfig = LibChannelConfig &
  Partial<
    Pick<
      Config,
      | 'VIGIL_SMTP_FROM'
      | 'VIGIL_TWILIO_API_URL'
      | 'VIGIL_SLACK_API_URL'
      | 'VIGIL_PUBLIC_URL'
      | 'VIGIL_NOTIFY_LOG_ONLY'
      | 'VIGIL_SLACK_ANNOUNCEMENTS_CHANNEL'
    >
  >;

/** Every activity the worker serves, built from injected clients; nothing connects at import. */
type ActivityConfig = Pick<Config, 'VIGIL_WEBHOOK_SIGNING_SECRET' | 'VIGIL_MINUTE_MS'> &
  Partial<Pick<Config, 'VIGIL_RUNBOOK_DIR' | 'VIGIL_RUNBOOK_COMMAND_ALLOWLIST' | 'VIGIL_RUNBOOK_OUTPUT_LIMIT'>> &
  ChannelConfig &
  FollowUpConfig;

/**
 * The delivery channel per contact method type, from configuration. Which types are
 * deliverable is decided once, by channelAvailability (lib/channels.ts, also behind readiness);
 * a type without a channel fails its sends with channel_not_configured (a warning says so at
 * start), or is only logged with VIGIL_NOTIFY_LOG_ONLY.
 */
export function buildChannels(deps: { log: Logger; config: ActivityConfig }): NotifyChannels {
  const { log, config } = deps;
  const available = channelAvailability(config);
  const channels: NotifyChannels = {};
  const twilio = {
    baseUrl: config.VIGIL_TWILIO_API_URL ?? 'https://api.twilio.com',
    accountSid: config.VIGIL_TWILIO_ACCOUNT_SID ?? '',
    authToken: config.VIGIL_TWILIO_AUTH_TOKEN ?? '',
    log,
  };
  const build: { [T in ContactMethodType]?: () => NotificationChannel } = {
    webhook: () => createWebhookChannel({ signingSecret: config.VIGIL_WEBHOOK_SIGNING_SECRET ?? '', log }),
    email: () =>
      createEmailChannel({
        smtpUrl: config.VIGIL_SMTP_URL ?? '',
        from: config.VIGIL_SMTP_FROM ?? 'Vigil <vigil@localhost>',
        log,
      }),
    // With a public URL the API takes replies (integrations/twilio/routes.ts): pages say how.
    sms: () =>
      createSmsChannel({ ...twilio, from: config.VIGIL_TWILIO_FROM ?? '', replies: !!config.VIGIL_PUBLIC_URL }),
    voice: () => createVoiceChannel({ ...twilio, from: voiceCaller(config) ?? '', publicUrl: config.VIGIL_PUBLIC_URL }),
    slack: () =>
      createSlackChannel({
        botToken: config.VIGIL_SLACK_BOT_TOKEN,
        webhookUrl: config.VIGIL_SLACK_WEBHOOK_URL,
        apiUrl: config.VIGIL_SLACK_API_URL,
        log,
      }),
    teams: () => createTeamsChannel({ log }),
  };
  const fate = config.VIGIL_NOTIFY_LOG_ONLY
    ? 'its pages are only logged, not delivered (VIGIL_NOTIFY_LOG_ONLY)'
    : 'its pages fail as channel_not_configured';
  for (const type of CONTACT_METHOD_TYPES) {
    const a = available[type];
    const make = build[type];
    if (a.deliverable && make) channels[type] = make();
    else
      log.warn(
        { channel: type, why: a.deliverable ? 'no channel in this build' : a.why },
        `channel not configured: ${fate}`,
      );
  }
  return channels;
}

export function buildActivities(deps: {
  log: Logger;
  config: ActivityConfig;
  notifyTaskQueues?: boolean;
  channels?: NotifyChannels;
  links?: NotifyDeps['links'];
  metrics?: WorkerMetrics;
}) {
  // One configuration snapshot for the worker's lookups, read again when a write moves its revision.
  const loadConfig = createConfigSnapshotReader();
  const oncall = createOnCallActivities({
    loadConfig,
    log: deps.log,
    minuteMs: deps.config.VIGIL_MINUTE_MS,
    metrics: deps.metrics,
    publicUrl: deps.config.VIGIL_PUBLIC_URL,
  });
  const carriedOut = {
    slackChannels: Boolean(deps.config.VIGIL_SLACK_BOT_TOKEN),
    notifyTaskQueues: deps.notifyTaskQueues === true,
  };
  return {
    ...createStoreActivities(deps),
    ...oncall,
    loadServicePlan: async (input: Parameters<typeof oncall.loadServicePlan>[0]) =>
      planForWorker(await oncall.loadServicePlan(input), carriedOut),
    ...createReviewActivities({ log: deps.log }),
    ...incidentChannelActivities(deps),
    ...followUpActivities(deps),
    ...createStatusPageActivities({ log: deps.log, announce: announceFromActivity, loadConfig }),
    ...subscriberActivities(deps),
    ...createRunbookActivities({
      log: deps.log,
      runbookDir: deps.config.VIGIL_RUNBOOK_DIR ?? 'runbooks',
      allowlist: deps.config.VIGIL_RUNBOOK_COMMAND_ALLOWLIST ?? {},
      outputLimit: deps.config.VIGIL_RUNBOOK_OUTPUT_LIMIT ?? 16_384,
      metrics: deps.metrics,
    }),
    // Also on the incident queue: incidents planned before per-channel queues send here.
    ...createNotifyActivities({
      channels: deps.channels ?? buildChannels(deps),
      availability: channelAvailability(deps.config),
      logOnly: deps.config.VIGIL_NOTIFY_LOG_ONLY,
      log: deps.log,
      links: deps.links,
      ...(deps.metrics ? { metrics: notifyMeter(deps.metrics) } : {}),
    }),
  };
}

/** Per channel type: concurrent sends and sends per second (provider limits: Slack ~1/s per channel). */
export const NOTIFY_CONCURRENCY_DEFAULT = 10;
export const NOTIFY_RATE_DEFAULTS: Readonly<Record<ContactMethodType, number>> = {
  email: 10,
  sms: 10,
  voice: 5,
  slack: 5,
  webhook: 50,
  teams: 4,
};

/**
 * The plan, which the run's history records, as this worker carries it out: with
 * notifyTaskQueues when it also serves the per-channel notify queues (see notifyFor in
 * workflows/incident/activity-stubs.ts), and without an incident channel rule when Slack is not
 * configured (every incident would otherwise try to open a channel, fail, and on resolution
 * start a workflow to close it).
 */
export function planForWorker(
  { incidentChannel, ...plan }: ServicePlan,
  worker: { slackChannels: boolean; notifyTaskQueues: boolean },
): ServicePlan {
  return {
    ...plan,
    ...(incidentChannel && worker.slackChannels ? { incidentChannel } : {}),
    ...(worker.notifyTaskQueues ? { notifyTaskQueues: true } : {}),
  };
}

export interface NotifyQueueLayout {
  type: ContactMethodType;
  taskQueue: string;
  maxConcurrentActivityTaskExecutions: number;
  maxActivitiesPerSecond: number;
}

export function notifyQueueLayout(
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'> &
    Partial<Pick<Config, 'VIGIL_NOTIFY_CONCURRENCY' | 'VIGIL_NOTIFY_RATE_PER_SECOND'>>,
): NotifyQueueLayout[] {
  return CONTACT_METHOD_TYPES.map((type) => ({
    type,
    taskQueue: notifyTaskQueue(config.TEMPORAL_TASK_QUEUE, type),
    maxConcurrentActivityTaskExecutions: config.VIGIL_NOTIFY_CONCURRENCY?.[type] ?? NOTIFY_CONCURRENCY_DEFAULT,
    maxActivitiesPerSecond: config.VIGIL_NOTIFY_RATE_PER_SECOND?.[type] ?? NOTIFY_RATE_DEFAULTS[type],
  }));
}

export interface Workers {
  /** The incident queue: workflows and every activity. */
  worker: Worker;
  /** One per channel type, serving only that type's sends. */
  channelWorkers: Array<{ layout: NotifyQueueLayout; worker: Worker }>;
  connection: NativeConnection;
  /** Runs them all; when one stops (signal or failure), the others are shut down too. */
  run(): Promise<void>;
}

export async function createWorker(config: Config, log: Logger, metrics?: WorkerMetrics): Promise<Workers> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const channels = buildChannels({ log, config });
  const links = buildRespondLinks({ log, config });
  const activities = buildActivities({ log, config, notifyTaskQueues: true, channels, links, metrics });
  const common = {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    // The worker stops on SIGINT/SIGTERM by itself; in-flight activities get this long.
    shutdownGraceTime: '10 seconds',
    // Sends heartbeat every second (activities/notify); each beat reaches the server at once.
    maxHeartbeatThrottleInterval: '1 second',
  };
  const worker = await Worker.create({
    ...common,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    bundlerOptions: WORKFLOW_BUNDLER_OPTIONS,
    activities,
    // Open incidents kept in memory (1-2 MB each; default 250); the others replay from history
    // when woken (CPU per wake), so the cache bounds memory however many are open.
    maxCachedWorkflows: config.VIGIL_WORKFLOW_CACHE_SIZE,
    // One workflow thread: a few tasks at a time, the others wait at the server (VIGIL_WORKFLOW_TASK_SLOTS).
    maxConcurrentWorkflowTaskExecutions: Math.min(config.VIGIL_WORKFLOW_TASK_SLOTS, config.VIGIL_WORKFLOW_CACHE_SIZE),
  });
  // The same notify activities as the incident queue's, served again per channel type.
  const {
    sendNotification,
    updateNotification,
    sendStakeholderMessage,
    deliverStatusPageUpdate,
    sendStatusPageConfirmation,
  } = activities;
  const channelWorkers = [];
  for (const layout of notifyQueueLayout(config)) {
    channelWorkers.push({
      layout,
      worker: await Worker.create({
        ...common,
        taskQueue: layout.taskQueue,
        activities: {
          sendNotification,
          updateNotification,
          sendStakeholderMessage,
          deliverStatusPageUpdate,
          sendStatusPageConfirmation,
        },
        maxConcurrentActivityTaskExecutions: layout.maxConcurrentActivityTaskExecutions,
        maxActivitiesPerSecond: layout.maxActivitiesPerSecond,
      }),
    });
  }
  // Incident channels on their own queue and rate: Slack's limits never hold up a page.
  const incidentChannelWorker = await createIncidentChannelWorker(common, config.TEMPORAL_TASK_QUEUE, activities);
  const mirrorWorker = await createMirrorWorker(common, config.TEMPORAL_TASK_QUEUE, log);
  const all = [worker, incidentChannelWorker, mirrorWorker, ...channelWorkers.map((c) => c.worker)];
  return {
    worker,
    channelWorkers,
    connection,
    async run() {
      const runs = all.map((w) =>
        w.run().finally(() => {
          for (const other of all) if (other.getState() === 'RUNNING') other.shutdown();
        }),
      );
      const results = await Promise.allSettled(runs);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
