/**
 * Respond links on the real stack: a page reaches a Teams webhook (a local receiver) with
 * Acknowledge / Resolve buttons onto the API's /respond page; opening the link changes
 * nothing, posting its form acknowledges as the person paged. The token appears in no log
 * and in no workflow history (the worker signs it in the activity).
 */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';
import { fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';

let sys: System;
let teams: HttpReceiver;

beforeAll(async () => {
  teams = await startHttpReceiver(() => ({ status: 200, body: '1' }));
  // VIGIL_PUBLIC_URL is the API's own URL (the harness sets it).
  sys = await startSystem('respond', {
    VIGIL_MINUTE_MS: '1000',
    VIGIL_LINK_SIGNING_SECRET: 'e2e-respond-link-secret-0123456789abcdef',
  });
  await seedOnePersonService(sys, {
    serviceId: 'payments',
    contactMethods: [{ id: 'teams', type: 'teams', address: `${teams.base}/webhookb2/ola` }],
  });
});

afterAll(async () => {
  await sys?.stop();
  await teams?.close();
});

type CardAction = { name: string; targets: Array<{ uri: string }> };

describe('respond links on the real worker and API', () => {
  it("the Teams card's Acknowledge link opens a page that changes nothing; its form acknowledges as the person paged", async () => {
    const id = await fireSev1(sys, { service: 'payments', summary: 'Card declines <50%>', dedupKey: 'declines' });
    const status = async () => (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).body;
    try {
      await teams.waitFor('teams card', () => teams.received.length > 0);
      const card = JSON.parse(teams.received[0]?.body ?? '{}') as { potentialAction?: CardAction[] };
      const actions = new Map((card.potentialAction ?? []).map((a) => [a.name, a.targets[0]?.uri ?? '']));
      expect([...actions.keys()]).toEqual(['Acknowledge', 'Resolve', 'Open incident']);
      const ackUrl = actions.get('Acknowledge') ?? '';
      expect(ackUrl).toMatch(
        new RegExp(`^${sys.apiUrl}/respond/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}\\?action=acknowledge$`),
      );
      const pageUrl = actions.get('Open incident') ?? '';
      expect(ackUrl.startsWith(pageUrl)).toBe(true);

      // Opening it, as a mail scanner or a person would, only shows the incident.
      const page = await fetch(ackUrl);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      const html = await page.text();
      expect(html).toContain('Card declines &lt;50%&gt;');
      expect(html).toContain('value="acknowledge"');
      expect((await status()).status).toBe('triggered');

      // The form posts back to the page's own URL.
      const posted = await fetch(pageUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=acknowledge',
      });
      expect(posted.status).toBe(200);
      expect(await posted.text()).toContain('Acknowledged by ola.');
      expect(await status()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ola' });

      // Again: the workflow refuses, the page says why.
      const again = await fetch(pageUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=acknowledge',
      });
      expect(again.status).toBe(409);
      expect(await again.text()).toContain('Not acknowledged: incident is already acknowledged by ola.');

      // A forged token is refused without a 500.
      const token = pageUrl.slice(pageUrl.lastIndexOf('/') + 1);
      const forged = await fetch(`${sys.apiUrl}/respond/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
      expect(forged.status).toBe(403);
      await forged.body?.cancel();

      const [payload, signature] = token.split('.') as [string, string];
      const logs = readFileSync(sys.logFile, 'utf8');
      expect(logs).toContain('/respond/[redacted]');
      expect(logs).not.toContain(payload);
      expect(logs).not.toContain(signature);
      const history = await historyText(id);
      expect(history).toContain('sendNotification'); // the history is really read
      expect(history).not.toContain(signature);
    } finally {
      await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
    }
  });
});

/** Every string and payload (decoded as UTF-8) in the workflow's history, joined. */
async function historyText(workflowId: string): Promise<string> {
  const connection = await Connection.connect({ address: sys.temporalAddress });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const out: string[] = [];
    const walk = (v: unknown): void => {
      if (v instanceof Uint8Array) out.push(Buffer.from(v).toString('utf8'));
      else if (typeof v === 'string') out.push(v);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
    };
    walk(history);
    return out.join('\n');
  } finally {
    await connection.close();
  }
}
