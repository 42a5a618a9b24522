/**
 * The incident channel's activities (with the one Slack client; none without a bot token)
 * and the worker for their own task queue, rate-limited below Slack's Web API limits so
 * Slack's trouble never holds up a page on another queue.
 */
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { createIncidentChannelActivities, type IncidentChannelActivities } from '../activities/incident-channel';
import { createSlackWebApi } from '../integrations/slack/web-api';
import { incidentChannelTaskQueue } from '../domain/coordination/channel-activity';

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
