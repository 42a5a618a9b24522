/**
 * `npm run -s openapi > openapi.json`: prints the OpenAPI document with every optional
 * route (runbooks, Slack, respond links) included; a server serves its own at
 * `GET /api/v1/openapi.json`, listing only what it mounts.
 */
import { buildOpenApiDocument } from './http/openapi';
import { ROUTES } from './routes';

process.stdout.write(`${JSON.stringify(buildOpenApiDocument(ROUTES), null, 2)}\n`);
