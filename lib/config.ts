import { z } from 'zod';
import { isPublicBaseUrl, MIN_LINK_SECRET_LENGTH } from '../integrations/respond/link';
import { metricsConfigProblems, metricsConfigShape } from './metrics-config';

/**
 * The one place that reads process.env. Every variable is parsed once at start-up; a bad
 * value stops the process with a message that names the variable and the rule it broke.
 */

const tokenList = z.string().transform((raw, ctx) => {
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const tokens: Array<{ name: string; secret: string }> = [];
  for (const [i, entry] of entries.entries()) {
    const at = entry.indexOf(':');
    const name = at > 0 ? entry.slice(0, at) : `token-${i + 1}`;
    const secret = at > 0 ? entry.slice(at + 1) : entry;
    if (secret.length < 16) {
      ctx.addIssue({ code: 'custom', message: `entry ${i + 1} ("${name}") has a secret shorter than 16 characters` });
      return z.NEVER;
    }
    tokens.push({ name, secret });
  }
  return tokens;
});

const port = z.coerce.number().int().min(1).max(65535);

/** "kubectl=/usr/local/bin/kubectl,redis-cli" -> { kubectl: "/usr/local/bin/kubectl", "redis-cli": "redis-cli" }. */
const commandAllowlist = z.string().transform((raw, ctx) => {
  const out: Record<string, string> = {};
  for (const entry of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, target] = entry.includes('=')
      ? [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]
      : [entry, entry];
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$/.test(name) || !(/^\//.test(target) || target === name)) {
      ctx.addIssue({ code: 'custom', message: `entry "${entry}" must be a program name or name=/absolute/path` });
      return z.NEVER;
    }
    out[name] = target;
  }
  return out;
});

/** "slack=2,sms=20" -> { slack: 2, sms: 20 }: a number per notification channel type. */
const perChannel = (min: number, max: number) =>
  z.string().transform((raw, ctx) => {
    const out: Record<string, number> = {};
    for (const entry of raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [name, value] = entry.split('=', 2).map((s) => s.trim());
      const n = Number(value);
      if (!name || !/^[a-z]+$/.test(name) || !Number.isFinite(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `entry "${entry}" must be channel=number (${min}..${max}), e.g. slack=2`,
        });
        return z.NEVER;
      }
      out[name] = n;
    }
    return out;
  });
const httpUrlString = z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL');
/** A base URL that paths are appended to. */
const publicBaseUrl = z
  .string()
  .refine(isPublicBaseUrl, 'must be an http(s) URL without query or fragment, e.g. https://vigil.example.com');

/**
 * Open incidents a worker keeps in memory by default (every workflow evaluates the bundle's
 * modules itself: about 335 KiB of heap since the bundle holds no zod, plus its state); the
 * rest replay their history when woken. The last bench: 854 MiB of worker RSS with 2,000
 * open (docs/benchmarks.md).
 */
export const WORKFLOW_CACHE_SIZE_DEFAULT = 250;
/** See VIGIL_WORKFLOW_TASK_SLOTS. */
export const WORKFLOW_TASK_SLOTS_DEFAULT = 10;

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port')
    .default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('vigil-incidents'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017/vigil'),
  VIGIL_API_HOST: z.string().min(1).default('127.0.0.1'),
  VIGIL_API_PORT: port.default(8080),
  /** Scrape endpoints of the API and the worker (lib/metrics-config.ts). */
  ...metricsConfigShape,
  VIGIL_INGEST_KEYS: tokenList.default([]),
  VIGIL_RESPONDER_TOKENS: tokenList.default([]),
  VIGIL_ADMIN_TOKENS: tokenList.default([]),
  VIGIL_WEBHOOK_SIGNING_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  VIGIL_CONFIG_DIR: z.string().min(1).default('config'),
  /** Length of one policy/SLA minute. Only tests shorten it, to run real policies fast. */
  VIGIL_MINUTE_MS: z.coerce.number().int().min(50).max(60_000).default(60_000),
  /** PagerDuty Events API v2: events accepted per routing key per minute (PagerDuty's own is 120). */
  VIGIL_EVENTS_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  /** Folder of runbook YAML (one runbook per file). */
  VIGIL_RUNBOOK_DIR: z.string().min(1).default('runbooks'),
  /** Programs runbook command steps may run: `name=/abs/path` or a bare name looked up on PATH. */
  VIGIL_RUNBOOK_COMMAND_ALLOWLIST: commandAllowlist.default({}),
  /** Bytes of a step's output kept (the rest is cut with a marker). */
  VIGIL_RUNBOOK_OUTPUT_LIMIT: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
  /** Email channel: smtp://user:pass@host:port or smtps://...; unset: email contacts are only logged. */
  VIGIL_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  VIGIL_SMTP_FROM: z.string().min(3).default('Vigil <vigil@localhost>'),
  /** SMS channel: a Twilio-compatible Messages API. */
  VIGIL_TWILIO_API_URL: httpUrlString.default('https://api.twilio.com'),
  VIGIL_TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  VIGIL_TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  VIGIL_TWILIO_FROM: z.string().min(1).optional(),
  /** Voice channel: the number calls come from; default VIGIL_TWILIO_FROM when that is a number. */
  VIGIL_TWILIO_VOICE_FROM: z
    .string()
    .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number, e.g. "+15551234567"')
    .optional(),
  /** Slack: bot token (chat.postMessage, preferred) or incoming webhook; signing secret for commands and buttons. */
  VIGIL_SLACK_BOT_TOKEN: z.string().min(1).optional(),
  VIGIL_SLACK_WEBHOOK_URL: httpUrlString.optional(),
  VIGIL_SLACK_SIGNING_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  VIGIL_SLACK_API_URL: httpUrlString.default('https://slack.com/api'),
  /** response_url values Vigil will post to (anything else is refused); tests allow a local http prefix. */
  VIGIL_SLACK_RESPONSE_URL_PREFIX: httpUrlString.default('https://hooks.slack.com/'),
  /** Service `/incident declare` opens incidents on when the text names none. */
  VIGIL_SLACK_DECLARE_SERVICE: z.string().min(1).optional(),
  /** Channel id (C...) where incident channels are announced, with the severity's urgency. */
  VIGIL_SLACK_ANNOUNCEMENTS_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{6,20}$/, 'must be a Slack channel id, e.g. C0123ABCD')
    .optional(),
  /** Follow-up export (team.followUps): tracker base URLs and credentials; a tracker without them is not configured. */
  VIGIL_JIRA_URL: httpUrlString.optional(),
  VIGIL_JIRA_EMAIL: z.string().min(3).optional(),
  VIGIL_JIRA_API_TOKEN: z.string().min(1).optional(),
  VIGIL_LINEAR_API_URL: httpUrlString.default('https://api.linear.app/graphql'),
  VIGIL_LINEAR_API_KEY: z.string().min(1).optional(),
  VIGIL_GITHUB_API_URL: httpUrlString.default('https://api.github.com'),
  VIGIL_GITHUB_TOKEN: z.string().min(1).optional(),
  /** Respond links (acknowledge/resolve from a notification): where browsers reach the API, and the HMAC key; both or none. */
  VIGIL_PUBLIC_URL: publicBaseUrl.optional(),
  VIGIL_LINK_SIGNING_SECRET: z
    .string()
    .min(
      MIN_LINK_SECRET_LENGTH,
      `must be at least ${MIN_LINK_SECRET_LENGTH} characters (it signs respond links; generate one with "openssl rand -hex 32")`,
    )
    .optional(),
  /** Per-channel notify workers: concurrent sends and sends per second, e.g. "slack=2,sms=20". */
  VIGIL_NOTIFY_CONCURRENCY: perChannel(1, 1000).default({}),
  VIGIL_NOTIFY_RATE_PER_SECOND: perChannel(0.01, 10_000).default({}),
  /** Open incidents a worker keeps in memory (Temporal's maxCachedWorkflows); the rest replay when woken. */
  VIGIL_WORKFLOW_CACHE_SIZE: z.coerce.number().int().min(2).max(100_000).default(WORKFLOW_CACHE_SIZE_DEFAULT),
  /**
   * Workflow tasks a worker takes at once (Temporal's maxConcurrentWorkflowTaskExecutions).
   * Workflow code runs on one thread, so more slots only make tasks wait inside the worker,
   * where their 10 s timeout runs; a few keep the rest waiting at the server instead.
   */
  VIGIL_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).max(1000).default(WORKFLOW_TASK_SLOTS_DEFAULT),
  /** How long the incident feed (`incident_events`: SSE resume, the console's live list) keeps a change. */
  VIGIL_INCIDENT_EVENTS_RETENTION_HOURS: z.coerce.number().int().min(1).max(8_760).default(168),
  /**
   * Development only: pages to a contact type whose channel is not configured are written to
   * the log ("logged, not delivered") instead of failing with channel_not_configured.
   */
  VIGIL_NOTIFY_LOG_ONLY: z
    .enum(['0', '1', 'true', 'false'], { error: () => 'must be 1 or 0 (true or false)' })
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  if (parsed.data.VIGIL_ADMIN_TOKENS.length === 0) {
    throw new ConfigError(['VIGIL_ADMIN_TOKENS: at least one admin token is required (format name:secret)']);
  }
  const metricsProblems = metricsConfigProblems(parsed.data);
  if (metricsProblems.length > 0) throw new ConfigError(metricsProblems);
  return parsed.data;
}

/** Only the channel variables (for `config:check`, which needs no credentials): what can be delivered. */
export function loadChannelConfig(env: NodeJS.ProcessEnv = process.env) {
  const schema = configSchema.pick({
    VIGIL_SMTP_URL: true,
    VIGIL_TWILIO_ACCOUNT_SID: true,
    VIGIL_TWILIO_AUTH_TOKEN: true,
    VIGIL_TWILIO_FROM: true,
    VIGIL_TWILIO_VOICE_FROM: true,
    VIGIL_SLACK_BOT_TOKEN: true,
    VIGIL_SLACK_WEBHOOK_URL: true,
    VIGIL_WEBHOOK_SIGNING_SECRET: true,
  });
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

/** For entry points: parse or print the problems and exit, never start half-configured. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
