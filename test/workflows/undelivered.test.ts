/**
 * A page to a contact method whose channel is not configured is never "delivered": the
 * real notify activity (no webhook signing secret here) fails it at once, non-retryable, as
 * channel_not_configured; the workflow records a failed notification with that reason, and
 * the person's next rule and the policy's next level go on as for any failed delivery.
 * With the development opt-in the page is only logged, and the timeline says so.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifyActivities, type NotificationChannel } from '../../activities/notify';
import { channelAvailability } from '../../lib/channels';
import { createTimeSkippingEnv } from './env';
import { createMocks, eventsOf, MIN, type Mocks, withIncident } from './fixtures';

let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

/**
 * The real notify activity with only an SMS channel (the recording mock) configured; every
 * activity call is counted per idempotency key, so a retry would show.
 */
function withRealNotify(mocks: Mocks, opts: { logOnly?: boolean } = {}): Map<string, number> {
  const calls = new Map<string, number>();
  const record = mocks.activities.sendNotification;
  const sms: NotificationChannel = { type: 'sms', send: (notification) => record({ notification }) };
  const real = createNotifyActivities({
    channels: { sms },
    availability: channelAvailability({}),
    logOnly: opts.logOnly,
    log: pino({ level: 'silent' }),
  });
  mocks.activities.sendNotification = async (input) => {
    const key = input.notification.idempotencyKey;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return real.sendNotification(input);
  };
  return calls;
}

const tail = (key: unknown) => String(key).split(':').slice(-3).join(':');

describe('undeliverable pages', () => {
  it('records channel_not_configured as a failed notification, once, and pages the next rule and level', async () => {
    const mocks = createMocks();
    const calls = withRealNotify(mocks);
    await withIncident(env, mocks, { id: 'inc-unconfigured' }, async (inc) => {
      await inc.sleepTo(inc.t0 + 5 * MIN + 1_000);
      const s = await inc.eventually(async () => {
        const st = await inc.state();
        expect(eventsOf(st, 'notification_failed')).toHaveLength(2);
        expect(eventsOf(st, 'notified')).toHaveLength(1);
        return st;
      });
      // a's webhook (rule 1) and b's webhook (level 2) could not be sent: failed, with the reason.
      const failed = eventsOf(s, 'notification_failed');
      expect(failed.map((e) => tail(e.data?.idempotencyKey))).toEqual(['R1:a:a-hook', 'R1:b:b-hook']);
      for (const e of failed) {
        expect(e.data).toMatchObject({ reason: 'channel_not_configured', channel: 'webhook', kind: 'page' });
        expect(e.message).toContain('channel_not_configured');
        expect(e.message).toContain('VIGIL_WEBHOOK_SIGNING_SECRET is not set');
        expect(e.message).not.toMatch(/^Notified/);
      }
      // a's next rule (SMS at 5 min) still went out, and so did level 2 at 5 min.
      expect(eventsOf(s, 'notified')[0]).toMatchObject({ data: { userId: 'a', channel: 'sms' } });
      expect(s.escalation).toMatchObject({ level: 1, userIds: ['b'] });
      // Non-retryable: one activity call per page, no retries.
      expect([...calls.values()]).toEqual([1, 1, 1]);
      await inc.finish();
    });
  });

  it('with the development opt-in, logs the page and says "logged, not delivered", never "Notified"', async () => {
    const mocks = createMocks();
    withRealNotify(mocks, { logOnly: true });
    await withIncident(env, mocks, { id: 'inc-log-only' }, async (inc) => {
      const s = await inc.eventually(async () => {
        const st = await inc.state();
        expect(eventsOf(st, 'notification_logged')).toHaveLength(1);
        return st;
      });
      const [logged] = eventsOf(s, 'notification_logged');
      expect(logged?.message).toMatch(/^Logged, not delivered: page for a by webhook/);
      expect(logged?.data).toMatchObject({ userId: 'a', channel: 'webhook', reason: 'logged_not_delivered' });
      expect(eventsOf(s, 'notified')).toEqual([]);
      expect(eventsOf(s, 'notification_failed')).toEqual([]);
      await inc.finish();
    });
  });
});
