/**
 * Stakeholder messages on the real stack (API, worker, Temporal, FerretDB) with a real SMTP
 * server (smtp-server): a tier-1 service lists a stakeholder address; a SEV1 there sends the
 * stakeholders' initial message after the page, the example config's `stakeholders-update`
 * template at the update cadence (rendered with the incident's number, status and last
 * note), and the resolution; each recorded on the timeline, each a mail of its own.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';

let sys: System;
let smtp: SMTPServer;
const mails: Array<{ to: string[]; raw: string }> = [];

/** The template as the example configuration ships it. */
function seedTemplate(id: string): Record<string, unknown> {
  const file = path.resolve(__dirname, '../../config/coordination.yaml');
  const { templates } = parse(readFileSync(file, 'utf8')) as { templates: Array<Record<string, unknown>> };
  const found = templates.find((t) => t.id === id);
  if (!found) throw new Error(`config/coordination.yaml has no template ${id}`);
  return found;
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        // Headers unfolded, quoted-printable soft breaks joined.
        const raw = Buffer.concat(chunks)
          .toString('utf8')
          .replace(/\r?\n[ \t]+/g, ' ')
          .replace(/=\r?\n/g, '');
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  sys = await startSystem('stakeholders', {
    VIGIL_MINUTE_MS: '1000',
    VIGIL_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    VIGIL_SMTP_FROM: 'Vigil <vigil@alerts.example.com>',
  });
  await seedOnePersonService(sys, {
    serviceId: 'mailer',
    contactMethods: [{ id: 'mail', type: 'email', address: 'ola@example.com' }],
  });
  const created = async (route: string, body: unknown) => {
    const r = await sys.call('POST', route, { token: tokens.admin, body });
    if (r.status !== 201) throw new Error(`POST ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await created('/api/v1/services', {
    id: 'payments',
    name: 'Payments',
    tier: 1,
    teamId: 'ops',
    escalationPolicyId: 'p',
    // One update 15 "minutes" (seconds here) in.
    severityOverrides: { SEV1: { ackWithinMinutes: 600, resolveWithinMinutes: 1200, updateEveryMinutes: 15 } },
    stakeholders: { emails: ['cfo@example.com'] },
  });
  await created('/api/v1/templates', {
    id: 'stakeholders-initial',
    kind: 'initial',
    audience: 'stakeholders',
    subject: '[{{severityLabel}}] {{serviceName}}: {{summary}}',
    body: 'We are working on incident #{{number}} ({{severityLabel}}) on {{serviceName}}: {{summary}}.',
  });
  await created('/api/v1/templates', seedTemplate('stakeholders-update'));
  await created('/api/v1/templates', {
    id: 'stakeholders-resolution',
    kind: 'resolution',
    audience: 'stakeholders',
    body: 'Incident #{{number}} on {{serviceName}} is resolved after {{duration}}.',
  });
});

afterAll(async () => {
  await sys?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

const toCfo = () => mails.filter((m) => m.to.includes('cfo@example.com'));
type Entry = { type: string; message: string; data?: Record<string, unknown> };
const timeline = async (id: string): Promise<Entry[]> =>
  (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).body.timeline;

describe('stakeholders hear by email', () => {
  it('initial, the seed update template and the resolution arrive, each on the timeline', async () => {
    const id = await fireSev1(sys, { service: 'payments', summary: 'Card declines', dedupKey: 'declines' });
    let resolved = false;
    try {
      await eventually(async () => (toCfo().length >= 1 ? true : undefined), 30_000);
      const [initial] = toCfo();
      const number = (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).body.number;
      expect(initial?.raw).toContain('Subject: [P0] Payments: Card declines');
      expect(initial?.raw).toContain(`We are working on incident #${number} (P0) on Payments: Card declines.`);
      expect(initial?.raw).toMatch(/Message-ID: <[0-9a-f]{32}@alerts\.example\.com>/);
      expect(initial?.raw).toContain(`X-Vigil-Idempotency-Key: ${id}:`);
      expect(mails.some((m) => m.to.includes('ola@example.com'))).toBe(true);

      const note = await sys.call('POST', `/api/v1/incidents/${id}/notes`, {
        token: tokens.responder,
        body: { text: 'Rolled back the card gateway' },
      });
      expect(note.status).toBeLessThan(300);
      await eventually(async () => (toCfo().length >= 2 ? true : undefined), 30_000);
      const update = toCfo()[1]!;
      expect(update.raw).toContain(`Subject: [P0] payments: Card declines (triggered)`);
      expect(update.raw).toContain(`Incident #${number} on payments is triggered.`);
      expect(update.raw).toContain('Latest: Rolled back the card gateway');

      const r = await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
      expect(r.status).toBe(200);
      resolved = true;
      await eventually(async () => (toCfo().some((m) => m.raw.includes('is resolved after')) ? true : undefined));
      const told = await eventually(async () => {
        const entries = (await timeline(id)).filter((e) => e.type === 'stakeholders_notified');
        return entries.some((e) => e.data?.message === 'resolution') ? entries : undefined;
      });
      expect(told[0]?.message).toBe(
        'Stakeholders notified: initial message (template stakeholders-initial) to cfo@example.com',
      );
      expect(told.map((e) => e.data?.templateId)).toEqual(expect.arrayContaining(['stakeholders-update']));
      const ids = toCfo().map((m) => /Message-ID: (\S+)/.exec(m.raw)?.[1]);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      if (!resolved) await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
    }
  });
});
