/**
 * What the notify activity tells Prometheus about sends: deliveries by channel and kind, the
 * time from the incident's decision to notify until the channel accepted (retries included),
 * and failed attempts by channel and a reason of bounded cardinality.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { NOTIFICATION_REJECTED, type Notification } from '../../domain/incident/notification';
import type { WorkerMetrics } from '../../lib/metrics';

export interface NotifyMeter {
  delivered(n: Notification, channel: string): void;
  failed(channel: string, err: unknown): void;
}

const SLUG = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * One word for why an attempt failed: the channel's own reason (invalid_address, ...), the
 * HTTP or SMTP status class, network, timeout or cancelled; else rejected / transient.
 */
export function failureReason(err: unknown): string {
  if (err instanceof CancelledFailure) return 'cancelled';
  if (!(err instanceof ApplicationFailure)) return 'error';
  const d = (err.details?.[0] ?? {}) as Record<string, unknown>;
  if (typeof d.reason === 'string' && SLUG.test(d.reason)) return d.reason;
  if (typeof d.slackError === 'string') return 'provider_error';
  if (typeof d.status === 'number')
    return d.status === 408 || d.status === 429 ? `http_${d.status}` : `http_${Math.floor(d.status / 100)}xx`;
  if (typeof d.smtpCode === 'number') return `smtp_${Math.floor(d.smtpCode / 100)}xx`;
  if (typeof d.code === 'string') return 'network';
  if (/timed out/.test(err.message)) return 'timeout';
  return err.type === NOTIFICATION_REJECTED ? 'rejected' : 'transient';
}

export function notifyMeter(
  m: Pick<WorkerMetrics, 'notificationsDelivered' | 'notificationFailures' | 'notificationDelivery'>,
  now: () => number = Date.now,
): NotifyMeter {
  return {
    delivered(n, channel) {
      m.notificationsDelivered.inc({ channel, kind: n.kind });
      const decided = Date.parse(n.occurredAt);
      if (Number.isFinite(decided))
        m.notificationDelivery.observe({ channel, kind: n.kind }, Math.max(0, now() - decided) / 1000);
    },
    failed(channel, err) {
      const reason = failureReason(err);
      // Cancelled: acknowledged (or re-planned) mid-send, which is the point, not a failure.
      if (reason !== 'cancelled') m.notificationFailures.inc({ channel, reason });
    },
  };
}
