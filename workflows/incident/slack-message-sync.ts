/**
 * Messages updated in place. A page or notice the Slack bot posted is rewritten as the
 * incident changes (acknowledged by whom, resolved by whom, severity, the buttons that
 * still apply), so nobody acts on a stale "triggered" message with live buttons.
 *
 * The messages are the `notified` timeline events whose receipt carried a `messageRef`
 * (IncidentRun.postedMessages); each remembers the view (status, severity, who) it shows.
 * One sync at a time rewrites every message whose view is behind the incident's, always
 * with the newest state, so an older update never lands after a newer one. An update that
 * fails after its retries is logged and not tried again until the incident changes once
 * more. A refused update is logged, never retried here. The incident ends only once
 * IncidentRun.messagesCurrent() holds.
 */
import { condition, log } from '@temporalio/workflow';
import type { ContactMethodType } from '../../domain/config/user';
import type { IncidentState } from '../../domain/incident/incident';
import { incidentNotification, messageView, type Notification } from '../../domain/incident/notification';
import type { PostedMessage } from '../../domain/incident/posted-message';
import { notifyFor } from './activity-stubs';
import { nowIso } from './clock';
import type { IncidentRun } from './incident-run';

export async function syncPostedMessages(run: IncidentRun): Promise<void> {
  for (;;) {
    await condition(() => run.messagesBehind().length > 0);
    run.messageUpdateInFlight = true;
    const s = run.state;
    const view = messageView(s);
    await Promise.all(
      run.messagesBehind().map(async (m) => {
        try {
          await notifyFor(run.plan, m.channelType).updateNotification({
            notification: rewrite(s, m, run.plan.tier),
            messageRef: m.ref,
          });
        } catch (err) {
          log.warn('could not update a posted message', { key: m.key, error: String(err) });
        }
        m.shown = view;
      }),
    );
    run.messageUpdateInFlight = false;
  }
}

/** One message as it should read now; a rewrite's key is the posting's key plus the state's seq. */
function rewrite(s: IncidentState, m: PostedMessage, tier: number | undefined): Notification {
  return incidentNotification(s, {
    ...(tier === undefined ? {} : { tier }),
    idempotencyKey: `${m.key}:update:${s.seq}`,
    kind: m.kind,
    message: m.message,
    level: m.level,
    loop: m.loop,
    recipient: {
      userId: m.userId,
      ...(m.timeZone ? { timeZone: m.timeZone } : {}),
      contactMethod: { id: m.contactMethodId, type: m.channelType as ContactMethodType, address: m.ref.channel },
    },
    occurredAt: nowIso(),
  });
}
