/**
 * Email channel: SMTP through nodemailer, one message with a text and an HTML part.
 *
 * The Message-ID is derived from the idempotency key (`<sha256(key)[:32]@from-domain>`),
 * so a retried send carries the same id and mail systems and clients dedup it; the key
 * itself travels in `X-Vigil-Idempotency-Key`.
 * Classification: SMTP 4xx replies (greylisting, mailbox busy, too many connections),
 * connection failures and timeouts are transient; SMTP 5xx replies (unknown mailbox,
 * policy refusal) and unusable addresses are rejected.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../../lib/logger';
import type { DeliveryReceipt, Notification } from '../../domain/incident/notification';
import { failureForError, rejected, transient, type NotificationChannel } from './channel';
import { SEVERITY_COLORS, escapeHtml, linkLabel, plainText, titleLine, whatHappened } from './format';

export interface EmailChannelDeps {
  /** smtp://user:pass@host:port or smtps://... (VIGIL_SMTP_URL). Never logged. */
  smtpUrl: string;
  /** From header, e.g. "Vigil <vigil@example.com>" (VIGIL_SMTP_FROM). */
  from: string;
  timeoutMs?: number;
  log: Logger;
  now?: () => number;
  /** Tests inject a transport; otherwise one pooled transport per channel. */
  transport?: Transporter;
}

export function emailMessageId(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'vigil.invalid';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/** Mail clients drop <style> and scripts: the link looks like a button by inline style alone. */
const BUTTON_STYLE =
  'display:inline-block;padding:10px 18px;background:#1f2937;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold';

export function emailContent(n: Notification): { subject: string; text: string; html: string } {
  if (n.comms) return commsContent(n, n.comms);
  const color = SEVERITY_COLORS[n.severity] ?? '#888888';
  const link = n.links?.incident;
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<div style="border-left:6px solid ${color};padding:8px 12px">`,
    `<h2 style="margin:0 0 8px 0">${escapeHtml(titleLine(n))}</h2>`,
    `<p>${escapeHtml(whatHappened(n))}</p>`,
    '<table>',
    `<tr><td><b>Service</b></td><td>${escapeHtml(n.service)}</td></tr>`,
    `<tr><td><b>Severity</b></td><td>${escapeHtml(n.severity)}</td></tr>`,
    `<tr><td><b>Status</b></td><td>${escapeHtml(n.status)}</td></tr>`,
    '</table>',
    link ? `<p><a href="${escapeHtml(link)}" style="${BUTTON_STYLE}">${escapeHtml(linkLabel(n))}</a></p>` : '',
    '</div></body></html>',
  ].join('');
  return { subject: titleLine(n).slice(0, 200), text: plainText(n), html };
}

/** A stakeholder message: the rendered template as written (its subject, else the incident's title line). */
function commsContent(n: Notification, comms: NonNullable<Notification['comms']>) {
  const html = `<!doctype html><html><body style="font-family:sans-serif;white-space:pre-wrap">${escapeHtml(comms.body)}</body></html>`;
  return { subject: (comms.subject ?? titleLine(n)).slice(0, 200), text: comms.body, html };
}

export function createEmailChannel(deps: EmailChannelDeps): NotificationChannel {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const now = deps.now ?? Date.now;
  const transport =
    deps.transport ??
    nodemailer.createTransport(deps.smtpUrl, {
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as Parameters<typeof nodemailer.createTransport>[1]);
  const what = `smtp ${smtpHost(deps.smtpUrl)}`;

  return {
    type: 'email',
    async send(n, ctx): Promise<DeliveryReceipt> {
      const to = n.recipient.contactMethod.address;
      if (!/^[^\s@<>]+@[^\s@<>]+$/.test(to)) throw rejected('invalid email address', { reason: 'invalid_address' });
      if (ctx.signal?.aborted) throw failureForError(new Error('aborted'), what, ctx.signal);
      const messageId = emailMessageId(n.idempotencyKey, deps.from);
      try {
        const info = await transport.sendMail({
          from: deps.from,
          to,
          messageId,
          headers: { 'X-Vigil-Idempotency-Key': n.idempotencyKey, 'X-Vigil-Incident': n.incidentId },
          ...emailContent(n),
        });
        deps.log.debug({ idempotencyKey: n.idempotencyKey, messageId }, 'email delivered');
        return {
          channel: 'email',
          idempotencyKey: n.idempotencyKey,
          deliveredAt: new Date(now()).toISOString(),
          providerMessageId: info.messageId ?? messageId,
        };
      } catch (err) {
        throw classifySmtpError(err, what, ctx.signal);
      }
    },
  };
}

/** SMTP reply codes: 4xx try again later, 5xx never; no reply (network, timeout) is transient. */
export function classifySmtpError(err: unknown, what: string, signal?: AbortSignal): Error {
  const e = err as { responseCode?: unknown; response?: unknown; code?: unknown; message?: unknown };
  const code = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  const reply = typeof e?.response === 'string' ? e.response.slice(0, 300) : String(e?.message ?? err);
  if (code !== undefined && code >= 500) return rejected(`${what} refused the message: ${reply}`, { smtpCode: code });
  if (code !== undefined && code >= 400)
    return transient(`${what} deferred the message: ${reply}`, { details: { smtpCode: code } });
  if (e?.code === 'EENVELOPE') return rejected(`${what}: ${reply}`, { reason: 'invalid_envelope' });
  return failureForError(err, what, signal);
}

function smtpHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'server';
  }
}
