/**
 * How the API and the status-page activities tell a page incident's mirror workflow that
 * the incident changed: a signal-with-start on one workflow per page incident, so changes
 * are pushed in order, and several quick changes in one push.
 */
import { defineSignal } from '@temporalio/workflow';

export interface MirrorInput {
  pageId: string;
  pageIncidentId: string;
  /** The Vigil incident (its workflow id), whose timeline hears of a push that failed. */
  incidentId?: string;
}

export const MIRROR_WORKFLOW_TYPE = 'statusPageMirrorWorkflow';
export const mirrorChangedSignal = defineSignal('statusPageChanged');
export const mirrorWorkflowId = (i: Pick<MirrorInput, 'pageId' | 'pageIncidentId'>) =>
  `status-page-mirror:${i.pageId}:${i.pageIncidentId}`;
/** The mirrors' activities run on their own rate-limited queue: a provider's trouble waits in no page's way. */
export const mirrorTaskQueue = (incidentTaskQueue: string) => `${incidentTaskQueue}-status-mirror`;
