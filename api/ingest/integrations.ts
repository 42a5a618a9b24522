/** Finds the service and mapping behind an integration key (PagerDuty's routing_key, or a URL's key). */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigModels } from '../../lib/models/config';
import type { IntegrationMapping } from '../../domain/config/integration-mapping';
import type { IntegrationSource } from '../../domain/config/service';

export interface Integration {
  serviceId: string;
  source: IntegrationSource;
  mapping?: IntegrationMapping;
}

export interface IntegrationDirectory {
  find(key: string): Promise<Integration | undefined>;
}

/**
 * Scans the services (configuration sets are small) rather than querying into the array
 * of keys, which keeps to the subset FerretDB and MongoDB answer alike.
 */
export const mongoIntegrations: IntegrationDirectory = {
  async find(key) {
    const docs = await ConfigModels.service.find({}, { spec: 1 }).lean();
    // The key is a secret: compare digests in constant time, and look at every key.
    const presented = digest(key);
    let found: Integration | undefined;
    for (const { spec } of docs) {
      for (const k of spec.integrationKeys) {
        if (timingSafeEqual(digest(k.key), presented) && !found)
          found = { serviceId: spec.id, source: k.source, mapping: k.mapping };
      }
    }
    return found;
  },
};

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
