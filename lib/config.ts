import { z } from 'zod';

/**
 * The one place that reads process.env. Every variable is parsed once at start-up; a bad
 * value stops the process with a message that names the variable and the rule it broke.
 */

const tokenList = z
  .string()
  .transform((raw, ctx) => {
    const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
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

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port').default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('vigil-incidents'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI')
    .default('mongodb://127.0.0.1:27017/vigil'),
  VIGIL_API_HOST: z.string().min(1).default('127.0.0.1'),
  VIGIL_API_PORT: port.default(8080),
  VIGIL_INGEST_KEYS: tokenList.default([]),
  VIGIL_RESPONDER_TOKENS: tokenList.default([]),
  VIGIL_ADMIN_TOKENS: tokenList.default([]),
  VIGIL_WEBHOOK_SIGNING_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  VIGIL_CONFIG_DIR: z.string().min(1).default('config'),
  /** Length of one policy/SLA minute. Only tests shorten it, to run real policies fast. */
  VIGIL_MINUTE_MS: z.coerce.number().int().min(50).max(60_000).default(60_000),
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
