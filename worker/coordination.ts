/**
 * Coordination activities from configuration: the incident channel's (with the one Slack
 * client; none without a bot token) and the worker for their own task queue, rate-limited
 * below Slack's Web API limits so Slack's trouble never holds up a page on another queue;
 * follow-up export with each tracker's base URL and credentials.
 */
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { createIncidentChannelActivities, type IncidentChannelActivities } from '../activities/incident-channel';
import { createSlackWebApi } from '../integrations/slack/web-api';
import { incidentChannelTaskQueue } from '../domain/coordination/channel-activity';
import { createFollowUpActivities, type TrackerCredentials } from '../activities/follow-up';

/** Slack allows about one post per second per channel. */
const INCIDENT_CHANNEL_RATE_PER_SECOND = 1;

export function incidentChannelActivities(deps: {
  log: Logger;
  config: Partial<
    Pick<
      Config,
      'VIGIL_SLACK_BOT_TOKEN' | 'VIGIL_SLACK_API_URL' | 'VIGIL_SLACK_ANNOUNCEMENTS_CHANNEL' | 'VIGIL_PUBLIC_URL'
    >
  >;
}): IncidentChannelActivities {
  const { config, log } = deps;
  const publicUrl = config.VIGIL_PUBLIC_URL;
  return createIncidentChannelActivities({
    log,
    ...(config.VIGIL_SLACK_BOT_TOKEN
      ? { api: createSlackWebApi({ botToken: config.VIGIL_SLACK_BOT_TOKEN, apiUrl: config.VIGIL_SLACK_API_URL, log }) }
      : {}),
    announcementsChannel: config.VIGIL_SLACK_ANNOUNCEMENTS_CHANNEL,
    ...(publicUrl
      ? { incidentPage: (id: string) => new URL(`/incidents/${encodeURIComponent(id)}`, publicUrl).href }
      : {}),
  });
}

export function createIncidentChannelWorker(
  common: Pick<WorkerOptions, 'connection' | 'namespace' | 'shutdownGraceTime'>,
  incidentTaskQueue: string,
  activities: IncidentChannelActivities,
): Promise<Worker> {
  const { openIncidentChannel, syncIncidentChannel, archiveIncidentChannel } = activities;
  return Worker.create({
    ...common,
    taskQueue: incidentChannelTaskQueue(incidentTaskQueue),
    activities: { openIncidentChannel, syncIncidentChannel, archiveIncidentChannel },
    maxConcurrentActivityTaskExecutions: 2,
    maxActivitiesPerSecond: INCIDENT_CHANNEL_RATE_PER_SECOND,
  });
}

export type FollowUpConfig = Partial<
  Pick<
    Config,
    | 'VIGIL_JIRA_URL'
    | 'VIGIL_JIRA_EMAIL'
    | 'VIGIL_JIRA_API_TOKEN'
    | 'VIGIL_LINEAR_API_URL'
    | 'VIGIL_LINEAR_API_KEY'
    | 'VIGIL_GITHUB_API_URL'
    | 'VIGIL_GITHUB_TOKEN'
    | 'VIGIL_WEBHOOK_SIGNING_SECRET'
    | 'VIGIL_PUBLIC_URL'
  >
>;

/** The trackers this deployment has credentials for. */
export function trackerCredentials(c: FollowUpConfig): TrackerCredentials {
  return {
    ...(c.VIGIL_JIRA_URL && c.VIGIL_JIRA_EMAIL && c.VIGIL_JIRA_API_TOKEN
      ? { jira: { url: c.VIGIL_JIRA_URL, email: c.VIGIL_JIRA_EMAIL, apiToken: c.VIGIL_JIRA_API_TOKEN } }
      : {}),
    ...(c.VIGIL_LINEAR_API_KEY
      ? { linear: { url: c.VIGIL_LINEAR_API_URL ?? 'https://api.linear.app/graphql', apiKey: c.VIGIL_LINEAR_API_KEY } }
      : {}),
    ...(c.VIGIL_GITHUB_TOKEN
      ? { github: { url: c.VIGIL_GITHUB_API_URL ?? 'https://api.github.com', token: c.VIGIL_GITHUB_TOKEN } }
      : {}),
    ...(c.VIGIL_WEBHOOK_SIGNING_SECRET ? { webhookSecret: c.VIGIL_WEBHOOK_SIGNING_SECRET } : {}),
  };
}

export function followUpActivities(deps: { log: Logger; config: FollowUpConfig }) {
  const { config, log } = deps;
  return createFollowUpActivities({ log, trackers: trackerCredentials(config), publicUrl: config.VIGIL_PUBLIC_URL });
}
