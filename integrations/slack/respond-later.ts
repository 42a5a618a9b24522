import type { Logger } from '../../lib/logger';
import type { SlackMessage } from './commands';

export interface Later {
  /** Runs `work` after the HTTP answer has gone out and posts its message to `responseUrl`. */
  (work: () => Promise<SlackMessage>, responseUrl: string | undefined): void;
}

/**
 * Slack wants an answer within 3 s: routes answer at once, and the outcome of the command
 * goes to `response_url` later, only when that URL starts with `prefix` (hooks.slack.com),
 * so a signed request cannot make Vigil post anywhere else. Failures are logged: the user
 * already has the "working" answer.
 */
export function createLater(opts: { prefix: string; fetch: typeof globalThis.fetch; log: Logger }): Later {
  const respond = async (responseUrl: string | undefined, message: SlackMessage) => {
    if (!responseUrl || !responseUrl.startsWith(opts.prefix)) {
      opts.log.warn(
        { prefix: opts.prefix },
        'slack response_url missing or outside the allowed prefix; result not posted',
      );
      return;
    }
    try {
      const res = await opts.fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (!res.ok) opts.log.warn({ status: res.status }, 'slack response_url refused the result');
    } catch (err) {
      opts.log.warn({ err }, 'could not post to slack response_url');
    }
  };
  return (work, responseUrl) => {
    setImmediate(() => {
      void work().then(
        (message) => respond(responseUrl, message),
        (err: unknown) => {
          opts.log.error({ err }, 'slack command failed');
          return respond(responseUrl, {
            response_type: 'ephemeral',
            text: 'Something went wrong; the error is in the Vigil API log.',
          });
        },
      );
    });
  };
}
