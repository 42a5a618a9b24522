import { describe, expect, it } from 'vitest';
import { acknowledge, openIncident, resolve } from '../../domain/incident/incident';
import { buildReview, type ReviewSource, ReviewSchema } from '../../domain/review/review';
import { severityTargets } from '../../domain/incident/severity';

const BASE = Date.parse('2026-03-09T14:02:00Z');
/** Minutes after the incident was triggered, as ISO. */
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();
type Ev = ReviewSource['timeline'][number];
const ev = (minutes: number, type: string, by?: string, data?: Record<string, unknown>): Ev => ({
  at: at(minutes),
  type,
  message: `${type}${by ? ` by ${by}` : ''}`,
  ...(by ? { by } : {}),
  ...(data ? { data } : {}),
});

function incident(events: Ev[], extra: Partial<ReviewSource> = {}): ReviewSource {
  const resolved = events.find((e) => e.type === 'resolved');
  return {
    incidentId: 'incident-checkout-1',
    service: 'checkout',
    severity: 'SEV1',
    summary: 'Checkout errors',
    createdAt: at(0),
    alertCount: 1,
    ...(resolved ? { resolvedAt: resolved.at, resolvedBy: resolved.by } : {}),
    timeline: [ev(0, 'triggered', undefined, { severity: 'SEV1', source: 'alertmanager' }), ...events],
    ...extra,
  };
}

describe('buildReview: MTTA, MTTR and time in each state', () => {
  // [name, events, mtta s, mttr s, triggered s, acknowledged s, snoozed s]
  const cases: [string, Ev[], number | undefined, number, number, number, number][] = [
    [
      'acknowledged, then resolved',
      [ev(3, 'acknowledged', 'alice'), ev(41, 'resolved', 'carol')],
      180,
      2460,
      180,
      2280,
      0,
    ],
    ['never acknowledged', [ev(20, 'resolved', 'carol')], undefined, 1200, 1200, 0, 0],
    [
      're-triggered after the ack timeout, acknowledged again',
      [ev(3, 'acknowledged', 'alice'), ev(33, 'retriggered'), ev(40, 'acknowledged', 'bob'), ev(60, 'resolved', 'bob')],
      180,
      3600,
      600,
      3000,
      0,
    ],
    [
      'snoozed after acknowledgement, re-triggered when the snooze ran out',
      [
        ev(2, 'acknowledged', 'alice'),
        ev(5, 'snoozed', 'alice', { until: at(35) }),
        ev(35, 'retriggered'),
        ev(37, 'acknowledged', 'alice'),
        ev(50, 'resolved', 'alice'),
      ],
      120,
      3000,
      240,
      960,
      1800,
    ],
    [
      'a snooze before any acknowledgement answers the page',
      [ev(4, 'snoozed', 'alice'), ev(34, 'retriggered'), ev(40, 'resolved', 'carol')],
      240,
      2400,
      600,
      0,
      1800,
    ],
    [
      'notes, notifications and unknown types change no state',
      [
        ev(1, 'notified', undefined, { userId: 'alice' }),
        ev(2, 'note', 'bob'),
        ev(3, 'custom_thing'),
        ev(10, 'resolved', 'bob'),
      ],
      undefined,
      600,
      600,
      0,
      0,
    ],
  ];
  it.each(cases)('%s', (_name, events, mtta, mttr, triggered, acknowledged, snoozed) => {
    const review = buildReview(incident(events));
    expect(review.metrics.mttaSeconds).toBe(mtta);
    expect(review.metrics.mttrSeconds).toBe(mttr);
    expect(review.metrics.durationSeconds).toBe(mttr);
    expect(review.metrics.timeInState).toEqual({ triggered, acknowledged, snoozed });
    expect(triggered + acknowledged + snoozed).toBe(mttr);
  });

  it('keeps the first acknowledgement, not the latest the state carries after a re-trigger', () => {
    const events = [
      ev(3, 'acknowledged', 'alice'),
      ev(33, 'retriggered'),
      ev(40, 'acknowledged', 'bob'),
      ev(60, 'resolved', 'bob'),
    ];
    const review = buildReview(incident(events, { acknowledgedAt: at(40), acknowledgedBy: 'bob' }));
    expect(review.incident).toMatchObject({ acknowledgedAt: at(3), acknowledgedBy: 'alice', resolvedAt: at(60) });
  });

  it('sorts an out-of-order timeline and adds no time for a note after resolution', () => {
    const review = buildReview(
      incident([ev(41, 'resolved', 'carol'), ev(50, 'note', 'dave'), ev(3, 'acknowledged', 'alice')]),
    );
    expect(review.timeline.map((e) => e.type)).toEqual(['triggered', 'acknowledged', 'resolved', 'note']);
    expect(review.metrics.timeInState).toEqual({ triggered: 180, acknowledged: 2280, snoozed: 0 });
  });

  it('falls back to the state when the timeline lacks the event, and refuses an unresolved incident', () => {
    const fromState = buildReview(incident([], { acknowledgedAt: at(2), resolvedAt: at(10) }));
    expect(fromState.metrics.mttaSeconds).toBe(120);
    const fromEvent = buildReview({ ...incident([ev(12, 'resolved', 'carol')]), resolvedAt: undefined });
    expect(fromEvent.metrics.mttrSeconds).toBe(720);
    expect(() => buildReview(incident([]))).toThrow(/not resolved/);
  });

  it('reviews an incident built by the real reducer, and the JSON form parses back unchanged', () => {
    const alert = {
      source: 'grafana',
      dedupKey: 'k',
      service: 'db',
      summary: 'Disk | full',
      severity: 'SEV2' as const,
      details: {},
      receivedAt: at(0),
    };
    const state = resolve(
      acknowledge(openIncident('incident-db-1', 'run-1', alert), { by: 'alice' }, at(4)),
      { by: 'alice', note: 'freed space' },
      at(30),
    );
    const review = buildReview(state, { slaTargets: { ackWithinMinutes: 15, resolveWithinMinutes: 480 } });
    expect(review.metrics).toMatchObject({ mttaSeconds: 240, mttrSeconds: 1800, alertCount: 1 });
    expect(review.actionItems).toEqual([]);
    expect(ReviewSchema.parse(JSON.parse(JSON.stringify(review)))).toEqual(review);
  });
});

describe('buildReview: SLA breaches, recorded and computed', () => {
  const targets = { ackWithinMinutes: 5, resolveWithinMinutes: 30 };
  const breach = (minutes: number, sla: string, dueMinutes: number) =>
    ev(minutes, 'sla_breach', undefined, { sla, dueAt: at(dueMinutes) });
  // [name, events, targets, expected [sla, due min, met min, source]]
  const cases: [string, Ev[], typeof targets | undefined, [string, number, number, string][]][] = [
    ['within targets', [ev(3, 'acknowledged', 'a'), ev(20, 'resolved', 'a')], targets, []],
    [
      'computed only',
      [ev(8, 'acknowledged', 'a'), ev(41, 'resolved', 'a')],
      targets,
      [
        ['response', 5, 8, 'computed'],
        ['resolution', 30, 41, 'computed'],
      ],
    ],
    [
      'recorded only',
      [breach(5, 'response', 5), ev(8, 'acknowledged', 'a'), ev(20, 'resolved', 'a')],
      undefined,
      [['response', 5, 8, 'recorded']],
    ],
    [
      'recorded and computed are one breach; the recorded due time wins (service override)',
      [breach(4, 'response', 4), ev(8, 'acknowledged', 'a'), ev(20, 'resolved', 'a')],
      targets,
      [['response', 4, 8, 'both']],
    ],
    [
      'the same recorded breach twice (a retried record) is one',
      [breach(5, 'response', 5), breach(5, 'response', 5), ev(8, 'acknowledged', 'a'), ev(20, 'resolved', 'a')],
      undefined,
      [['response', 5, 8, 'recorded']],
    ],
    [
      'never acknowledged: the response is met by the resolution',
      [ev(20, 'resolved', 'a')],
      targets,
      [['response', 5, 20, 'computed']],
    ],
    [
      'malformed breach records are left on the timeline only',
      [ev(5, 'sla_breach', undefined, { sla: 'bogus' }), ev(3, 'acknowledged', 'a'), ev(20, 'resolved', 'a')],
      undefined,
      [],
    ],
    [
      'a response breach per re-trigger; the computed one joins the earliest',
      [
        breach(5, 'response', 5),
        ev(8, 'acknowledged', 'a'),
        ev(38, 'retriggered'),
        breach(43, 'response', 43),
        ev(45, 'acknowledged', 'b'),
        ev(50, 'resolved', 'b'),
      ],
      { ackWithinMinutes: 5, resolveWithinMinutes: 60 },
      [
        ['response', 5, 8, 'both'],
        ['response', 43, 45, 'recorded'],
      ],
    ],
  ];
  it.each(cases)('%s', (_name, events, slaTargets, expected) => {
    const review = buildReview(incident(events), slaTargets ? { slaTargets } : {});
    expect(review.slaBreaches).toEqual(
      expected.map(([sla, due, met, source]) => ({
        sla,
        dueAt: at(due),
        metAt: at(met),
        overBySeconds: (met - due) * 60,
        source,
      })),
    );
    expect(review.timeline.filter((e) => e.type === 'sla_breach')).toHaveLength(
      events.filter((e) => e.type === 'sla_breach').length,
    );
  });
});

describe('buildReview: escalation path, responders, draft', () => {
  const events = [
    ev(0, 'escalated', undefined, { level: 0, loop: 0, userIds: ['alice'] }),
    ev(5, 'escalated', undefined, { level: 1, userIds: ['bob', 'carol'] }),
    ev(6, 'escalated', undefined, { userIds: ['nobody'] }),
    ev(20, 'escalated', undefined, { level: 0, loop: 1, userIds: ['alice'] }),
    ev(22, 'acknowledged', 'carol'),
    ev(25, 'note', 'alice'),
    ev(30, 'note', 'carol'),
    ev(24 * 60 + 5, 'resolved', 'carol'),
  ];
  const review = buildReview(incident(events));

  it('records each escalation as taken; one without a level stays on the timeline only', () => {
    expect(review.escalationPath).toEqual([
      { at: at(0), level: 0, loop: 0, userIds: ['alice'] },
      { at: at(5), level: 1, loop: 0, userIds: ['bob', 'carol'] },
      { at: at(20), level: 0, loop: 1, userIds: ['alice'] },
    ]);
    expect(review.timeline.filter((e) => e.type === 'escalated')).toHaveLength(4);
  });

  it('skips escalations and breaches whose data is malformed (checked by hand, the workflow bundle has no zod)', () => {
    const odd = buildReview(
      incident([
        ev(1, 'escalated', undefined, { level: -1 }),
        ev(1, 'escalated', undefined, { level: 1.5 }),
        ev(1, 'escalated', undefined, { level: 1, loop: '2' }),
        ev(1, 'escalated', undefined, { level: 1, userIds: ['bob', 7] }),
        ev(1, 'escalated', undefined, { level: 1, userIds: 'bob' }),
        ev(2, 'escalated', undefined, { level: 2, extra: true }),
        ev(3, 'sla_breach', undefined, { sla: 'response', dueAt: '2026-03-09T14:07:00' }),
        ev(3, 'sla_breach', undefined, { sla: 'response', dueAt: '2026-02-30T14:07:00Z' }),
        ev(3, 'sla_breach', undefined, { sla: 'response', dueAt: 5 }),
        ev(4, 'sla_breach', undefined, { sla: 'resolution', dueAt: '2026-03-09T15:04:00+01:00' }),
        ev(10, 'resolved', 'alice'),
      ]),
    );
    expect(odd.escalationPath).toEqual([{ at: at(2), level: 2, loop: 0, userIds: [] }]);
    expect(odd.slaBreaches).toEqual([
      { sla: 'resolution', dueAt: at(2), metAt: at(10), overBySeconds: 480, source: 'recorded' },
    ]);
  });

  it('lists responders in order of their first action, with a count', () => {
    expect(review.responders).toEqual([
      { name: 'carol', firstAction: 'acknowledged', firstActionAt: at(22), actions: 3 },
      { name: 'alice', firstAction: 'note', firstActionAt: at(25), actions: 1 },
    ]);
  });

  it('narrates what happened from the timeline, with the date again when the day changes', () => {
    const lines = review.sections.whatHappened.split('\n');
    expect(lines).toEqual([
      'At 2026-03-09 14:02 UTC checkout triggered (SEV1).',
      'At 14:02 UTC escalated to level 1, paging alice.',
      'At 14:07 UTC escalated to level 2, paging bob, carol.',
      'At 14:08 UTC escalated: escalated.',
      'At 14:22 UTC escalated to level 1 (loop 2), paging alice.',
      'At 14:24 UTC acknowledged by carol after 22 min.',
      'At 2026-03-10 14:07 UTC resolved by carol after 1 d.',
      'In all: 1 alert, 2 notes.',
    ]);
  });

  it('drafts the other sections as facts plus the blameless prompts', () => {
    expect(review.sections.rootCause).toMatch(/5 Whys.*not who did what/s);
    expect(review.sections.whyNotCaughtEarlier).toMatch(
      /^- The first alert reached Vigil at 2026-03-09 14:02 UTC from alertmanager\.\n- The first response came after 22 min\./,
    );
    const unreached = { userId: 'ann', channel: 'sms', reason: 'channel_not_configured' };
    const never = buildReview(
      incident([
        ev(3, 'notification_failed', undefined, unreached),
        ev(4, 'notification_failed', undefined, unreached),
        ev(5, 'notification_logged', undefined, { userId: 'bo', channel: 'email', reason: 'logged_not_delivered' }),
        ev(9, 'escalation_exhausted'),
        ev(10, 'resolved', 'x'),
      ]),
    );
    expect(never.sections.whatToImprove).toContain(
      '- The escalation policy ran out of levels before anyone acknowledged.',
    );
    // Undelivered pages are listed with why, and logged ones are not counted as sent.
    expect(never.sections.whatToImprove).toContain(
      '- 2 notification(s) could not be delivered: ann by sms (channel_not_configured) x2.',
    );
    expect(never.sections.whatToImprove).toContain(
      '- 1 notification(s) were only logged, not delivered (development mode): bo by email (logged_not_delivered).',
    );
    expect(never.sections.whatHappened).toContain(
      'In all: 1 alert, 0 notifications sent (2 failed, 1 logged, not delivered).',
    );
    expect(never.sections.whatToImprove).toContain('- The incident was never acknowledged.');
    expect(never.sections.whatToImprove).toMatch(/action item with an owner and a due date\.$/);
  });
});

describe('ReviewSchema', () => {
  // The severity's full targets, as the workflow will pass them (they include the update cadence).
  const slaTargets = severityTargets('SEV1');
  const review = buildReview(incident([ev(3, 'acknowledged', 'alice'), ev(10, 'resolved', 'alice')]), { slaTargets });

  it('keeps only the two SLA targets a review uses', () => {
    expect(slaTargets.updateEveryMinutes).toBe(15);
    expect(review.slaTargets).toEqual({ ackWithinMinutes: 5, resolveWithinMinutes: 240 });
  });

  it('reads a stored document back (Dates, extra keys) and refuses duplicate action item ids', () => {
    const stored = {
      ...JSON.parse(JSON.stringify(review)),
      _id: 'x',
      incident: { ...review.incident, createdAt: new Date(BASE) },
    };
    expect(ReviewSchema.parse(stored)).toEqual(review);
    const item = { id: 'A1', title: 't', owner: 'o', dueDate: '2026-04-01', status: 'open' };
    const dup = ReviewSchema.safeParse({ ...review, actionItems: [item, item] });
    expect(dup.error?.issues[0]).toMatchObject({
      path: ['actionItems', 1, 'id'],
      message: 'duplicate action item id "A1"',
    });
  });
});
