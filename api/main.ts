import type { Server } from 'node:http';
import { loadConfigOrExit } from '../lib/config';
import { createLogger } from '../lib/logger';
import { connectMongo, disconnectMongo, pingMongo } from '../lib/mongo';
import { connectTemporalClient, pingTemporal } from '../lib/temporal';
import { createApp } from './app';
import { createConfigStore } from './config-store';
import { createIncidentGateway } from './incident-gateway';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger({ level: config.LOG_LEVEL, name: 'vigil-api' });
  const temporal = await connectTemporalClient(config);
  await connectMongo(config.MONGODB_URI, log);

  const app = createApp({
    log,
    credentials: {
      ingestKeys: config.VIGIL_INGEST_KEYS,
      responderTokens: config.VIGIL_RESPONDER_TOKENS,
      adminTokens: config.VIGIL_ADMIN_TOKENS,
    },
    incidents: createIncidentGateway(temporal.client, temporal.taskQueue),
    config: createConfigStore(),
    readiness: { temporal: () => pingTemporal(temporal), mongodb: pingMongo },
  });

  const server: Server = app.listen(config.VIGIL_API_PORT, config.VIGIL_API_HOST, () => {
    log.info({ host: config.VIGIL_API_HOST, port: config.VIGIL_API_PORT }, 'api listening');
  });
  server.on('error', (err) => {
    log.fatal({ err }, 'api cannot listen');
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'api stopping');
    server.close(() => {
      void Promise.allSettled([temporal.connection.close(), disconnectMongo()]).then(() => {
        log.info('api stopped');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
