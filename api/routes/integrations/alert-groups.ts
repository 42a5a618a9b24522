import { z } from 'zod';
import { resolveMapping } from '../../../domain/config/integration-mapping';
import { HttpError } from '../../errors';
import { defineRoute, ok, type AnyRoute } from '../../http/route';
import { alertGroupSchema, FORMAT_VERSION, mapAlertGroup, type AlertGroupFormat } from '../../ingest/alert-group';
import { deliverAll } from '../../ingest/delivery';
import { E400, E413, E503 } from '../errors-doc';

export const AlertGroupAcceptedSchema = z.object({
  status: z.literal('accepted'),
  incidents: z.array(
    z.object({
      incidentId: z.string(),
      service: z.string(),
      dedupKey: z.string(),
      /** Some alert fires (opens or adds to the incident); otherwise it reports resolutions only. */
      firing: z.boolean(),
      /** False when only resolutions were reported and no incident was open for them. */
      delivered: z.boolean(),
    }),
  ),
});
const keyParam = z.object({ key: z.string() });

/**
 * Alertmanager / Grafana webhook receiver. `POST .../<format>/<integration key>` posts to
 * that key's service with its mapping; `POST .../<format>` lets a `service` label choose.
 * Answers 202 only once every incident it touches has recorded the notification; a 503 is
 * retried by Alertmanager, and a re-sent group changes nothing (fingerprints).
 */
function alertGroupRoutes(format: AlertGroupFormat, name: string): AnyRoute[] {
  const base = {
    method: 'post',
    tag: 'Ingest',
    auth: 'ingestOrBasic',
    request: {
      body: { schema: alertGroupSchema, description: `${name} posts version "${FORMAT_VERSION[format]}"` },
    },
    responses: { 202: ok('Recorded', AlertGroupAcceptedSchema), 400: E400, 413: E413, 503: E503 },
  } as const;
  return [
    defineRoute({
      ...base,
      path: `/api/v1/integrations/${format}/{key}`,
      operationId: `post${name}NotificationForKey`,
      summary: `${name} webhook for the service owning the key`,
      request: {
        ...base.request,
        params: keyParam,
        describe: { key: `An integration key of source "${format}": its service and mapping apply` },
      },
      responses: { ...base.responses, 404: `Not a ${format} integration key of any service` },
      handler: async ({ params, body }, services, { reply, req }) => {
        const integration = await services.integrations.find(params.key);
        if (integration?.source !== format) {
          throw new HttpError(404, 'unknown_integration', `no ${format} integration key matches the URL`);
        }
        const mapping = resolveMapping(format, integration.mapping);
        const mapped = mapAlertGroup(body, { format, mapping, service: integration.serviceId });
        return reply(202, await accept(format, mapped, services.incidents, req.log, body.alerts.length));
      },
    }),
    defineRoute({
      ...base,
      path: `/api/v1/integrations/${format}`,
      operationId: `post${name}Notification`,
      summary: `${name} webhook; each alert's service label chooses the service`,
      handler: async ({ body }, services, { reply, req }) => {
        const mapped = mapAlertGroup(body, { format, mapping: resolveMapping(format, undefined, 'service') });
        return reply(202, await accept(format, mapped, services.incidents, req.log, body.alerts.length));
      },
    }),
  ];
}

async function accept(
  format: AlertGroupFormat,
  mapped: ReturnType<typeof mapAlertGroup>,
  incidents: Parameters<typeof deliverAll>[0],
  log: { info: (obj: object, msg: string) => void },
  alerts: number,
) {
  if (!mapped.ok) {
    const summary = mapped.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new HttpError(400, 'validation_failed', `invalid ${format} notification: ${summary}`, mapped.issues);
  }
  const outcomes = await deliverAll(incidents, mapped.deliveries, new Date().toISOString());
  log.info({ format, incidents: outcomes.map((o) => o.incidentId), alerts }, 'alert group accepted');
  return { status: 'accepted' as const, incidents: outcomes };
}

export const integrationRoutes: AnyRoute[] = [
  ...alertGroupRoutes('alertmanager', 'Alertmanager'),
  ...alertGroupRoutes('grafana', 'Grafana'),
];
