import { describe, expect, it } from 'vitest';
import {
  NOTIFICATION_REJECTED,
  notificationIdempotencyKey,
  type NotificationKeyParts,
} from '../../domain/incident/notification';
import { NOTIFY_PROFILE } from '../../workflows/activity-profiles';

const WF = 'incident-database-2b923dd0c8d73f87d4b24fbe';
const RUN = '0195a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b';
const page = { workflowId: WF, runKey: RUN, level: 0, loop: 0, userId: 'alice', channel: 'alice-sms' };

describe('notification idempotency key', () => {
  it('reads as workflow, run, level and loop (1-based), person, contact method', () => {
    expect(notificationIdempotencyKey(page)).toBe(`${WF}:${RUN}:L1:R1:alice:alice-sms`);
    expect(notificationIdempotencyKey({ ...page, level: 2, loop: 1 })).toBe(`${WF}:${RUN}:L3:R2:alice:alice-sms`);
  });

  it('names the kind when it is not a page, and the discriminator when given', () => {
    expect(
      notificationIdempotencyKey({
        workflowId: WF,
        runKey: RUN,
        kind: 'sla_breach',
        userId: 'bob',
        channel: 'bob-mail',
        discriminator: 'response',
      }),
    ).toBe(`${WF}:${RUN}:sla_breach:bob:bob-mail:#response`);
    expect(notificationIdempotencyKey({ ...page, kind: 'escalation_exhausted' })).toBe(
      `${WF}:${RUN}:escalation_exhausted:L1:R1:alice:alice-sms`,
    );
  });

  it('marks a restarted escalation (cycle) so a re-triggered page is not taken for a duplicate', () => {
    expect(notificationIdempotencyKey({ ...page, cycle: 0 })).toBe(notificationIdempotencyKey(page));
    expect(notificationIdempotencyKey({ ...page, cycle: 1 })).toBe(`${WF}:${RUN}:E2:L1:R1:alice:alice-sms`);
  });

  it('is a pure function of its parts', () => {
    expect(notificationIdempotencyKey({ ...page })).toBe(notificationIdempotencyKey({ ...page }));
  });

  it('gives every distinct delivery its own key', () => {
    const variants: NotificationKeyParts[] = [
      page,
      { ...page, runKey: 'another-run' }, // same workflow id, next incident after resolution
      { ...page, level: 1 },
      { ...page, loop: 1 },
      { ...page, cycle: 1 },
      { ...page, userId: 'bob' },
      { ...page, channel: 'alice-voice' },
      { ...page, discriminator: 1 },
      { ...page, kind: 'resolved' },
      { ...page, kind: 'update', discriminator: 1 },
      { ...page, kind: 'update', discriminator: 2 },
      { workflowId: WF, runKey: RUN, kind: 'resolved', userId: 'alice', channel: 'alice-sms' },
      { workflowId: WF, runKey: RUN, kind: 'acknowledged', userId: 'alice', channel: 'alice-sms' },
      // Colons inside a part cannot forge another part's boundary.
      { ...page, workflowId: `${WF}:${RUN}`, runKey: 'x' },
      { ...page, workflowId: WF, runKey: `${RUN}:x` },
    ];
    const keys = variants.map(notificationIdempotencyKey);
    expect(new Set(keys).size).toBe(variants.length);
  });

  it('encodes free-form parts so the separator stays unambiguous', () => {
    expect(notificationIdempotencyKey({ ...page, workflowId: 'a:b', discriminator: 'x:y' })).toBe(
      `a%3Ab:${RUN}:L1:R1:alice:alice-sms:#x%3Ay`,
    );
  });

  it.each([
    ['negative level', { ...page, level: -1 }],
    ['fractional loop', { ...page, loop: 0.5 }],
    ['negative cycle', { ...page, cycle: -1 }],
  ])('refuses a %s', (_name, parts) => {
    expect(() => notificationIdempotencyKey(parts)).toThrow(RangeError);
  });
});

describe('notify activity options profile', () => {
  it('never retries a refused notification and retries the rest with capped backoff', () => {
    expect(NOTIFY_PROFILE.retry?.nonRetryableErrorTypes).toEqual([NOTIFICATION_REJECTED]);
    expect(NOTIFY_PROFILE.retry).toMatchObject({
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      maximumAttempts: 8,
    });
    expect(NOTIFY_PROFILE.startToCloseTimeout).toBe('30 seconds');
  });
});
