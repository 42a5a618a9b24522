/**
 * Respond links in the human channels: the worker's `links` function (both settings or a
 * warning), what Teams, email and SMS make of the link, and that the link a channel sends
 * verifies for the recipient it was sent to.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createNotifyActivities, type NotificationChannel } from '../../activities/notify';
import { emailContent } from '../../activities/notify/email';
import { smsBody } from '../../activities/notify/sms';
import { teamsCard } from '../../activities/notify/teams';
import { createRespondLinks } from '../../integrations/respond/link';
import type { Notification } from '../../domain/incident/notification';
import { buildRespondLinks } from '../../integrations/respond/worker-links';

const SECRET = 'respond-link-secret-0123456789abcdef';
const PUBLIC_URL = 'https://vigil.example.com';
const LINK = 'https://vigil.example.com/respond/eyJpIjoieCJ9.c2ln';

function notification(over: Partial<Notification> = {}): Notification {
  return {
    idempotencyKey: 'incident-db-1:run-1:L1:R1:alice:alice-x',
    kind: 'page',
    incidentId: 'incident-db-1',
    incidentNumber: 7,
    service: 'database',
    severity: 'SEV2',
    status: 'triggered',
    summary: 'Replication lag',
    recipient: {
      userId: 'alice',
      contactMethod: { id: 'alice-x', type: 'teams', address: 'https://example.invalid/hook' },
    },
    occurredAt: new Date().toISOString(),
    links: { incident: LINK },
    ...over,
  };
}

function capture() {
  const lines: string[] = [];
  return { lines, log: pino({ level: 'info' }, { write: (l: string) => void lines.push(l) }) };
}

describe('buildRespondLinks (worker)', () => {
  it.each([[{}], [{ VIGIL_PUBLIC_URL: PUBLIC_URL }], [{ VIGIL_LINK_SIGNING_SECRET: SECRET }]])(
    'gives no links and warns once without both settings: %o',
    (config) => {
      const { lines, log } = capture();
      expect(buildRespondLinks({ log, config })).toBeUndefined();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('VIGIL_PUBLIC_URL and VIGIL_LINK_SIGNING_SECRET are not both set');
      expect(lines[0]).not.toContain(SECRET);
    },
  );

  it('with both, the notify activity hands each channel a link that verifies for that recipient', async () => {
    const { lines, log } = capture();
    const links = buildRespondLinks({
      log,
      config: { VIGIL_PUBLIC_URL: `${PUBLIC_URL}/`, VIGIL_LINK_SIGNING_SECRET: SECRET },
    });
    expect(lines).toEqual([]);
    const seen: Notification[] = [];
    const teams: NotificationChannel = {
      type: 'teams',
      async send(n) {
        seen.push(n);
        return { channel: 'teams', idempotencyKey: n.idempotencyKey, deliveredAt: new Date().toISOString() };
      },
    };
    const { sendNotification } = createNotifyActivities({ channels: { teams }, log, links });
    await sendNotification({
      notification: notification({ links: undefined, recipient: { ...notification().recipient, userId: 'bob' } }),
    });
    const url = seen[0]?.links?.incident ?? '';
    expect(url.startsWith(`${PUBLIC_URL}/respond/`)).toBe(true);
    const verified = createRespondLinks({ publicUrl: PUBLIC_URL, secret: SECRET }).verify(
      url.slice(url.lastIndexOf('/') + 1),
    );
    expect(verified).toMatchObject({ ok: true, claims: { i: 'incident-db-1', u: 'bob', n: 7 } });
    expect(lines.join('')).not.toContain(url.slice(url.lastIndexOf('/') + 1));
  });
});

describe('teams card buttons', () => {
  const buttons = (n: Notification) =>
    ((teamsCard(n).potentialAction ?? []) as Array<{ name: string; targets: Array<{ uri: string }> }>).map((a) => [
      a.name,
      a.targets[0]?.uri,
    ]);

  it('triggered: Acknowledge and Resolve preselect their form, then Open incident', () => {
    expect(buttons(notification())).toEqual([
      ['Acknowledge', `${LINK}?action=acknowledge`],
      ['Resolve', `${LINK}?action=resolve`],
      ['Open incident', LINK],
    ]);
  });

  it('acknowledged: Resolve and Open incident', () => {
    expect(buttons(notification({ status: 'acknowledged', kind: 'acknowledged' }))).toEqual([
      ['Resolve', `${LINK}?action=resolve`],
      ['Open incident', LINK],
    ]);
  });

  it('resolved: only Open incident', () => {
    expect(buttons(notification({ status: 'resolved', kind: 'resolved' }))).toEqual([['Open incident', LINK]]);
  });

  it('no link: no buttons at all', () => {
    expect(teamsCard(notification({ links: undefined }))).not.toHaveProperty('potentialAction');
  });
});

describe('email', () => {
  it('offers "Acknowledge or resolve" as a button in HTML and with the URL in text', () => {
    const mail = emailContent(notification({ links: { incident: `${LINK}?x="1"&y=<2>` } }));
    expect(mail.html).toContain(`<a href="${LINK}?x=&quot;1&quot;&amp;y=&lt;2&gt;" style="display:inline-block;`);
    expect(mail.html).toContain('>Acknowledge or resolve</a>');
    expect(mail.text).toContain(`Acknowledge or resolve: ${LINK}?x="1"&y=<2>`);
  });

  it('says "Open the incident" once resolved, and nothing without a link', () => {
    expect(emailContent(notification({ status: 'resolved' })).text).toContain(`Open the incident: ${LINK}`);
    const bare = emailContent(notification({ links: undefined }));
    expect(bare.html).not.toContain('<a ');
    expect(bare.text).not.toContain('http');
  });
});

describe('sms', () => {
  it('keeps the link whole when the summary is long, within 300 characters', () => {
    const link = `${PUBLIC_URL}/respond/${'A'.repeat(107)}.${'B'.repeat(43)}`;
    const body = smsBody(notification({ summary: 'x'.repeat(1000), links: { incident: link } }));
    expect(body.length).toBeLessThanOrEqual(300);
    expect(body.endsWith(`\n${link}`)).toBe(true);
    // The header says when, in the recipient's zone (UTC when the recipient has none).
    expect(body).toMatch(/^\[SEV2\] #7 database TRIGGERED \w{3} \d{1,2} \w{3} \d\d:\d\d UTC\nxxx/);
  });

  it('leaves out a link too long to fit rather than cutting it', () => {
    const link = `${PUBLIC_URL}/respond/${'A'.repeat(400)}`;
    const body = smsBody(notification({ links: { incident: link } }));
    expect(body).toMatch(/^\[SEV2\] #7 database TRIGGERED \w{3} \d{1,2} \w{3} \d\d:\d\d UTC\nReplication lag$/);
  });
});
