/**
 * Every Prometheus metric Vigil exports, defined once: the API's and the worker's, each on
 * its own registry with the default process metrics (CPU, memory, event loop, GC). The
 * worker's scrape also carries the Temporal SDK's own metrics (TEMPORAL_SDK_METRICS, served
 * by the SDK and relayed, see lib/metrics-server.ts). docs/metrics.md describes them all.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

interface Definition<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  buckets?: number[];
}

const def = <L extends string>(d: Definition<L>): Definition<L> => d;

/** Seconds: pages should land in seconds; minutes mean a channel is retrying. */
const DELIVERY_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];
const STEP_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export const API_METRICS = {
  alertsReceived: def({
    name: 'vigil_alerts_received_total',
    help: 'Requests to the ingest routes (one per webhook delivery or event), by source and outcome',
    labelNames: ['source', 'outcome'],
  }),
  openIncidents: def({
    name: 'vigil_open_incidents',
    help: 'Incidents not yet resolved, by status, read from the read model (at most 15 s old)',
    labelNames: ['status'],
  }),
};

export const WORKER_METRICS = {
  notificationsDelivered: def({
    name: 'vigil_notifications_delivered_total',
    help: 'Notifications a channel accepted, by channel and kind (page, acknowledged, ...)',
    labelNames: ['channel', 'kind'],
  }),
  notificationFailures: def({
    name: 'vigil_notification_failures_total',
    help: 'Failed delivery attempts, by channel and reason; transient ones are retried',
    labelNames: ['channel', 'reason'],
  }),
  notificationDelivery: def({
    name: 'vigil_notification_delivery_seconds',
    help: 'From the moment the incident decided to notify to the channel accepting it, retries included',
    labelNames: ['channel', 'kind'],
    buckets: DELIVERY_BUCKETS,
  }),
  runbookStepAttempts: def({
    name: 'vigil_runbook_step_attempts_total',
    help: 'Runbook step attempts (http, command), by outcome; a retried step counts each attempt',
    labelNames: ['kind', 'outcome'],
  }),
  runbookStepDuration: def({
    name: 'vigil_runbook_step_duration_seconds',
    help: 'How long one runbook step attempt ran, by kind and outcome',
    labelNames: ['kind', 'outcome'],
    buckets: STEP_BUCKETS,
  }),
  incidentsOpened: def({
    name: 'vigil_incidents_opened_total',
    help: 'Incidents opened, by service and severity (counted when the read model first records them)',
    labelNames: ['service', 'severity'],
  }),
  incidentsAcknowledged: def({
    name: 'vigil_incidents_acknowledged_total',
    help: 'Incidents answered for the first time (acknowledged or snoozed), by service and severity',
    labelNames: ['service', 'severity'],
  }),
  incidentsResolved: def({
    name: 'vigil_incidents_resolved_total',
    help: 'Incidents resolved, by service, severity and classification ("none" when unclassified)',
    labelNames: ['service', 'severity', 'classification'],
  }),
  slaBreaches: def({
    name: 'vigil_sla_breaches_total',
    help: 'SLA targets missed (response or resolution), by service and severity',
    labelNames: ['service', 'severity', 'sla'],
  }),
  runbookRuns: def({
    name: 'vigil_runbook_runs_total',
    help: 'Runbook runs of incidents that ended, by outcome (succeeded, failed)',
    labelNames: ['outcome'],
  }),
  escalationLateness: def({
    name: 'vigil_escalation_timer_lateness_seconds',
    help: "How late an escalation's next level started paging after its timer was due",
    labelNames: [],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  }),
  temporalSdkUp: def({
    name: 'vigil_temporal_sdk_metrics_up',
    help: '1 when the Temporal SDK metrics were relayed in this scrape, 0 when they could not be read',
    labelNames: [],
  }),
};

/**
 * The Temporal SDK metric families Vigil's dashboard and docs rely on, as the worker's
 * SDK exporter names them (counters with `_total`, durations in seconds with the unit in
 * the name). Families appear once the SDK has something to report.
 */
export const TEMPORAL_SDK_METRICS = {
  counters: [
    'temporal_workflow_completed_total',
    'temporal_workflow_failed_total',
    'temporal_workflow_continue_as_new_total',
    'temporal_workflow_task_execution_failed_total',
    'temporal_activity_execution_failed_total',
    'temporal_activity_task_received_total',
    'temporal_request_total',
    'temporal_request_failure_total',
    'temporal_long_request_total',
    'temporal_sticky_cache_hit_total',
    'temporal_worker_start_total',
  ],
  gauges: [
    'temporal_num_pollers',
    'temporal_sticky_cache_size',
    'temporal_worker_task_slots_available',
    'temporal_worker_task_slots_used',
  ],
  histograms: [
    'temporal_workflow_task_schedule_to_start_latency_seconds',
    'temporal_workflow_task_execution_latency_seconds',
    'temporal_workflow_task_replay_latency_seconds',
    'temporal_workflow_endtoend_latency_seconds',
    'temporal_activity_schedule_to_start_latency_seconds',
    'temporal_activity_execution_latency_seconds',
    'temporal_activity_succeed_endtoend_latency_seconds',
    'temporal_request_latency_seconds',
    'temporal_long_request_latency_seconds',
  ],
} as const;

/** The SDK exporter options that give the names above. */
export const TEMPORAL_SDK_EXPORTER_OPTIONS = {
  countersTotalSuffix: true,
  unitSuffix: true,
  useSecondsForDurations: true,
} as const;

function counter<L extends string>(registry: Registry, d: Definition<L>): Counter<L> {
  return new Counter({ name: d.name, help: d.help, labelNames: d.labelNames, registers: [registry] });
}

function histogram<L extends string>(registry: Registry, d: Definition<L>): Histogram<L> {
  return new Histogram({
    name: d.name,
    help: d.help,
    labelNames: d.labelNames,
    buckets: d.buckets ?? DELIVERY_BUCKETS,
    registers: [registry],
  });
}

function processRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Incidents not yet resolved, by status (the read model's counts). */
export type OpenIncidentCounts = () => Promise<Record<string, number>>;

export function createApiMetrics(deps: { openIncidents?: OpenIncidentCounts } = {}) {
  const registry = processRegistry();
  const d = API_METRICS.openIncidents;
  const openIncidents = deps.openIncidents;
  const gauge = new Gauge({
    name: d.name,
    help: d.help,
    labelNames: d.labelNames,
    registers: [registry],
    // Read at scrape time; the counts come from a short cache (lib/models/open-incidents.ts).
    async collect() {
      if (!openIncidents) return;
      const counts = await openIncidents();
      this.reset();
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  return { registry, alertsReceived: counter(registry, API_METRICS.alertsReceived), openIncidents: gauge };
}
export type ApiMetrics = ReturnType<typeof createApiMetrics>;

export function createWorkerMetrics() {
  const registry = processRegistry();
  const m = WORKER_METRICS;
  return {
    registry,
    notificationsDelivered: counter(registry, m.notificationsDelivered),
    notificationFailures: counter(registry, m.notificationFailures),
    notificationDelivery: histogram(registry, m.notificationDelivery),
    runbookStepAttempts: counter(registry, m.runbookStepAttempts),
    runbookStepDuration: histogram(registry, m.runbookStepDuration),
    incidentsOpened: counter(registry, m.incidentsOpened),
    incidentsAcknowledged: counter(registry, m.incidentsAcknowledged),
    incidentsResolved: counter(registry, m.incidentsResolved),
    slaBreaches: counter(registry, m.slaBreaches),
    runbookRuns: counter(registry, m.runbookRuns),
    escalationLateness: histogram(registry, m.escalationLateness),
    temporalSdkUp: new Gauge({ name: m.temporalSdkUp.name, help: m.temporalSdkUp.help, registers: [registry] }),
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
