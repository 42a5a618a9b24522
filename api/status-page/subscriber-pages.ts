/**
 * The pages a subscriber's links open: a page with one button (opening a link in a mail
 * never changes anything by itself: mail scanners and link previews fetch links), and the
 * outcome, or why not. No script, the status page's own stylesheet, the console's CSP.
 */
import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { CONSOLE_HEADERS } from '../../console/render';
import { escapeHtml } from '../../lib/html';
import { knownHttpError } from '../errors';

export const SUBSCRIBER_PAGE_HEADERS: Readonly<Record<string, string>> = {
  ...CONSOLE_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  'referrer-policy': 'no-referrer',
};
export const HTML = { 'text/html': z.string() };
export const htmlPage = (description: string) => ({ description, content: HTML });

/** A title, a sentence, and optionally a button that POSTs back to this very URL (token and all). */
export function subscriberPage(title: string, text: string, button?: string): string {
  const form = button ? `<form method="post"><button type="submit">${escapeHtml(button)}</button></form>` : '';
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/status/assets/status.css"></head>`,
    `<body><main class="page"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${form}</main></body></html>`,
  ].join('');
}

const TITLES: Record<number, string> = {
  400: 'Cannot do that',
  401: 'Sign in first',
  403: 'Invalid link',
  404: 'Not found',
  410: 'Link expired',
  503: 'Try again shortly',
};

/** Every failure of a link route as a page: never internals, never the token. */
export const subscriberErrorPage: ErrorRequestHandler = (err, req, res, _next) => {
  const known = knownHttpError(err);
  const status = known?.status ?? 500;
  if (!known) req.log?.error({ err }, 'subscriber page failed');
  const text = known?.message ?? 'Something went wrong; the error is in the Vigil API log. Try again later.';
  res
    .status(status)
    .set(SUBSCRIBER_PAGE_HEADERS)
    .send(subscriberPage(TITLES[status] ?? 'Something went wrong', text));
};
