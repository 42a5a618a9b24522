/**
 * The incident channel on the time-skipping server: a channel opens for an incident whose
 * severity matches its service's rule (also once raised to one), never otherwise; every
 * timeline entry is posted, the topic follows; on resolution the close child posts the
 * rest and archives the channel the rule's delay later; a failing Slack never delays a page.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acknowledgeUpdate, changeSeverityUpdate } from '../../workflows/contract';
import type { IncidentChannelActivities } from '../../activities/incident-channel';
import type { OpenChannelInput, SyncChannelInput } from '../../domain/coordination/channel-activity';
import { createTimeSkippingEnv, workflowBundle } from './env';
import { createMocks, MIN, pages, servicePlan, withIncident, type Mocks } from './fixtures';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  await workflowBundle();
});
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

interface SlackLog {
  opened: Array<OpenChannelInput & { atMs: number }>;
  synced: SyncChannelInput[];
  posted: string[];
  archived: Array<{ incidentKey: string; atMs: number }>;
  /** While set, every call fails as a rate-limited Slack would. */
  failing: boolean;
}

/** Channel activities that record what Slack would have been asked, posting each entry once. */
function withChannelMocks(mocks: Mocks): SlackLog {
  const log: SlackLog = { opened: [], synced: [], posted: [], archived: [], failing: false };
  const refuseIfFailing = () => {
    if (log.failing) throw ApplicationFailure.create({ type: 'NotificationTransient', message: 'ratelimited' });
  };
  let postedCount = 0;
  const channel: IncidentChannelActivities = {
    async openIncidentChannel(input) {
      refuseIfFailing();
      log.opened.push({ ...input, atMs: Date.now() });
      return { channelId: 'C1', name: input.name };
    },
    async syncIncidentChannel(input) {
      refuseIfFailing();
      log.synced.push(input);
      if (log.opened.length === 0) return { found: false, postedCount: 0 };
      for (const e of input.entries) {
        if (e.index < postedCount) continue;
        log.posted.push(e.text);
        postedCount = e.index + 1;
      }
      return { found: true, postedCount };
    },
    async archiveIncidentChannel(input) {
      log.archived.push({ ...input, atMs: Date.now() });
      return { archived: true };
    },
  };
  Object.assign(mocks.activities, channel);
  return log;
}

const RULE = { severities: ['SEV1' as const, 'SEV2' as const], archiveAfterMinutes: 60 };

describe('incident channel', () => {
  it('opens for a matching incident, posts every entry and the topic, archives after resolution', async () => {
    const mocks = createMocks(
      servicePlan({
        // Twelve seconds: see the close child below.
        incidentChannel: { ...RULE, archiveAfterMinutes: 0.2 },
        bridges: { team: { url: 'https://meet.example.com/t' } },
      }),
    );
    const slack = withChannelMocks(mocks);
    await withIncident(env, mocks, { id: 'inc-channel', severity: 'SEV1' }, async (inc) => {
      await inc.eventually(() => expect(slack.opened).toHaveLength(1));
      expect(slack.opened[0]).toMatchObject({
        name: 'inc-42-checkout-5xx',
        urgency: 'channel',
        headline: '[SEV1] #42 checkout: Checkout 5xx',
        bridge: { url: 'https://meet.example.com/t', title: 'Bridge call' },
      });
      expect(slack.opened[0]?.topic).toBe('SEV1 | triggered | nobody has acknowledged | checkout: Checkout 5xx');
      await inc.eventually(() => expect(slack.posted.some((t) => t.startsWith('*triggered*'))).toBe(true));

      await inc.command(acknowledgeUpdate, { by: 'a' });
      await inc.eventually(() =>
        expect(slack.synced.at(-1)?.topic).toMatch(/^SEV1 \| acknowledged \| acknowledged by a/),
      );
      expect(slack.posted.some((t) => t.startsWith('*acknowledged* (a)'))).toBe(true);
      expect(slack.synced.at(-1)?.userIds).toEqual(expect.arrayContaining(['a']));

      const final = await inc.finish('a');
      const resolvedAt = Date.parse(final.resolvedAt ?? '');
      const close = env.client.workflow.getHandle(`inc-channel-channel-${final.runKey}`);
      // The Java test server stops skipping time once a child outlives its parent: the delay runs in
      // real time here, so the rule asks for a fifth of a minute. Every other timer keeps real minutes:
      // on sub-second minutes they fire while a command's workflow task runs, and the test server
      // refuses the task that cancels them (see read-model-projector.ts).
      expect(slack.archived).toEqual([]);
      expect(await close.result()).toEqual({ archived: true });
      expect(slack.posted.some((t) => t.startsWith('*resolved* (a)'))).toBe(true);
      expect(slack.archived).toHaveLength(1);
      expect(slack.archived[0]?.incidentKey).toBe(`inc-channel:${final.runKey}`);
      // Each entry once, in timeline order.
      expect(new Set(slack.posted).size).toBe(slack.posted.length);
      const timer = (await close.fetchHistory()).events?.find((e) => e.timerStartedEventAttributes);
      expect(Number(timer?.timerStartedEventAttributes?.startToFireTimeout?.seconds)).toBe(12);
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(resolvedAt + 12_000);
    });
  });

  it('opens no channel for a severity its rule leaves out, and starts no close child', async () => {
    const mocks = createMocks(servicePlan({ incidentChannel: RULE }));
    const slack = withChannelMocks(mocks);
    await withIncident(env, mocks, { id: 'inc-no-channel', severity: 'SEV3' }, async (inc) => {
      await inc.eventually(() => expect(mocks.sent.length).toBeGreaterThan(0));
      const final = await inc.finish('a');
      expect(slack.opened).toEqual([]);
      expect(slack.synced).toEqual([]);
      const close = env.client.workflow.getHandle(`inc-no-channel-channel-${final.runKey}`);
      await expect(close.describe()).rejects.toThrow();
    });
  });

  it('opens one once the severity is raised to a matching one, announced with that urgency', async () => {
    const mocks = createMocks(servicePlan({ incidentChannel: RULE }));
    const slack = withChannelMocks(mocks);
    await withIncident(env, mocks, { id: 'inc-raised', severity: 'SEV3' }, async (inc) => {
      await inc.sleepTo(inc.t0 + 2 * MIN);
      expect(slack.opened).toEqual([]);
      await inc.command(changeSeverityUpdate, { by: 'a', severity: 'SEV2' });
      await inc.eventually(() => expect(slack.opened.map((o) => o.urgency)).toEqual(['here']));
      // Resolve once the channel is idle: the Java test server stalls when a finished call is cancelled (fixtures.ts).
      await inc.eventually(() => expect(slack.posted.some((t) => t.startsWith('*severity changed*'))).toBe(true));
      await inc.finish('a');
    });
  });

  it('a failing Slack never delays a page: level 2 is paged on time and the incident still ends', async () => {
    const mocks = createMocks(servicePlan({ incidentChannel: RULE }));
    const slack = withChannelMocks(mocks);
    slack.failing = true;
    await withIncident(env, mocks, { id: 'inc-slack-down', severity: 'SEV1' }, async (inc) => {
      await inc.sleepTo(inc.t0 + 6 * MIN);
      await inc.eventually(() => expect(pages(mocks.sent, inc.t0)).toContain('5m b/b-hook L2R1'));
      // Level 1 at once, level 2 in its fifth minute, while every Slack call keeps failing and retrying.
      expect(pages(mocks.sent, inc.t0)).toEqual(expect.arrayContaining(['0m a/a-hook L1R1', '5m b/b-hook L2R1']));
      expect(slack.opened).toEqual([]);
      const final = await inc.finish('a');
      expect(final.status).toBe('resolved');
    });
  });
});
