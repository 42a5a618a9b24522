import type { Principal } from '../api/auth';
import type { IncidentGateway } from '../api/incident-gateway';
import type { IncidentList } from '../api/incident-list/service';
import type { Reports } from '../api/reports/service';
import type { RunbookGateway } from '../api/runbook-gateway';
import type { StatusPageCommands } from '../api/status-page/commands';
import type { Logger } from '../lib/logger';
import type { ConfigSnapshot } from '../lib/models/config';
import type { ReviewStore } from '../lib/models/review';
import type { IncidentRecord } from '../lib/models/incident-record';
import type { SessionStore } from './session';

/** What the console needs; the app passes the same gateway, list and stores as the API uses. */
export interface ConsoleDeps {
  log: Logger;
  /** The API's authenticator (sync today; personal tokens make it async). */
  authenticate: (secret: string) => Principal | undefined | Promise<Principal | undefined>;
  /** Whether the token a session signed in with still holds (revoked, expired, user gone: the session ends). */
  stillValid?: (principal: Principal) => Promise<boolean>;
  incidents: IncidentGateway;
  incidentList: IncidentList;
  reviews: ReviewStore;
  runbooks?: RunbookGateway;
  /** Responders' status-page commands (absent: the incident page shows no status pages). */
  statusPages?: StatusPageCommands;
  /** The Reports page (absent: not mounted). */
  reports?: Reports;
  /** Defaults to MongoDB (console_sessions). */
  sessions?: SessionStore;
  /** Where people reach Vigil (VIGIL_PUBLIC_URL): integration endpoints; https makes cookies Secure. */
  publicUrl?: string;
  /** Defaults to the MongoDB configuration. */
  loadConfig?: () => Promise<ConfigSnapshot>;
  /** A read-model record by its id, for incidents whose workflow is gone; defaults to MongoDB. */
  loadRecord?: (recordId: string) => Promise<IncidentRecord | undefined>;
  now?: () => number;
}
