import type { Config } from './config';
import type { ChannelAvailability } from '../domain/oncall/readiness';

export type ChannelConfig = Partial<
  Pick<
    Config,
    | 'VIGIL_SMTP_URL'
    | 'VIGIL_TWILIO_ACCOUNT_SID'
    | 'VIGIL_TWILIO_AUTH_TOKEN'
    | 'VIGIL_TWILIO_FROM'
    | 'VIGIL_TWILIO_VOICE_FROM'
    | 'VIGIL_SLACK_BOT_TOKEN'
    | 'VIGIL_SLACK_WEBHOOK_URL'
    | 'VIGIL_WEBHOOK_SIGNING_SECRET'
  >
>;

const E164 = /^\+[1-9]\d{1,14}$/;

/** The number calls come from: VIGIL_TWILIO_VOICE_FROM, else VIGIL_TWILIO_FROM when it is a number (not a messaging service). */
export function voiceCaller(config: ChannelConfig): string | undefined {
  const from = config.VIGIL_TWILIO_VOICE_FROM ?? config.VIGIL_TWILIO_FROM;
  return from && E164.test(from) ? from : undefined;
}

/**
 * Which contact method types this deployment can deliver, and why not. The worker builds
 * its channels by the same rules; the API (which is given the same environment) reports
 * them in readiness, so "who cannot be reached" is said before anyone is paged.
 */
export function channelAvailability(config: ChannelConfig): ChannelAvailability {
  const when = (ok: boolean, why: string) =>
    ok ? { deliverable: true as const } : { deliverable: false as const, why };
  const twilio = Boolean(config.VIGIL_TWILIO_ACCOUNT_SID && config.VIGIL_TWILIO_AUTH_TOKEN);
  return {
    email: when(Boolean(config.VIGIL_SMTP_URL), 'VIGIL_SMTP_URL is not set'),
    sms: when(
      twilio && Boolean(config.VIGIL_TWILIO_FROM),
      'VIGIL_TWILIO_ACCOUNT_SID, VIGIL_TWILIO_AUTH_TOKEN and VIGIL_TWILIO_FROM are not all set',
    ),
    voice: when(
      twilio && voiceCaller(config) !== undefined,
      'VIGIL_TWILIO_ACCOUNT_SID, VIGIL_TWILIO_AUTH_TOKEN and a caller number (VIGIL_TWILIO_VOICE_FROM, or VIGIL_TWILIO_FROM as E.164) are not all set',
    ),
    slack: when(
      Boolean(config.VIGIL_SLACK_BOT_TOKEN || config.VIGIL_SLACK_WEBHOOK_URL),
      'VIGIL_SLACK_BOT_TOKEN and VIGIL_SLACK_WEBHOOK_URL are not set',
    ),
    webhook: when(Boolean(config.VIGIL_WEBHOOK_SIGNING_SECRET), 'VIGIL_WEBHOOK_SIGNING_SECRET is not set'),
    // The contact address is the Teams webhook URL: nothing to configure.
    teams: { deliverable: true },
  };
}
