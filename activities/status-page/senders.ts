/**
 * How subscriber messages leave: through the notify channels' machinery (activities/notify),
 * not beside it. Email goes over SMTP with the email channel's Message-ID scheme and SMTP
 * classification; a webhook is a JSON POST signed exactly like the webhook channel's
 * (x-vigil-timestamp / x-vigil-signature, ../notify/signature.ts) with the same HTTP
 * classification. Failures are the channels' ApplicationFailures: transient ones are
 * retried by the activity's profile, a refusal or a missing channel is not.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { notConfigured } from '../notify/channel';
import { classifySmtpError, emailMessageId } from '../notify/email';
import { postOnce } from '../notify/http';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../notify/signature';
import { webhookUrl } from '../notify/webhook';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The same on every retry: the Message-ID is derived from it. */
  idempotencyKey: string;
  headers?: Record<string, string>;
}

export interface SubscriberSenders {
  email(mail: OutgoingEmail): Promise<void>;
  webhook(url: string, payload: unknown, idempotencyKey: string): Promise<void>;
}

export interface SenderConfig {
  smtpUrl?: string;
  from: string;
  webhookSecret?: string;
  timeoutMs?: number;
  /** Tests inject these; otherwise one pooled SMTP transport and the global fetch. */
  transport?: Transporter;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

export function createSubscriberSenders(config: SenderConfig): SubscriberSenders {
  const timeoutMs = config.timeoutMs ?? 10_000;
  const now = config.now ?? Date.now;
  const transport =
    config.transport ??
    (config.smtpUrl
      ? nodemailer.createTransport(config.smtpUrl, {
          connectionTimeout: timeoutMs,
          greetingTimeout: timeoutMs,
          socketTimeout: timeoutMs,
        } as Parameters<typeof nodemailer.createTransport>[1])
      : undefined);
  return {
    async email(mail) {
      if (!transport) throw notConfigured('email', 'VIGIL_SMTP_URL is not set');
      try {
        await transport.sendMail({
          from: config.from,
          to: mail.to,
          messageId: emailMessageId(mail.idempotencyKey, config.from),
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: { 'X-Vigil-Idempotency-Key': mail.idempotencyKey, ...mail.headers },
        });
      } catch (err) {
        throw classifySmtpError(err, 'smtp server');
      }
    },
    async webhook(address, payload, idempotencyKey) {
      if (!config.webhookSecret) throw notConfigured('webhook', 'VIGIL_WEBHOOK_SIGNING_SECRET is not set');
      const url = webhookUrl(address);
      const body = JSON.stringify(payload);
      const timestamp = String(Math.floor(now() / 1000));
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Vigil',
        'idempotency-key': idempotencyKey,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(config.webhookSecret, timestamp, body),
      };
      await postOnce(url, {}, { what: `webhook ${url.host}`, headers, body, timeoutMs, fetch: config.fetch, now });
    },
  };
}
