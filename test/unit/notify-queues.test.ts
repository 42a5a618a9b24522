/** Per-channel notify task queues: names, limits from env, and the config that feeds them. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { notifyQueueLayout, NOTIFY_RATE_DEFAULTS, planForWorker } from '../../worker/worker';
import type { ServicePlan } from '../../domain/incident/plan';
import { notifyTaskQueue } from '../../domain/incident/notification';
import { CONTACT_METHOD_TYPES } from '../../domain/config/user';

const base = { VIGIL_ADMIN_TOKENS: 'admin:0123456789abcdef0123' };

describe('notify task queues', () => {
  it('one queue per contact method type beside the incident queue', () => {
    expect(notifyTaskQueue('vigil-incidents', 'slack')).toBe('vigil-incidents-notify-slack');
    const layout = notifyQueueLayout(loadConfig(base));
    expect(layout.map((l) => l.type)).toEqual([...CONTACT_METHOD_TYPES]);
    expect(layout.find((l) => l.type === 'sms')).toEqual({
      type: 'sms',
      taskQueue: 'vigil-incidents-notify-sms',
      maxConcurrentActivityTaskExecutions: 10,
      maxActivitiesPerSecond: NOTIFY_RATE_DEFAULTS.sms,
    });
  });

  it('takes concurrency and rate per channel from the environment', () => {
    const config = loadConfig({
      ...base,
      TEMPORAL_TASK_QUEUE: 'q',
      VIGIL_NOTIFY_CONCURRENCY: 'slack=1, sms=30',
      VIGIL_NOTIFY_RATE_PER_SECOND: 'slack=0.5',
    });
    const slack = notifyQueueLayout(config).find((l) => l.type === 'slack');
    expect(slack).toEqual({
      type: 'slack',
      taskQueue: 'q-notify-slack',
      maxConcurrentActivityTaskExecutions: 1,
      maxActivitiesPerSecond: 0.5,
    });
    expect(notifyQueueLayout(config).find((l) => l.type === 'sms')?.maxConcurrentActivityTaskExecutions).toBe(30);
  });

  it('refuses malformed channel settings and provider URLs, naming the variable', () => {
    expect(() => loadConfig({ ...base, VIGIL_NOTIFY_CONCURRENCY: 'slack' })).toThrow(/VIGIL_NOTIFY_CONCURRENCY/);
    expect(() => loadConfig({ ...base, VIGIL_NOTIFY_RATE_PER_SECOND: 'sms=-1' })).toThrow(
      /VIGIL_NOTIFY_RATE_PER_SECOND/,
    );
    expect(() => loadConfig({ ...base, VIGIL_SMTP_URL: 'mail.example.com' })).toThrow(/VIGIL_SMTP_URL/);
    expect(() => loadConfig({ ...base, VIGIL_TWILIO_API_URL: 'ftp://x' })).toThrow(/VIGIL_TWILIO_API_URL/);
    expect(loadConfig({ ...base }).VIGIL_SLACK_API_URL).toBe('https://slack.com/api');
  });
});

describe('the plan as this worker carries it out (planForWorker)', () => {
  const plan = {
    found: true,
    targets: {},
    inMaintenance: false,
    autoResolve: { mode: 'never' },
    knownUserIds: [],
    knownPolicyIds: [],
    minuteMs: 60_000,
    incidentChannel: { severities: ['SEV1'], archiveAfterMinutes: 60 },
  } as unknown as ServicePlan;

  it('keeps the incident channel rule only where Slack is configured', () => {
    expect(planForWorker(plan, { slackChannels: true, notifyTaskQueues: false }).incidentChannel).toEqual(
      plan.incidentChannel,
    );
    const without = planForWorker(plan, { slackChannels: false, notifyTaskQueues: false });
    expect(without).not.toHaveProperty('incidentChannel');
    expect(without).not.toHaveProperty('notifyTaskQueues');
  });

  it('says the worker serves the per-channel notify queues when it does', () => {
    expect(planForWorker(plan, { slackChannels: false, notifyTaskQueues: true }).notifyTaskQueues).toBe(true);
  });
});
