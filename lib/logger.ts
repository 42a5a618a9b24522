import pino, { type Logger } from 'pino';

/** Paths that may carry secrets anywhere we log a request, a config or an error. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'req.headers["x-twilio-signature"]',
  'req.headers["x-routing-key"]',
  'req.headers.cookie',
  '*.secret',
  '*.token',
  '*.password',
  '*.routing_key',
  '*.routingKey',
  'config.VIGIL_INGEST_KEYS',
  'config.VIGIL_RESPONDER_TOKENS',
  'config.VIGIL_ADMIN_TOKENS',
  'config.VIGIL_WEBHOOK_SIGNING_SECRET',
  'config.MONGODB_URI',
  'config.VIGIL_SMTP_URL',
  'config.VIGIL_TWILIO_AUTH_TOKEN',
  'config.VIGIL_SLACK_BOT_TOKEN',
  'config.VIGIL_SLACK_WEBHOOK_URL',
  'config.VIGIL_SLACK_SIGNING_SECRET',
  'config.VIGIL_LINK_SIGNING_SECRET',
  'config.VIGIL_METRICS_TOKEN',
  '*.authToken',
  '*.botToken',
  '*.smtpUrl',
  '*.webhookUrl',
  '*.signingSecret',
  '*.linkSigningSecret',
];

export function createLogger(opts: { level: string; name: string }): Logger {
  return pino({
    name: opts.name,
    level: opts.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { service: opts.name },
  });
}

export type { Logger };
