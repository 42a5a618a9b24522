/**
 * Status-page subscribers, pure and with in-memory stores: the signed links (forged,
 * swapped, expired), which updates are announced (creation, human-written, resolution;
 * never an unchanged status or a held incident), who hears of them (component filters),
 * and the delivery activity's key (one message per subscriber and update, retries and a
 * second fan-out send nothing; a webhook's body is signed like every Vigil webhook).
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSubscriberActivities } from '../../activities/status-page/subscribers';
import type { OutgoingEmail } from '../../activities/status-page/senders';
import { verifyWebhookSignature } from '../../activities/notify/signature';
import { createSubscriberSenders } from '../../activities/status-page/senders';
import { announcementOf, deliveryKey, subscriberWants, unknownComponents } from '../../domain/status-page/subscribers';
import type { PageIncidentRecord } from '../../domain/status-page';
import type { StatusPageStore } from '../../lib/models/status-page';
import { CONFIRM_TTL_MS, createSubscriberLinks } from '../../lib/subscriber-links';
import { memorySubscriberStore } from '../helpers/memory-subscribers';
import { incident, PAGE } from './status-page-fixtures';

const SECRET = 'subscriber-link-secret-0123456789abcdef';
const NOW = Date.parse('2026-05-01T12:00:00Z');
const links = createSubscriberLinks({ publicUrl: 'https://vigil.example.com/', secret: SECRET, now: () => NOW });
const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';

describe('subscriber links', () => {
  it('verify what they sign, for their own action only', () => {
    const url = links.link('public', 'e0123', 'confirm', NOW);
    expect(url.startsWith('https://vigil.example.com/status/public/subscribers/confirm?token=')).toBe(true);
    expect(links.verify(tokenOf(url), 'confirm')).toMatchObject({ ok: true, claims: { s: 'e0123', a: 'confirm' } });
    expect(links.verify(tokenOf(url), 'unsubscribe')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuse a forged, altered or foreign token, and never throw', () => {
    const token = tokenOf(links.link('public', 'e0123', 'unsubscribe', NOW));
    const [payload, sig] = token.split('.') as [string, string];
    const other = createSubscriberLinks({ publicUrl: 'https://x.example', secret: `${SECRET}x` });
    expect(other.verify(token, 'unsubscribe')).toEqual({ ok: false, reason: 'bad_signature' });
    const swapped = Buffer.from(JSON.stringify({ s: 'e9999', a: 'unsubscribe' })).toString('base64url');
    expect(links.verify(`${swapped}.${sig}`, 'unsubscribe')).toEqual({ ok: false, reason: 'bad_signature' });
    for (const bad of ['', 'x', `${payload}.`, `${payload}.${sig}.x`, 'a'.repeat(600), `${payload}.${sig}=`])
      expect(links.verify(bad, 'unsubscribe').ok).toBe(false);
  });

  it('expire a confirmation after a week, never an unsubscribe link', () => {
    const later = createSubscriberLinks({
      publicUrl: 'https://v.example',
      secret: SECRET,
      now: () => NOW + CONFIRM_TTL_MS,
    });
    expect(later.verify(tokenOf(links.link('p', 'e1', 'confirm', NOW)), 'confirm')).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(later.verify(tokenOf(links.link('p', 'e1', 'unsubscribe', NOW)), 'unsubscribe').ok).toBe(true);
  });
});

const opened = incident({ id: 'i1', createdAt: '2026-05-01T11:00:00Z' });
const withUpdate = (i: PageIncidentRecord, u: Partial<PageIncidentRecord['updates'][number]> & { id: string }) => ({
  ...i,
  updates: [
    ...i.updates,
    {
      status: i.status,
      body: 'More',
      createdAt: '2026-05-01T11:30:00Z',
      displayAt: '2026-05-01T11:30:00Z',
      by: 'vigil',
      ...u,
    },
  ],
});

describe('which updates subscribers hear of', () => {
  it('the creation, a human-written update and the resolution; not a status the workflow re-showed', () => {
    const i = withUpdate(
      withUpdate(withUpdate(opened, { id: 'impact', body: 'We have updated the impact' }), { id: 'human', by: 'ola' }),
      { id: 'end', status: 'resolved' },
    );
    const of = (id: string) =>
      announcementOf(
        i,
        i.updates.find((u) => u.id === id)!,
      );
    expect([of('i1-1'), of('impact'), of('human'), of('end')]).toEqual(['created', undefined, 'updated', 'resolved']);
    expect(announcementOf({ ...i, held: true }, i.updates[0]!)).toBeUndefined();
  });

  it('reach confirmed subscribers of the page whose components (if any) the incident affects', () => {
    const s = { state: 'confirmed' as const, pageId: 'public' };
    expect(subscriberWants(s, opened)).toBe(true);
    expect(subscriberWants({ ...s, components: ['web', 'api'] }, opened)).toBe(true);
    expect(subscriberWants({ ...s, components: ['web'] }, opened)).toBe(false);
    expect(subscriberWants({ ...s, state: 'pending' }, opened)).toBe(false);
    expect(subscriberWants({ ...s, pageId: 'other' }, opened)).toBe(false);
    expect(unknownComponents(PAGE, ['api', 'nope'])).toEqual([
      { path: 'components.1', message: 'unknown component "nope" on this page' },
    ]);
  });
});

function harness(i: PageIncidentRecord = withUpdate(opened, { id: 'human', by: 'ola', body: 'Fixed <soon>' })) {
  const subscribers = memorySubscriberStore();
  const mails: OutgoingEmail[] = [];
  const hooks: Array<{ url: string; payload: any; key: string }> = [];
  let failNext = 0;
  const store = { incident: async () => i } as unknown as StatusPageStore;
  const activities = createSubscriberActivities({
    log: pino({ level: 'silent' }),
    senders: {
      email: async (m) => {
        if (failNext-- > 0) throw new Error('smtp down');
        mails.push(m);
      },
      webhook: async (url, payload, key) => void hooks.push({ url, payload, key }),
    },
    links,
    subscribers,
    store,
    loadConfig: async () => ({ statusPages: [PAGE] }) as never,
    now: () => NOW,
  });
  return { subscribers, mails, hooks, activities, failOnce: () => (failNext = 1) };
}

describe('delivery to subscribers', () => {
  it('sends one message per subscriber and update, whatever is retried or fanned out again', async () => {
    const h = harness();
    const { subscriber } = await h.subscribers.request('public', 'ola@example.com', undefined, NOW);
    await h.subscribers.confirm(subscriber.id, new Date(NOW).toISOString());
    const input = { pageId: 'public', pageIncidentId: 'i1', updateId: 'human', subscriberId: subscriber.id };
    const plan = await h.activities.planStatusPageAnnouncement(input);
    expect(plan).toEqual({ announcement: 'updated', deliveries: [{ subscriberId: subscriber.id, type: 'email' }] });
    h.failOnce();
    await expect(h.activities.deliverStatusPageUpdate(input)).rejects.toThrow('smtp down');
    expect(await h.activities.deliverStatusPageUpdate(input)).toEqual({ status: 'sent' });
    expect(await h.activities.deliverStatusPageUpdate(input)).toEqual({ status: 'duplicate' });
    expect(h.mails).toHaveLength(1);
    const mail = h.mails[0]!;
    expect(mail.idempotencyKey).toBe(deliveryKey(subscriber.id, 'human'));
    expect(mail.subject).toBe('[Acme Status] Investigating: Service disruption: API');
    expect(mail.html).toContain('Fixed &lt;soon&gt;');
    const unsubscribe = /Unsubscribe: (\S+)/.exec(mail.text)?.[1] ?? '';
    expect(links.verify(tokenOf(unsubscribe), 'unsubscribe')).toMatchObject({ ok: true, claims: { s: subscriber.id } });
    expect(mail.headers).toEqual({
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('sends nothing to someone who left, nor for an update that is not announced', async () => {
    const h = harness(withUpdate(opened, { id: 'impact' }));
    const { subscriber } = await h.subscribers.request('public', 'ola@example.com', undefined, NOW);
    await h.subscribers.confirm(subscriber.id, new Date(NOW).toISOString());
    const input = { pageId: 'public', pageIncidentId: 'i1', updateId: 'impact', subscriberId: subscriber.id };
    expect(await h.activities.planStatusPageAnnouncement(input)).toEqual({ deliveries: [] });
    expect((await h.activities.deliverStatusPageUpdate(input)).status).toBe('skipped');
    await h.subscribers.unsubscribe(subscriber.id);
    expect((await h.activities.deliverStatusPageUpdate({ ...input, updateId: 'i1-1' })).status).toBe('skipped');
    expect(h.mails).toEqual([]);
  });

  it('sends a webhook subscriber the update as a document', async () => {
    const h = harness();
    const sub = await h.subscribers.putWebhook('public', 'https://hooks.example.com/x', ['api'], 'now');
    const input = { pageId: 'public', pageIncidentId: 'i1', updateId: 'i1-1', subscriberId: sub.id };
    expect(await h.activities.deliverStatusPageUpdate(input)).toEqual({ status: 'sent' });
    expect(h.hooks[0]?.payload).toMatchObject({
      event: 'incident.created',
      page: { id: 'public', name: 'Acme Status', url: 'https://status.example.com' },
      incident: {
        id: 'i1',
        status: 'investigating',
        components: [{ id: 'api', name: 'API', status: 'partial_outage' }],
      },
      update: { id: 'i1-1', body: 'We are investigating.' },
      subscriber: { id: sub.id },
    });
  });

  it('confirms by email only a pending subscriber, with a signed confirmation link', async () => {
    const h = harness();
    const { subscriber, send } = await h.subscribers.request('public', 'ola@example.com', ['api'], NOW);
    expect(await h.activities.sendStatusPageConfirmation({ subscriberId: subscriber.id, nth: send! })).toEqual({
      status: 'sent',
    });
    const confirm = /Confirm: (\S+)/.exec(h.mails[0]!.text)?.[1] ?? '';
    expect(links.verify(tokenOf(confirm), 'confirm')).toMatchObject({ ok: true, claims: { s: subscriber.id } });
    await h.subscribers.confirm(subscriber.id, 'now');
    expect((await h.activities.sendStatusPageConfirmation({ subscriberId: subscriber.id, nth: 2 })).status).toBe(
      'skipped',
    );
  });
});

describe('the webhook sender', () => {
  it('signs the exact body like every Vigil webhook, with the delivery key as idempotency-key', async () => {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    const senders = createSubscriberSenders({
      from: 'Vigil <v@example.com>',
      webhookSecret: 'webhook-secret-0123456789',
      now: () => NOW,
      fetch: (async (url: URL, init: RequestInit) => {
        seen.push({ url: String(url), init });
        return new Response('ok', { status: 200 });
      }) as typeof fetch,
    });
    await senders.webhook('https://hooks.example.com/x', { a: 1 }, 'k-1');
    const headers = seen[0]!.init.headers as Record<string, string>;
    expect(headers['idempotency-key']).toBe('k-1');
    const ok = verifyWebhookSignature(
      'webhook-secret-0123456789',
      headers['x-vigil-timestamp'],
      String(seen[0]!.init.body),
      headers['x-vigil-signature'],
      NOW,
    );
    expect(ok).toBe(true);
    await expect(createSubscriberSenders({ from: 'x' }).webhook('https://h.example', {}, 'k')).rejects.toThrow(
      /channel_not_configured/,
    );
  });
});
