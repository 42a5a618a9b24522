/**
 * The Slack buttons Vigil posts and answers: action ids, and the value an approval button
 * carries. Shared by the Slack channel (activities/notify/slack.ts), which draws them, and
 * the interactions route (integrations/slack/commands.ts), which acts on them.
 */
export const SLACK_ACTIONS = {
  ack: 'vigil_ack',
  resolve: 'vigil_resolve',
  escalate: 'vigil_escalate',
  approve: 'vigil_runbook_approve',
  deny: 'vigil_runbook_deny',
} as const;

/** Which step of which runbook run of which incident an Approve / Deny button decides. */
export interface ApprovalRef {
  incidentId: string;
  runId: string;
  step: string;
}

/** "<incident id> <run id> <step>": none of the three contains a space. */
export const approvalValue = (a: ApprovalRef): string => `${a.incidentId} ${a.runId} ${a.step}`;

export function parseApprovalValue(value: string): ApprovalRef | undefined {
  const [incidentId, runId, step, ...rest] = value.split(' ');
  return incidentId && runId && step && rest.length === 0 ? { incidentId, runId, step } : undefined;
}
