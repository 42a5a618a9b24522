import type { RequestHandler } from 'express';

/**
 * Alertmanager and Grafana send either `Authorization: Bearer <key>` or basic auth. With
 * basic auth the ingest key is the password (any user name), or the user name when the
 * password is empty; it is then checked by the same guard as a bearer token.
 */
export function bearerOrBasic(guard: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const secret = colon < 0 ? decoded : decoded.slice(colon + 1) || decoded.slice(0, colon);
      req.headers.authorization = `Bearer ${secret}`;
    }
    guard(req, res, next);
  };
}
