/** The pure side of maintenance windows: where an instant falls, the next boundary, entering and leaving. */
import { describe, expect, it } from 'vitest';
import { escalateNow, recordPage } from '../../domain/incident/commands';
import { openIncident } from '../../domain/incident/incident';
import {
  enterMaintenance,
  escalatedInWindow,
  leaveMaintenance,
  nextWindowBoundary,
  windowAt,
} from '../../domain/incident/maintenance';

const W = [
  { start: '2026-05-02T02:00:00.000Z', end: '2026-05-02T04:00:00.000Z' },
  { start: '2026-05-01T22:00:00.000Z', end: '2026-05-02T00:00:00.000Z' },
];
const at = (iso: string) => Date.parse(iso);
const incident = () =>
  openIncident('i', 'r', {
    source: 'test',
    dedupKey: 'i',
    service: 'checkout',
    summary: 's',
    severity: 'SEV3',
    details: {},
    receivedAt: '2026-05-01T21:00:00.000Z',
  });

describe('maintenance windows', () => {
  it('finds the window covering an instant, start included and end excluded', () => {
    expect(windowAt(W, at('2026-05-01T22:00:00Z'))).toBe(W[1]);
    expect(windowAt(W, at('2026-05-02T00:00:00Z'))).toBeUndefined();
    expect(windowAt(W, at('2026-05-02T03:59:59Z'))).toBe(W[0]);
  });

  it('names the next start or end after an instant, in any order of windows', () => {
    expect(nextWindowBoundary(W, at('2026-05-01T21:00:00Z'))).toBe(at('2026-05-01T22:00:00Z'));
    expect(nextWindowBoundary(W, at('2026-05-01T22:00:00Z'))).toBe(at('2026-05-02T00:00:00Z'));
    expect(nextWindowBoundary(W, at('2026-05-02T01:00:00Z'))).toBe(at('2026-05-02T02:00:00Z'));
    expect(nextWindowBoundary(W, at('2026-05-02T04:00:00Z'))).toBeUndefined();
    expect(nextWindowBoundary([], 0)).toBeUndefined();
  });

  it('entering holds the current level in a new epoch; leaving says where paging resumes', () => {
    const paged = recordPage(incident(), { loop: 0, level: 1, userIds: ['b'] }, '2026-05-01T21:05:00Z');
    const held = enterMaintenance(paged, W[1]!, '2026-05-01T22:00:00Z');
    expect(held.inMaintenance).toBe(true);
    expect(held.escalation).toMatchObject({ epoch: 1, loop: 0, level: 1, userIds: [], pagedAt: undefined });
    expect(held.timeline.at(-1)?.message).toBe(
      'Maintenance window until 2026-05-02T00:00:00.000Z: automatic pages held',
    );
    const resumed = leaveMaintenance(held, '2026-05-02T00:00:00Z');
    expect(resumed.inMaintenance).toBe(false);
    expect(resumed.timeline.at(-1)?.message).toBe('Maintenance window ended: paging resumes at level 2');
    expect(resumed.seq).toBe(paged.seq + 2);
  });

  it("tells a responder's escalate since the window began from an automatic page", () => {
    const held = enterMaintenance(incident(), W[1]!, '2026-05-01T22:00:00Z');
    expect(escalatedInWindow(held)).toBe(false);
    const escalated = escalateNow(held, { by: 'lead' }, '2026-05-01T22:10:00Z');
    expect(escalatedInWindow(escalated)).toBe(true);
    const paged = recordPage(escalated, { loop: 0, level: 0, userIds: ['a'] }, '2026-05-01T22:10:00Z');
    expect(escalatedInWindow(paged)).toBe(false);
    // An escalate before the window began does not page through it.
    const before = escalateNow(incident(), { by: 'lead' }, '2026-05-01T21:30:00Z');
    expect(escalatedInWindow(enterMaintenance(before, W[1]!, '2026-05-01T22:00:00Z'))).toBe(false);
  });
});
