/**
 * Exports one review action item to its team's tracker: create the issue (retried on
 * transient failures), then store its key on the review (retried until MongoDB takes it).
 * The workflow id is the item's (followUpWorkflowId), so an item is exported once however
 * often the export is asked for.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { FollowUpActivities, ExportItemInput } from '../activities/follow-up';
import { EXPORT_PROFILE, PERSIST_PROFILE } from './activity-profiles';
import type { ExternalRef } from '../domain/coordination/follow-up';

const { exportActionItem } = proxyActivities<FollowUpActivities>(EXPORT_PROFILE);
const { recordActionItemExport } = proxyActivities<FollowUpActivities>(PERSIST_PROFILE);

export async function exportActionItemWorkflow(input: ExportItemInput): Promise<ExternalRef> {
  const external = await exportActionItem(input);
  await recordActionItemExport({ ...input, external });
  return external;
}
