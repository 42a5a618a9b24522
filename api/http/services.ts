import type { Logger } from '../../lib/logger';
import type { ChangeEventStore } from '../../lib/models/change-event';
import type { ReviewStore } from '../../lib/models/review';
import type { ApplyReport } from '../../lib/config-as-code';
import type { Principal } from '../auth';
import type { ConfigStore } from '../config-store';
import type { IncidentGateway } from '../incident-gateway';
import type { IntegrationDirectory } from '../ingest/integrations';
import type { RateLimiter } from '../ingest/rate-limit';
import type { RunbookGateway } from '../runbook-gateway';
import type { SlackServices } from '../../integrations/slack/routes';
import type { RespondLinks } from '../../integrations/respond/link';
import type { AnyRoute, Feature } from './route';

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
  /** Looks a bearer token up; undefined when unknown (./access). */
  authenticate: (secret: string) => Principal | undefined;
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
  /** The route table as this app mounts it (the OpenAPI route documents it). */
  routes: readonly AnyRoute[];
}

/** A feature's services, for the handlers of its routes (mounted only when it is configured). */
export function feature<K extends Feature>(services: Services, name: K): NonNullable<Services[K]> {
  const found = services[name];
  if (!found) throw new Error(`the ${name} routes are mounted without their services`);
  return found as NonNullable<Services[K]>;
}
