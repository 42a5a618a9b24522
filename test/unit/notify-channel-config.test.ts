/**
 * Which contact types the worker can deliver is decided once (channelAvailability): the
 * worker builds a channel exactly for the deliverable types, and the others fail their sends
 * as channel_not_configured (or are only logged with VIGIL_NOTIFY_LOG_ONLY).
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { channelAvailability } from '../../lib/channels';
import { buildChannels } from '../../worker/worker';
import { loadConfig } from '../../lib/config';

const silent = pino({ level: 'silent' });
const base = { VIGIL_WEBHOOK_SIGNING_SECRET: undefined, VIGIL_MINUTE_MS: 60_000 };

describe('channels from configuration', () => {
  it('builds no channel for an unconfigured provider, only the ones channelAvailability calls deliverable', () => {
    const channels = buildChannels({ log: silent, config: base });
    expect(Object.keys(channels).sort()).toEqual(['teams']);
    const a = channelAvailability({});
    expect(a.email).toEqual({ deliverable: false, why: 'VIGIL_SMTP_URL is not set' });
    expect(a.sms.deliverable).toBe(false);
    expect(a.voice.deliverable).toBe(false);
  });

  it('builds each configured channel', () => {
    const config = {
      ...base,
      VIGIL_WEBHOOK_SIGNING_SECRET: 'whsec-0123456789abcdef',
      VIGIL_SMTP_URL: 'smtp://127.0.0.1:2525',
      VIGIL_TWILIO_ACCOUNT_SID: 'AC1',
      VIGIL_TWILIO_AUTH_TOKEN: 'token',
      VIGIL_TWILIO_FROM: '+15550001111',
      VIGIL_SLACK_BOT_TOKEN: 'xoxb-1',
    };
    const channels = buildChannels({ log: silent, config });
    // Twilio with a caller number configures calls too.
    expect(Object.keys(channels).sort()).toEqual(['email', 'slack', 'sms', 'teams', 'voice', 'webhook']);
    expect(channelAvailability(config).voice.deliverable).toBe(true);
  });

  it('says at start what an unconfigured channel does with its pages', () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    buildChannels({ log, config: base });
    buildChannels({ log, config: { ...base, VIGIL_NOTIFY_LOG_ONLY: true } });
    const msgs = lines.map((l) => (JSON.parse(l) as { msg: string; channel: string }).msg);
    expect(msgs).toContain('channel not configured: its pages fail as channel_not_configured');
    expect(msgs).toContain('channel not configured: its pages are only logged, not delivered (VIGIL_NOTIFY_LOG_ONLY)');
  });

  it('parses VIGIL_NOTIFY_LOG_ONLY as an explicit opt-in, off by default', () => {
    const env = { VIGIL_ADMIN_TOKENS: 'admin:0123456789abcdef0123' };
    expect(loadConfig(env).VIGIL_NOTIFY_LOG_ONLY).toBe(false);
    expect(loadConfig({ ...env, VIGIL_NOTIFY_LOG_ONLY: '1' }).VIGIL_NOTIFY_LOG_ONLY).toBe(true);
    expect(() => loadConfig({ ...env, VIGIL_NOTIFY_LOG_ONLY: 'yes' })).toThrow(/VIGIL_NOTIFY_LOG_ONLY: must be 1 or 0/);
  });
});
