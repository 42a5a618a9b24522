/** The route table: every route the API can serve, each defined once (see ../http/route.ts). */
import type { AnyRoute } from '../http/route';
import { respondRoutes } from '../../integrations/respond/routes';
import { slackRoutes } from '../../integrations/slack/routes';
import { twilioRoutes } from '../../integrations/twilio/routes';
import { auditRoutes } from './audit';
import { alertRoutes } from './alerts';
import { configRoutes } from './config';
import { configApplyRoutes } from './config-apply';
import { coordinationRoutes } from './coordination';
import { healthRoutes } from './health';
import { incidentRoutes } from './incidents';
import { incidentEventRoutes } from './incident-events';
import { incidentListRoutes } from './incident-list';
import { changeEventRoutes } from './integrations/changes';
import { integrationRoutes } from './integrations/alert-groups';
import { pagerDutyRoutes } from './integrations/pagerduty';
import { onCallRoutes } from './oncall';
import { openApiRoutes } from './openapi';
import { readinessRoutes } from './readiness';
import { reportRoutes } from './reports';
import { reviewRoutes } from './review';
import { followUpRoutes } from './follow-ups';
import { runbookRoutes } from './runbooks';
import { statusPageCommandRoutes } from './status-page-commands';
import { tokenRoutes } from './tokens';
import { statusPageSubscriberRoutes } from './status-page-subscribers';

export const ROUTES: readonly AnyRoute[] = [
  ...healthRoutes,
  ...openApiRoutes,
  ...alertRoutes,
  ...integrationRoutes,
  ...pagerDutyRoutes,
  ...changeEventRoutes,
  ...incidentListRoutes,
  ...incidentEventRoutes,
  ...incidentRoutes,
  ...reviewRoutes,
  ...reportRoutes,
  ...followUpRoutes,
  ...configRoutes,
  ...onCallRoutes,
  ...configApplyRoutes,
  ...readinessRoutes,
  ...tokenRoutes,
  ...auditRoutes,
  ...runbookRoutes,
  ...slackRoutes,
  ...twilioRoutes,
  ...respondRoutes,
  ...coordinationRoutes,
  ...statusPageCommandRoutes,
  ...statusPageSubscriberRoutes,
];
