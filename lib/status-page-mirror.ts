/**
 * Tells a page incident's mirror workflow that the incident changed (signal-with-start,
 * one workflow per page incident): from the API after a responder's command, and from
 * the incident workflow's status-page activity after each step. Only pages with a
 * `mirror` are told.
 */
import type { Client } from '@temporalio/client';
import {
  MIRROR_WORKFLOW_TYPE,
  mirrorChangedSignal,
  mirrorWorkflowId,
  type MirrorInput,
} from '../workflows/status-page-mirror-contract';

export type MirrorTrigger = (input: MirrorInput) => Promise<void>;

export function mirrorTrigger(client: Client, taskQueue: string): MirrorTrigger {
  return async (input) => {
    await client.workflow.signalWithStart(MIRROR_WORKFLOW_TYPE, {
      workflowId: mirrorWorkflowId(input),
      taskQueue,
      args: [input],
      signal: mirrorChangedSignal,
      signalArgs: [],
    });
  };
}
