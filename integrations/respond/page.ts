/**
 * The HTML a respond link opens: the incident's facts and, while it is open, a form per
 * command (POST back to the same URL). No scripts, no external resources, one inline style
 * block allowed by its hash, every interpolated value escaped. Pure string building.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../../lib/html';
import type { IncidentState } from '../../domain/incident/incident';

export type RespondAction = 'acknowledge' | 'resolve';

export interface IncidentPageView {
  state: Pick<
    IncidentState,
    'incidentId' | 'number' | 'service' | 'severity' | 'status' | 'summary' | 'acknowledgedBy' | 'resolvedBy'
  >;
  /** The user the link was issued to: commands run as them. */
  actingAs: string;
  /** From `?action=`: that form comes first, its button focused. Never acts by itself. */
  preselect?: RespondAction;
  /** The outcome of a POST: what was done, or why the incident refused it. */
  notice?: { ok: boolean; text: string };
  /** The incident's conference bridge (type, service or team), when one is configured. */
  bridge?: { url: string; title: string };
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:0;padding:16px;background:#f6f6f6;color:#222}',
  'main{max-width:560px;margin:0 auto;background:#fff;padding:16px 20px;border-radius:6px;border-top:6px solid #888}',
  'main.SEV1{border-top-color:#D00000}main.SEV2{border-top-color:#F77F00}main.SEV3{border-top-color:#FCBF49}main.SEV4{border-top-color:#3A86FF}',
  'h1{font-size:1.25rem;margin:0 0 8px}dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px}dt{font-weight:600}dd{margin:0}',
  '.notice{padding:8px 12px;border-radius:4px}.ok{background:#e6f4ea}.refused{background:#fdecea}',
  'form{margin:16px 0 0}button{font-size:1rem;padding:8px 20px;cursor:pointer}textarea{display:block;width:100%;min-height:4em;margin:4px 0 8px}select{display:block;font-size:1rem;margin:4px 0 8px}',
  '.muted{color:#666;font-size:.875rem}',
].join('');

/** Nothing but the style block above may load or run; forms post to this origin only. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy': [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
};

const LABELS: Record<RespondAction, string> = { acknowledge: 'Acknowledge', resolve: 'Resolve' };

export function incidentPage(view: IncidentPageView): string {
  const s = view.state;
  const ref = s.number === undefined ? s.incidentId : `#${s.number}`;
  const facts: Array<[string, string | undefined]> = [
    ['Incident', ref],
    ['Service', s.service],
    ['Severity', s.severity],
    ['Status', s.status],
    ['Acknowledged by', s.acknowledgedBy],
    ['Resolved by', s.resolvedBy],
  ];
  const body = [
    `<h1>[${escapeHtml(s.severity)}] ${escapeHtml(ref)} ${escapeHtml(s.service)}</h1>`,
    `<p>${escapeHtml(s.summary)}</p>`,
    view.notice
      ? `<p class="notice ${view.notice.ok ? 'ok' : 'refused'}" role="status">${escapeHtml(view.notice.text)}</p>`
      : '',
    '<dl>',
    ...facts
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v ?? '')}</dd>`),
    '</dl>',
    view.bridge
      ? `<p><a href="${escapeHtml(view.bridge.url)}" rel="noopener noreferrer">${escapeHtml(view.bridge.title)}</a></p>`
      : '',
    ...forms(view),
    `<p class="muted">You act as ${escapeHtml(view.actingAs)}. This link is personal: do not forward it.</p>`,
  ];
  return document(`${ref} ${s.service}`, body.join(''), s.severity);
}

/** A page with only a title and a sentence: bad links, errors. */
export function messagePage(title: string, text: string): string {
  return document(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

const RESOLVE_FIELDS =
  '<label for="classification">Classification (optional)</label><select id="classification" name="classification">' +
  '<option value="">Not classified</option><option value="actionable">Actionable</option>' +
  '<option value="false_positive">False positive</option><option value="noise">Noise</option></select>' +
  '<label for="note">Resolution note (optional)</label><textarea id="note" name="note" maxlength="2000"></textarea>';

/** Acknowledge while triggered, resolve while not resolved; the preselected one first. */
function forms(view: IncidentPageView): string[] {
  const { status } = view.state;
  const open: RespondAction[] = [];
  if (status === 'triggered') open.push('acknowledge');
  if (status !== 'resolved') open.push('resolve');
  const ordered =
    view.preselect && open.includes(view.preselect)
      ? [view.preselect, ...open.filter((a) => a !== view.preselect)]
      : open;
  return ordered.map((action) => {
    const focus = action === view.preselect ? ' autofocus' : '';
    const note = action === 'resolve' ? RESOLVE_FIELDS : '';
    return `<form method="post"><input type="hidden" name="action" value="${action}">${note}<button type="submit"${focus}>${LABELS[action]}</button></form>`;
  });
}

function document(title: string, body: string, severity?: string): string {
  const main = severity ? `<main class="${escapeHtml(severity)}">` : '<main>';
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)} · Vigil</title><style>${STYLE}</style></head>`,
    `<body>${main}${body}</main></body></html>`,
  ].join('');
}
