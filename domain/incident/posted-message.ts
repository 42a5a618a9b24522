/**
 * Messages a channel can update in place (Slack bot messages): how a `notified` timeline
 * event records one, and how it is read back, so a continued-as-new run still knows them.
 * Pure; the sync itself is workflows/incident/slack-message-sync.ts.
 */
import type { IncidentState, TimelineEvent } from './incident';
import { messageView, type MessageRef, type Notification, type NotificationKind } from './notification';

/** A message the incident can rewrite, rebuilt from its `notified` timeline event. */
export interface PostedMessage {
  /** The idempotency key of the send that posted it. */
  key: string;
  ref: MessageRef;
  /** Contact method type of the channel that posted it (slack). */
  channelType: string;
  userId: string;
  contactMethodId: string;
  kind: NotificationKind;
  level?: number;
  loop?: number;
  message?: string;
  /** The recipient's zone (user.timezone), so a rewrite shows times as the original did. */
  timeZone?: string;
  /** messageView of what the message shows now. */
  shown: string;
}

/** What a `notified` event records of a message that can be updated (see workflows/incident/delivery.ts). */
export function postedMessageData(
  ref: MessageRef | undefined,
  shown: string,
  n: Pick<Notification, 'level' | 'loop' | 'message'> & { recipient?: Pick<Notification['recipient'], 'timeZone'> },
) {
  return ref
    ? {
        messageRef: ref,
        shown,
        ...(n.level === undefined ? {} : { level: n.level, loop: n.loop }),
        ...(n.message ? { message: n.message } : {}),
        ...(n.recipient?.timeZone ? { timeZone: n.recipient.timeZone } : {}),
      }
    : {};
}

/** The message a `notified` event stands for, when the send returned a ref. */
export function postedMessage(e: TimelineEvent): PostedMessage | undefined {
  const d = e.data;
  if (e.type !== 'notified' || !d || !isRef(d.messageRef)) return undefined;
  return {
    key: String(d.idempotencyKey),
    ref: d.messageRef,
    channelType: String(d.channel),
    userId: String(d.userId),
    contactMethodId: String(d.contactMethodId),
    kind: d.kind as NotificationKind,
    shown: String(d.shown ?? ''),
    ...(typeof d.level === 'number' ? { level: d.level } : {}),
    ...(typeof d.loop === 'number' ? { loop: d.loop } : {}),
    ...(typeof d.message === 'string' ? { message: d.message } : {}),
    ...(typeof d.timeZone === 'string' ? { timeZone: d.timeZone } : {}),
  };
}

/**
 * The messages a carried state's timeline records, as showing that state: a run hands over
 * (continue-as-new) only once its messages show its state.
 */
export function postedMessagesOf(state: IncidentState): PostedMessage[] {
  const shown = messageView(state);
  return state.timeline.flatMap((e) => {
    const m = postedMessage(e);
    return m ? [{ ...m, shown }] : [];
  });
}

const isRef = (v: unknown): v is MessageRef =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as MessageRef).channel === 'string' &&
  typeof (v as MessageRef).ts === 'string';
