import { describe, expect, it } from 'vitest';
import {
  generatedDedupKey,
  mapTrigger,
  parseChange,
  parseEvent,
  type PagerDutyEvent,
} from '../../api/ingest/pagerduty';
import { resolveMapping } from '../../domain/config/integration-mapping';

const KEY = 'r0ut1ngk3y0123456789abcdefghijkl';
const trigger = (over: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) => ({
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key: 'disk-db-1',
  payload: { summary: 'Disk full on db-1', source: 'db-1', severity: 'error', ...payload },
  ...over,
});
const parsed = (body: unknown): PagerDutyEvent => {
  const r = parseEvent(body);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
};

describe("PagerDuty Events v2 validation (PagerDuty's wording, field named)", () => {
  it.each([
    ['a body that is not an object', [1, 2], "'event' must be a JSON object"],
    ['no routing_key', { ...trigger(), routing_key: undefined }, "'routing_key' is missing or blank"],
    ['a short routing_key', trigger({ routing_key: 'abc' }), "'routing_key' must be a 32-character integration key"],
    [
      'an unknown event_action',
      trigger({ event_action: 'escalate' }),
      "'event_action' must be one of trigger, acknowledge, resolve",
    ],
    ['a trigger without payload', { ...trigger(), payload: undefined }, "'payload' is missing (required for trigger)"],
    ['a blank summary', trigger({}, { summary: '  ' }), "'payload.summary' is missing or blank"],
    [
      'a summary over 1024 characters',
      trigger({}, { summary: 'x'.repeat(1025) }),
      "'payload.summary' must be at most 1024 characters",
    ],
    ['a missing source', trigger({}, { source: undefined }), "'payload.source' is missing or blank"],
    [
      'a severity PagerDuty does not know',
      trigger({}, { severity: 'high' }),
      "'payload.severity' must be one of critical, error, warning, info",
    ],
    ['a bad timestamp', trigger({}, { timestamp: 'yesterday' }), "'payload.timestamp' must be an ISO 8601 timestamp"],
    [
      'a dedup_key over 255 characters',
      trigger({ dedup_key: 'k'.repeat(256) }),
      "'dedup_key' must be at most 255 characters",
    ],
    ['links that are not an array', trigger({ links: 'http://x' }), "'links' must be an array"],
    [
      'an acknowledge without dedup_key',
      { routing_key: KEY, event_action: 'acknowledge' },
      "'dedup_key' is missing or blank (required for acknowledge)",
    ],
    [
      'a resolve without dedup_key',
      { routing_key: KEY, event_action: 'resolve' },
      "'dedup_key' is missing or blank (required for resolve)",
    ],
  ])('refuses %s', (_what, body, error) => {
    const r = parseEvent(body);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors).toContain(error);
  });

  it('accepts what Alertmanager 0.25 sends (no timestamp, string custom_details, resolve with payload)', () => {
    expect(
      parseEvent(
        trigger(
          { client: 'Alertmanager', client_url: 'http://am' },
          { custom_details: { firing: 'x', num_firing: '1' } },
        ),
      ).ok,
    ).toBe(true);
    const resolve = parseEvent({
      routing_key: KEY,
      event_action: 'resolve',
      dedup_key: 'k',
      payload: { summary: 'x', severity: 'bogus' },
    });
    expect(resolve.ok && resolve.value.payload).toBeUndefined();
  });

  it('validates change events', () => {
    expect(
      parseChange({ routing_key: KEY, payload: { summary: 'Deployed v42', timestamp: '2026-03-09T14:00:00Z' } }).ok,
    ).toBe(true);
    expect(parseChange({ routing_key: KEY })).toEqual({ ok: false, errors: ["'payload' is missing or blank"] });
    expect(parseChange({ routing_key: KEY, payload: { summary: '' } })).toEqual({
      ok: false,
      errors: ["'payload.summary' is missing or blank"],
    });
  });
});

describe('PagerDuty trigger mapping', () => {
  const mapping = resolveMapping('pagerduty', undefined);

  it.each([
    ['critical', 'SEV1'],
    ['error', 'SEV2'],
    ['warning', 'SEV3'],
    ['info', 'SEV4'],
  ])('maps severity %s to %s', (sev, expected) => {
    expect(mapTrigger(parsed(trigger({}, { severity: sev })), 'k', 'database', mapping).severity).toBe(expected);
  });

  it("carries PagerDuty fields into details and names the key's service", () => {
    const d = mapTrigger(
      parsed(trigger({ client: 'Alertmanager' }, { component: 'disk', custom_details: { used: '99%' } })),
      'disk-db-1',
      'database',
      mapping,
    );
    expect(d).toMatchObject({
      source: 'db-1',
      service: 'database',
      dedupKey: 'disk-db-1',
      summary: 'Disk full on db-1',
    });
    expect(d.details).toMatchObject({
      component: 'disk',
      client: 'Alertmanager',
      customDetails: { used: '99%' },
      pagerdutySeverity: 'error',
    });
  });

  it('payload.timestamp is the alert start (MTTD); without one there is none', () => {
    const at = (body: unknown) => mapTrigger(parsed(body), 'k', 'database', mapping).startedAt;
    expect(at(trigger({}, { timestamp: '2026-03-09T15:00:00+01:00' }))).toBe('2026-03-09T14:00:00.000Z');
    expect(at(trigger())).toBeUndefined();
  });

  it('an identical re-send has the same fingerprint; a new occurrence does not', () => {
    const fp = (body: unknown) => mapTrigger(parsed(body), 'k', 'database', mapping).alerts[0]?.fingerprint;
    expect(fp(trigger())).toBe(fp(trigger()));
    expect(fp(trigger({}, { timestamp: '2026-03-09T14:00:00Z' }))).not.toBe(
      fp(trigger({}, { timestamp: '2026-03-09T14:01:00Z' })),
    );
  });

  it('mapping: severityMap re-rates, severityLabel and serviceLabel read custom_details', () => {
    const m = resolveMapping('pagerduty', {
      severityMap: { error: 'SEV1' },
      serviceLabel: 'service',
      severityLabel: 'priority',
    });
    expect(mapTrigger(parsed(trigger()), 'k', 'database', m).severity).toBe('SEV1');
    const d = mapTrigger(
      parsed(trigger({}, { custom_details: { service: 'payments', priority: 'P3' } })),
      'k',
      'database',
      m,
    );
    expect([d.service, d.severity]).toEqual(['payments', 'SEV4']);
  });

  it('generates the same dedup key for a retried keyless trigger, not when the alert differs', () => {
    const a = parsed(trigger({ dedup_key: undefined })).payload;
    const b = parsed(trigger({ dedup_key: undefined }, { summary: 'Disk full on db-2' })).payload;
    if (!a || !b) throw new Error('expected payloads');
    expect(generatedDedupKey(KEY, a)).toMatch(/^[0-9a-f]{32}$/);
    expect(generatedDedupKey(KEY, a)).toBe(generatedDedupKey(KEY, { ...a, timestamp: '2026-03-09T14:00:00Z' }));
    expect(generatedDedupKey(KEY, a)).not.toBe(generatedDedupKey(KEY, b));
  });
});
