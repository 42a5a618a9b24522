/** What the incident workflow and the incident-channel activities exchange (shared types). */
import type { AnnouncementUrgency } from './incident-channel';
import type { BridgeLink } from './bridge';

/** A timeline entry with its position on the timeline: the channel posts each once. */
export interface ChannelEntry {
  index: number;
  text: string;
}

export interface OpenChannelInput {
  /** `${incidentId}:${runKey}` */
  incidentKey: string;
  incidentId: string;
  name: string;
  topic: string;
  /** The opening line, also the announcement's. */
  headline: string;
  urgency: AnnouncementUrgency;
  bridge?: BridgeLink;
}

export interface SyncChannelInput {
  incidentKey: string;
  entries: ChannelEntry[];
  topic: string;
  /** Vigil user ids to have in the channel (paged, acknowledged); mapped to Slack ids by their slack contact method. */
  userIds: string[];
}

export interface ChannelSyncResult {
  /** False when the incident has no channel (never opened, or Slack was not configured). */
  found: boolean;
  postedCount: number;
}

/** The channel's own task queue, beside the per-channel notify queues. */
export const incidentChannelTaskQueue = (incidentTaskQueue: string): string => `${incidentTaskQueue}-incident-channel`;
