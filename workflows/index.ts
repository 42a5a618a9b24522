// The module the worker bundles (workflowsPath): every workflow type Vigil runs.
export { incidentWorkflow } from './incident';
export { postIncidentReviewWorkflow } from './review';
export { runbookWorkflow } from './runbook/runbook';
export { incidentChannelCloseWorkflow } from './incident/incident-channel';
export { exportActionItemWorkflow } from './follow-up';
export { statusPageMirrorWorkflow } from './status-page-mirror';
export { statusPageAnnounceWorkflow, statusPageConfirmWorkflow } from './status-page-subscribers';
