/**
 * Follow-up export: one review action item becomes an issue in its team's tracker (Jira
 * Cloud REST v3, Linear GraphQL, GitHub REST) or a signed webhook, with the request shapes
 * in domain/coordination/follow-up.ts, sent by ./follow-up-trackers.ts; base URLs
 * configurable so tests point them at local receivers.
 *
 * exportActionItem creates the issue (profile "export"); recordActionItemExport stores its
 * key on the review (profile "persist"). The workflow runs them once per item (its id is
 * the item's), and exportActionItem returns the stored key when the item already has one.
 */
import { notConfigured, rejected } from './notify/channel';
import { createTrackerIssue, type TrackerCredentials } from './follow-up-trackers';
import type { Logger } from '../lib/logger';
import { loadConfigSnapshot } from '../lib/models/config';
import { findLatestReview, recordActionItemExport } from '../lib/models/review';
import type { ExternalRef, FollowUpItem, FollowUpTarget } from '../domain/coordination/follow-up';

export type { TrackerCredentials };

export interface ExportItemInput {
  incidentId: string;
  runKey: string;
  itemId: string;
}

export function createFollowUpActivities(deps: { log: Logger; trackers: TrackerCredentials; publicUrl?: string }) {
  const create = (target: FollowUpTarget, item: FollowUpItem, key: string) =>
    createTrackerIssue(deps.trackers, target, item, key);
  return {
    /** Creates the item's issue in its team's tracker; an item already exported answers its stored key. */
    async exportActionItem(input: ExportItemInput): Promise<ExternalRef> {
      const stored = await findLatestReview(input.incidentId, input.runKey);
      const item = stored?.review.actionItems.find((i) => i.id === input.itemId);
      if (!stored || !item) throw rejected(`no action item "${input.itemId}" in the review of ${input.incidentId}`);
      if (item.external) return item.external;
      const snap = await loadConfigSnapshot();
      const incident = stored.review.incident;
      const service = snap.services.find((s) => s.id === incident.service);
      const target = snap.teams.find((t) => t.id === service?.teamId)?.followUps;
      if (!target)
        throw notConfigured('follow-ups', `the team of service "${incident.service}" has no followUps tracker`);
      const followUp: FollowUpItem = {
        id: item.id,
        title: item.title,
        owner: item.owner,
        dueDate: item.dueDate,
        ...(item.priority ? { priority: item.priority } : {}),
        incident: `#${incident.number ?? '?'} ${incident.service}: ${incident.summary}`,
        ...(deps.publicUrl
          ? { link: new URL(`/incidents/${encodeURIComponent(input.incidentId)}`, deps.publicUrl).href }
          : {}),
      };
      const external = await create(target, followUp, `${input.incidentId}:${input.runKey}:${item.id}`);
      deps.log.info(
        { incidentId: input.incidentId, itemId: item.id, tracker: external.tracker, key: external.key },
        'action item exported',
      );
      return external;
    },

    /** Stores the export on the review (a new revision); the first export of an item is kept. */
    async recordActionItemExport(input: ExportItemInput & { external: ExternalRef }): Promise<{ recorded: boolean }> {
      const outcome = await recordActionItemExport(input.incidentId, input.runKey, input.itemId, {
        ...input.external,
        exportedAt: new Date().toISOString(),
      });
      if (!outcome.ok && outcome.reason === 'conflict') throw new Error('the review kept changing; retrying');
      return { recorded: outcome.ok };
    },
  };
}

export type FollowUpActivities = ReturnType<typeof createFollowUpActivities>;
