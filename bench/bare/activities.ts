import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../activities/notify/signature';

/** One signed POST to the bench's webhook sink, the way the webhook channel sends a page. */
export function createBareActivities(secret: string) {
  return {
    async post(input: { url: string; key: string; dueAt?: number }): Promise<void> {
      const occurredAt = new Date(input.dueAt ?? Date.now()).toISOString();
      const body = JSON.stringify({ event: 'bare', idempotency_key: input.key, occurred_at: occurredAt });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const res = await fetch(input.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'idempotency-key': input.key,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
        },
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`sink answered ${res.status}`);
    },
  };
}
