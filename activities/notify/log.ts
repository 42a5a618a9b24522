/**
 * In-process log channel: writes the notification to the log and keeps nothing. Only with
 * VIGIL_NOTIFY_LOG_ONLY (development), for contact types whose channel is not configured;
 * its receipt says `logged`, so the timeline reads "logged, not delivered", never "Notified".
 */
import type { Logger } from '../../lib/logger';
import type { DeliveryReceipt, Notification } from '../../domain/incident/notification';
import type { NotificationChannel } from './channel';

export function createLogChannel(deps: { log: Logger; now?: () => number }): NotificationChannel {
  const now = deps.now ?? Date.now;
  return {
    type: 'log',
    async send(n): Promise<DeliveryReceipt> {
      deps.log.info(logFields(n), 'notification logged, not delivered (VIGIL_NOTIFY_LOG_ONLY)');
      return {
        channel: 'log',
        idempotencyKey: n.idempotencyKey,
        deliveredAt: new Date(now()).toISOString(),
        logged: true,
      };
    },
  };
}

/**
 * Everything but the contact address: addresses are personal data and webhook URLs may
 * carry a token; the contact method id is enough to find it.
 */
export function logFields(n: Notification): Record<string, unknown> {
  return {
    kind: n.kind,
    idempotencyKey: n.idempotencyKey,
    incidentId: n.incidentId,
    incidentNumber: n.incidentNumber,
    service: n.service,
    severity: n.severity,
    status: n.status,
    summary: n.summary,
    message: n.message,
    level: n.level,
    loop: n.loop,
    userId: n.recipient.userId,
    contactType: n.recipient.contactMethod.type,
    contactMethodId: n.recipient.contactMethod.id,
    occurredAt: n.occurredAt,
  };
}
