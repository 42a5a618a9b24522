import type { Response } from 'express';

/**
 * Only the app's own stylesheet and script load; nothing inline (no style attributes
 * either: the shift timelines are SVG); forms post to this origin; no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'cache-control': 'no-store',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
};

/** A page from a hono/jsx element (escaped as it renders), with the console's headers. */
export function sendPage(res: Response, page: { toString(): string }, status = 200): void {
  res.status(status).set(CONSOLE_HEADERS).type('html').send(`<!doctype html>${page.toString()}`);
}
