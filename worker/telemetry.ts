/**
 * The Temporal SDK runtime: its logs go to pino, and its own metrics (task slots, poll and
 * schedule-to-start latencies, workflow and activity outcomes) to a Prometheus exporter on
 * 127.0.0.1:VIGIL_TEMPORAL_METRICS_PORT, which the worker's /metrics relays. The exporter is
 * Rust code in the SDK that can only bind an address, so it stays on loopback and the
 * worker's endpoint (host and token configurable) is the one to scrape.
 */
import { Runtime } from '@temporalio/worker';
import type { Gauge } from 'prom-client';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { TEMPORAL_SDK_EXPORTER_OPTIONS } from '../lib/metrics';
import { readExporter } from '../lib/metrics-server';
import { PinoSdkLogger } from './sdk-logger';

/** Installs the runtime; returns the SDK exporter's URL, or undefined when it is off or could not start. */
export function installRuntime(config: Pick<Config, 'VIGIL_TEMPORAL_METRICS_PORT'>, log: Logger): string | undefined {
  const logger = new PinoSdkLogger(log.child({ component: 'temporal-sdk' }));
  const logging = { forward: {}, filter: 'WARN' } as const;
  const port = config.VIGIL_TEMPORAL_METRICS_PORT;
  if (port !== 'off') {
    const bindAddress = `127.0.0.1:${port}`;
    try {
      const prometheus = { bindAddress, ...TEMPORAL_SDK_EXPORTER_OPTIONS };
      Runtime.install({ logger, telemetryOptions: { logging, metrics: { prometheus } } });
      Runtime.instance(); // the exporter binds when the runtime starts: fail here, not at the first connection
      return `http://${bindAddress}/metrics`;
    } catch (err) {
      // Paging does not depend on metrics: run on without the SDK's.
      log.error({ err, bindAddress }, 'Temporal SDK metrics exporter cannot start; running without SDK metrics');
    }
  }
  Runtime.install({ logger, telemetryOptions: { logging } });
  return undefined;
}

/** The SDK's exposition text for one scrape of the worker's endpoint, and whether it could be read. */
export function sdkMetricsRelay(url: string | undefined, up: Gauge): () => Promise<string> {
  return async () => {
    const text = url === undefined ? undefined : await readExporter(url);
    up.set(text === undefined ? 0 : 1);
    return text ?? '';
  };
}
