import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';

export interface TemporalClient {
  client: Client;
  connection: Connection;
  taskQueue: string;
}

export async function connectTemporalClient(config: Config): Promise<TemporalClient> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  return { client, connection, taskQueue: config.TEMPORAL_TASK_QUEUE };
}

/** Readiness: the frontend answers and knows our namespace. */
export async function pingTemporal(t: TemporalClient): Promise<void> {
  await t.connection.workflowService.describeNamespace({ namespace: t.client.options.namespace });
}

type OperatorService = Connection['operatorService'];

export const INDEXED_VALUE_TYPE = { Keyword: 2, Int: 3 } as const; // temporal.api.enums.v1.IndexedValueType

/**
 * Registers Vigil's custom search attributes that the namespace lacks. Idempotent; the
 * worker runs it at start so any Temporal deployment (dev server, compose, cloud with
 * permissions) shows incidents by severity, service and status in the UI.
 */
export async function ensureSearchAttributes(
  operator: Pick<OperatorService, 'listSearchAttributes' | 'addSearchAttributes'>,
  namespace: string,
  wanted: ReadonlyArray<{ name: string; type: keyof typeof INDEXED_VALUE_TYPE }>,
): Promise<string[]> {
  const existing = await operator.listSearchAttributes({ namespace });
  const have = existing.customAttributes ?? {};
  const missing = wanted.filter((sa) => !(sa.name in have));
  if (missing.length === 0) return [];
  await operator.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((sa) => [sa.name, INDEXED_VALUE_TYPE[sa.type]])),
  });
  return missing.map((sa) => sa.name);
}
