import type { Logger } from '../../lib/logger';
import type { ChangeEventStore } from '../../lib/models/change-event';
import type { ReviewStore } from '../../lib/models/review';
import type { ApplyReport } from '../../lib/config-as-code';
import type { AuditLog } from '../../lib/audit';
import type { ApiTokenStore } from '../../lib/models/api-token';
import type { ChannelAvailability } from '../../domain/oncall/readiness';
import type { TwilioServices } from '../../integrations/twilio/services';
import type { Authenticate } from '../auth';
import type { ConfigStore } from '../config-store';
import type { IncidentGateway } from '../incident-gateway';
import type { IntegrationDirectory } from '../ingest/integrations';
import type { RateLimiter } from '../ingest/rate-limit';
import type { RunbookGateway } from '../runbook-gateway';
import type { SlackServices } from '../../integrations/slack/services';
import type { RespondLinks } from '../../integrations/respond/link';
import type { AnyRoute, Feature } from './route';
import type { IncidentList } from '../incident-list/service';
import type { Reports } from '../reports/service';
import type { FollowUpGateway } from '../follow-up-gateway';
import type { SubscriptionServices } from '../status-page/subscriptions';
import type { PageViews } from '../status-page/views';
import type { StatusPageCommands } from '../status-page/commands';

export type ReadinessCheck = () => Promise<void>;
export type ApplyConfigFolder = (opts: { dryRun: boolean; adoptApiEntities: boolean }) => Promise<ApplyReport>;

export interface RunbookServices {
  /** The runbook folder (VIGIL_RUNBOOK_DIR), read on every request: edits need no restart. */
  dir: string;
  gateway: RunbookGateway;
}

/** What route handlers call: built once by createApp from AppDeps. */
export interface Services {
  log: Logger;
  /** Looks a bearer token up (shared, or a personal token in MongoDB); undefined when unknown (./access). */
  authenticate: Authenticate;
  /** Where audited routes (`audit` in their definition) write their entries. */
  audit: AuditLog;
  /** Personal tokens: the store, the users they belong to, and what a revocation tells the authenticator. */
  tokens: {
    store: ApiTokenStore;
    user(userId: string): Promise<{ name: string; createdAt: Date } | undefined>;
    revoked(): void;
    now?: () => number;
  };
  /** Which contact method types this deployment delivers (`GET /readiness`). */
  channels: ChannelAvailability;
  incidents: IncidentGateway;
  config: ConfigStore;
  applyConfigFolder: ApplyConfigFolder;
  readiness: Record<string, ReadinessCheck>;
  reviews: ReviewStore;
  integrations: IntegrationDirectory;
  changes: ChangeEventStore;
  /** PagerDuty events per routing key. */
  limiter: RateLimiter;
  /** The optional features: a route of an absent feature is not mounted. */
  runbooks?: RunbookServices;
  slack?: SlackServices;
  respond?: { verifier: Pick<RespondLinks, 'verify'> };
  twilio?: TwilioServices;
  /** Starts follow-up exports of review action items. */
  followUps?: FollowUpGateway;
  /** The incident list and feed (list and SSE routes, the console). */
  incidentList?: IncidentList;
  /** Incident and on-call reports over the read model (api/reports/). */
  reports: Reports;
  /** Status pages' views: the status-page routes read them and drop a page's after writing to it. */
  statusPages: PageViews;
  /** Responders' commands on incidents' status-page incidents. */
  statusPageCommands: StatusPageCommands;
  /** Status-page subscriptions (store, confirmation starter, signed links). */
  subscriptions?: SubscriptionServices;
  /** The route table as this app mounts it (the OpenAPI route documents it). */
  routes: readonly AnyRoute[];
}

/** A feature's services, for the handlers of its routes (mounted only when it is configured). */
export function feature<K extends Feature | 'incidentList'>(services: Services, name: K): NonNullable<Services[K]> {
  const found = services[name];
  if (!found) throw new Error(`the ${name} routes are mounted without their services`);
  return found as NonNullable<Services[K]>;
}
