import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  MAX_RETRY_AFTER_MS,
  failureForError,
  failureForStatus,
  parseRetryAfter,
} from '../../activities/notify/channel';

const NOW = Date.parse('2026-03-08T09:00:00Z');

describe('failure classification by HTTP status', () => {
  it.each([
    [400, 'NotificationRejected', true],
    [401, 'NotificationRejected', true],
    [403, 'NotificationRejected', true],
    [404, 'NotificationRejected', true],
    [409, 'NotificationRejected', true],
    [410, 'NotificationRejected', true],
    [413, 'NotificationRejected', true],
    [422, 'NotificationRejected', true],
    [301, 'NotificationRejected', true],
    [307, 'NotificationRejected', true],
    [408, 'NotificationTransient', false],
    [429, 'NotificationTransient', false],
    [500, 'NotificationTransient', false],
    [502, 'NotificationTransient', false],
    [503, 'NotificationTransient', false],
    [504, 'NotificationTransient', false],
  ])('%i -> %s', (status, type, nonRetryable) => {
    const failure = failureForStatus({ status }, 'webhook example.com', NOW);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, nonRetryable, details: [{ status }] });
    expect(failure.message).toBe(`webhook example.com answered ${status}`);
  });

  it('puts the refusal reason into the message', () => {
    const failure = failureForStatus({ status: 400, statusText: 'Bad Request' }, 'webhook h', NOW, 'missing field');
    expect(failure.message).toBe('webhook h answered 400 Bad Request: missing field');
  });

  it('honours Retry-After on 429 and 503 only', () => {
    expect(failureForStatus({ status: 429, retryAfter: '7' }, 'w', NOW).nextRetryDelay).toBe(7000);
    expect(failureForStatus({ status: 503, retryAfter: '7' }, 'w', NOW).nextRetryDelay).toBe(7000);
    expect(failureForStatus({ status: 500, retryAfter: '7' }, 'w', NOW).nextRetryDelay).toBeUndefined();
    expect(failureForStatus({ status: 429 }, 'w', NOW).nextRetryDelay).toBeUndefined();
  });
});

describe('Retry-After', () => {
  it.each([
    ['delay seconds', '30', 30_000],
    ['zero', '0', 0],
    ['an HTTP date', 'Sun, 08 Mar 2026 09:00:45 GMT', 45_000],
    ['a date in the past', 'Sun, 08 Mar 2026 08:00:00 GMT', 0],
    ['an hour, capped', '3600', MAX_RETRY_AFTER_MS],
    ['garbage', 'soon', undefined],
    ['negative seconds', '-5', undefined],
    ['absent', null, undefined],
  ])('%s', (_name, header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe('failure classification of thrown errors', () => {
  it('passes classified failures and cancellations through unchanged', () => {
    const refused = failureForStatus({ status: 404 }, 'w', NOW);
    const cancelled = new CancelledFailure('CANCELLED');
    expect(failureForError(refused, 'w')).toBe(refused);
    expect(failureForError(cancelled, 'w')).toBe(cancelled);
  });

  it('reports the cancellation, not the abort error, once the activity is cancelled', () => {
    const controller = new AbortController();
    const reason = new CancelledFailure('CANCELLED');
    controller.abort(reason);
    expect(failureForError(new DOMException('aborted', 'AbortError'), 'w', controller.signal)).toBe(reason);
  });

  it('treats timeouts and network errors as transient, naming the socket error', () => {
    const timeout = failureForError(new DOMException('timed out', 'TimeoutError'), 'webhook h');
    expect(timeout).toMatchObject({
      type: 'NotificationTransient',
      nonRetryable: false,
      message: 'webhook h timed out',
    });
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(failureForError(refused, 'webhook h')).toMatchObject({
      type: 'NotificationTransient',
      message: 'webhook h unreachable: ECONNREFUSED',
      details: [{ code: 'ECONNREFUSED' }],
    });
  });
});
