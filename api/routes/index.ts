/** The route table: every route the API can serve, each defined once (see ../http/route.ts). */
import type { AnyRoute } from '../http/route';
import { respondRoutes } from '../../integrations/respond/routes';
import { slackRoutes } from '../../integrations/slack/routes';
import { alertRoutes } from './alerts';
import { configRoutes } from './config';
import { configApplyRoutes } from './config-apply';
import { healthRoutes } from './health';
import { incidentRoutes } from './incidents';
import { changeEventRoutes } from './integrations/changes';
import { integrationRoutes } from './integrations/alert-groups';
import { pagerDutyRoutes } from './integrations/pagerduty';
import { onCallRoutes } from './oncall';
import { openApiRoutes } from './openapi';
import { reviewRoutes } from './review';
import { runbookRoutes } from './runbooks';

export const ROUTES: readonly AnyRoute[] = [
  ...healthRoutes,
  ...openApiRoutes,
  ...alertRoutes,
  ...integrationRoutes,
  ...pagerDutyRoutes,
  ...changeEventRoutes,
  ...incidentRoutes,
  ...reviewRoutes,
  ...configRoutes,
  ...onCallRoutes,
  ...configApplyRoutes,
  ...runbookRoutes,
  ...slackRoutes,
  ...respondRoutes,
];
