import type { IntegrationKey } from '../domain/config/service';

/** Enough of a key to tell keys apart, not enough to use one. */
const masked = (key: string) => `…${key.slice(-4)} (ask an admin for the key)`;

/** Where each of a service's integrations posts, as people paste it into their tools. */
export function integrationEndpoints(
  base: string,
  keys: readonly IntegrationKey[],
  showKeys: boolean,
): Array<{ label: string; value: string }> {
  const root = base.replace(/\/$/, '');
  const k = (key: string) => (showKeys ? key : masked(key));
  const out = keys.map((key) => {
    switch (key.source) {
      case 'alertmanager':
      case 'grafana':
        return {
          label: `${key.source === 'grafana' ? 'Grafana' : 'Alertmanager'} webhook URL (with an ingest key as bearer or basic auth)`,
          value: `${root}/api/v1/integrations/${key.source}/${k(key.key)}`,
        };
      case 'pagerduty':
        return { label: `PagerDuty Events v2: POST ${root}/v2/enqueue with routing_key`, value: k(key.key) };
      default:
        return { label: 'Generic integration key', value: k(key.key) };
    }
  });
  return [...out, { label: 'Generic JSON alerts (with an ingest key)', value: `${root}/api/v1/alerts` }];
}
