import { describe, expect, it } from 'vitest';
import {
  ACCEPTED_SEVERITIES,
  DEFAULT_SEVERITY_TARGETS,
  SEVERITY_ALIASES,
  type Severity,
  SeverityInputSchema,
  normalizeSeverity,
  severityTargets,
} from '../../domain/incident/severity';

describe('normalizeSeverity', () => {
  const accepted: Array<[string | number, Severity]> = [
    ['SEV1', 'SEV1'],
    ['sev1', 'SEV1'],
    ['Sev-1', 'SEV1'],
    ['sev 1', 'SEV1'],
    ['1', 'SEV1'],
    [1, 'SEV1'],
    ['P0', 'SEV1'],
    ['p0', 'SEV1'],
    ['critical', 'SEV1'],
    ['CRITICAL', 'SEV1'],
    ['  critical\n', 'SEV1'],
    ['SEV2', 'SEV2'],
    ['sev-2', 'SEV2'],
    ['SEV 2', 'SEV2'],
    ['2', 'SEV2'],
    ['P1', 'SEV2'],
    ['high', 'SEV2'],
    ['error', 'SEV2'],
    ['SEV3', 'SEV3'],
    ['sev-3', 'SEV3'],
    ['sev 3', 'SEV3'],
    ['3', 'SEV3'],
    ['P2', 'SEV3'],
    ['medium', 'SEV3'],
    ['Warning', 'SEV3'],
    ['SEV4', 'SEV4'],
    ['sev-4', 'SEV4'],
    ['sev 4', 'SEV4'],
    [' 4 ', 'SEV4'],
    ['P3', 'SEV4'],
    ['low', 'SEV4'],
    ['info', 'SEV4'],
  ];
  it.each(accepted)('%j -> %s', (input, expected) => {
    expect(normalizeSeverity(input)).toBe(expected);
  });

  const unknown: Array<string | number> = [
    'urgent',
    '',
    '   ',
    'P4',
    'SEV5',
    'sev0',
    'SEV 0',
    '0',
    5,
    'P',
    'sev',
    'sev--1',
    'sev  1',
    'sev_1',
    'crit',
    'warn',
    'fatal',
    'constructor',
    '__proto__',
    'toString',
    '1.5',
    'SEV1!',
  ];
  it.each(unknown)('%j is refused, not guessed', (input) => {
    expect(normalizeSeverity(input)).toBeUndefined();
  });

  it('accepts every listed alias, and the list covers every severity', () => {
    for (const [sev, aliases] of Object.entries(SEVERITY_ALIASES)) {
      for (const alias of aliases) expect(normalizeSeverity(alias)).toBe(sev);
    }
    expect(ACCEPTED_SEVERITIES).toHaveLength(27);
    expect(ACCEPTED_SEVERITIES).toEqual(expect.arrayContaining(['SEV1', 'P0', 'critical', 'error', 'warning', 'info']));
  });

  it('schema refuses unknown values with a message listing the accepted ones', () => {
    expect(SeverityInputSchema.parse('P1')).toBe('SEV2');
    const result = SeverityInputSchema.safeParse('urgent');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/unknown severity "urgent"; accepted: SEV1, sev-1, .*info/);
  });
});

describe('severityTargets', () => {
  it.each([
    ['SEV1', { ackWithinMinutes: 5, resolveWithinMinutes: 240, updateEveryMinutes: 15 }],
    ['SEV2', { ackWithinMinutes: 15, resolveWithinMinutes: 480, updateEveryMinutes: 30 }],
    ['SEV3', { ackWithinMinutes: 60, resolveWithinMinutes: 1440 }],
    ['SEV4', { ackWithinMinutes: 240, resolveWithinMinutes: 4320 }],
  ] as const)('defaults for %s come from the seeds', (sev, expected) => {
    expect(severityTargets(sev)).toEqual(expected);
    expect(DEFAULT_SEVERITY_TARGETS[sev]).toEqual(expected);
  });

  it('merges per-service overrides field by field', () => {
    const overrides = { SEV1: { ackWithinMinutes: 2 }, SEV3: { updateEveryMinutes: 120 } };
    expect(severityTargets('SEV1', overrides)).toEqual({
      ackWithinMinutes: 2,
      resolveWithinMinutes: 240,
      updateEveryMinutes: 15,
    });
    expect(severityTargets('SEV2', overrides)).toEqual(DEFAULT_SEVERITY_TARGETS.SEV2);
    expect(severityTargets('SEV3', overrides)).toEqual({
      ackWithinMinutes: 60,
      resolveWithinMinutes: 1440,
      updateEveryMinutes: 120,
    });
  });
});
