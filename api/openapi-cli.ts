/**
 * `npm run -s openapi > openapi.json`: prints the OpenAPI document with every optional
 * route (runbooks, Slack, respond links) included; a server serves its own at
 * `GET /api/v1/openapi.json`, listing only what it mounts.
 */
import { buildOpenApiDocument } from './openapi';

process.stdout.write(`${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
