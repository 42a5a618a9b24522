/**
 * Messages updated in place. A page or notice the Slack bot posted is rewritten as the
 * incident changes (acknowledged by whom, resolved by whom, severity, the buttons that
 * still apply), so nobody acts on a stale "triggered" message with live buttons.
 *
 * The messages are the `notified` timeline events whose receipt carried a `messageRef`;
 * each remembers the view (status, severity, who) it shows. One sync at a time rewrites
 * every message whose view is behind the incident's, always with the newest state, so an
 * older update never lands after a newer one. An update that fails after its retries is
 * logged and not tried again until the incident changes once more.
 */
import { condition, log } from '@temporalio/workflow';
import { incidentNotification, messageView } from '../domain/incident/notification';
import type { ContactMethodType } from '../domain/config/user';
import { notifyFor, nowIso, type Ctx } from './runtime';

/**
 * Starts the sync; returns "are all messages up to date and no update in flight?", which
 * the incident waits for before it ends or hands over to a new run.
 */
export function startMessageSync(ctx: Ctx): () => boolean {
  let inFlight = false;
  const behind = () => {
    const view = messageView(ctx.state());
    return ctx.messages.filter((m) => m.shown !== view);
  };
  void (async () => {
    for (;;) {
      await condition(() => behind().length > 0);
      inFlight = true;
      const s = ctx.state();
      const view = messageView(s);
      await Promise.all(
        behind().map(async (m) => {
          const notification = incidentNotification(s, {
            idempotencyKey: `${m.key}:update:${s.seq}`,
            kind: m.kind,
            message: m.message,
            level: m.level,
            loop: m.loop,
            recipient: {
              userId: m.userId,
              contactMethod: {
                id: m.contactMethodId,
                type: m.channelType as ContactMethodType,
                address: m.ref.channel,
              },
            },
            occurredAt: nowIso(),
          });
          try {
            await notifyFor(ctx.plan, m.channelType).updateNotification({ notification, messageRef: m.ref });
          } catch (err) {
            log.warn('could not update a posted message', { key: m.key, error: String(err) });
          }
          m.shown = view;
        }),
      );
      inFlight = false;
    }
  })();
  return () => !inFlight && ctx.sending === 0 && behind().length === 0;
}
