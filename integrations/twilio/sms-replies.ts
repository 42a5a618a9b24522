/**
 * What an SMS reply to a page asks for: "1" / "ack" acknowledge, "2" / "escalate" escalate,
 * "resolve" resolve, each optionally followed by the incident number ("ack 42", "resolve
 * #42"); without a number, the newest open incident this number was paged about.
 */
export type ReplyAction = 'acknowledge' | 'escalate' | 'resolve';

export interface SmsReply {
  action: ReplyAction;
  number?: number;
}

const WORDS: Record<string, ReplyAction> = {
  '1': 'acknowledge',
  ack: 'acknowledge',
  acknowledge: 'acknowledge',
  '2': 'escalate',
  esc: 'escalate',
  escalate: 'escalate',
  resolve: 'resolve',
  resolved: 'resolve',
};

export const SMS_REPLY_USAGE =
  'Reply 1 (or "ack") to acknowledge, 2 (or "escalate") to escalate, "resolve" to resolve; add the incident number to choose one, e.g. "ack 42".';

export function parseSmsReply(body: string): SmsReply | undefined {
  const m = /^\s*([a-z0-9]+)(?:\s+#?(\d{1,9}))?[\s.!]*$/i.exec(body);
  const word = m?.[1]?.toLowerCase();
  // hasOwn: the word arrives as data, and "constructor" must not find Object's.
  const action = word !== undefined && Object.hasOwn(WORDS, word) ? WORDS[word] : undefined;
  if (!m || !action) return undefined;
  return { action, ...(m[2] ? { number: Number(m[2]) } : {}) };
}
