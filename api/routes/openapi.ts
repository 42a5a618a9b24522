import { Router, type RequestHandler } from 'express';
import { buildOpenApiDocument, type OpenApiOptions } from '../openapi';

/** `GET /openapi.json`: this server's OpenAPI document, built on the first request and kept. */
export function openApiRoutes(guard: RequestHandler, opts: OpenApiOptions): Router {
  const router = Router();
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  router.get('/openapi.json', guard, (_req, res) => {
    document ??= buildOpenApiDocument(opts);
    res.json(document);
  });
  return router;
}
