/** What the Slack routes need from the app (kept apart from the routes so api/http/services.ts imports no route). */
import type { IncidentGateway } from '../../api/incident-gateway';
import type { RunbookGateway } from '../../api/runbook-gateway';
import type { SlackDirectory } from './directory';

export interface SlackServices {
  /** VIGIL_SLACK_SIGNING_SECRET. */
  signingSecret: string;
  /** VIGIL_SLACK_RESPONSE_URL_PREFIX. */
  responseUrlPrefix?: string;
  /** VIGIL_SLACK_DECLARE_SERVICE. */
  declareService?: string;
  /** The incident commands run (default: the API's gateway; the app wraps it to audit each command). */
  incidents?: IncidentGateway;
  /** Approve / Deny buttons of runbook approval steps (default: the runbook routes' gateway). */
  runbooks?: Pick<RunbookGateway, 'decide'>;
  directory?: SlackDirectory;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}
