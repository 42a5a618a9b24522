/**
 * A status page on the real stack: a page configured through the API follows a real
 * incident. The SEV1 opens, the workflow publishes it, and the public summary.json (in
 * Statuspage's v2 shape) and the HTML page (in headless Chromium, no CSP violation, a
 * screenshot saved to docs/img/) show the outage; the resolution reaches both, and the
 * incident's timeline says each step. A responder posts an update, holds the page incident back
 * and releases it from the console's incident page (Chromium). An unknown service on the page is
 * a 400 naming it.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';
import { launchChromium, screenshot, watchedPage } from './browser';

let sys: System;
let browser: Browser;
const PAGE = {
  id: 'public',
  name: 'Checkout Status',
  // No quiet period: the component may show the resolution at once (flapping: unit and workflow tests).
  quietMinutes: 0,
  components: [
    { id: 'checkout', name: 'Checkout', group: 'Shop', services: ['checkout'] },
    { id: 'search', name: 'Search', group: 'Shop' },
  ],
  rules: [{ severities: ['SEV1', 'SEV2'], tiers: [1, 2] }],
};

beforeAll(async () => {
  [sys, browser] = await Promise.all([startSystem('status-page'), launchChromium()]);
  await seedOnePersonService(sys, { serviceId: 'checkout', contactMethods: [] });
  const created = await sys.call('POST', '/api/v1/status-pages', { token: tokens.admin, body: PAGE });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

const summary = async () => {
  const r = await sys.call('GET', '/status/public/api/v2/summary.json', { token: null });
  expect(r.status).toBe(200);
  return r.body;
};

describe('a status page on the real stack', () => {
  it('refuses a component that names an unknown service, naming the field', async () => {
    const bad = await sys.call('PUT', '/api/v1/status-pages/other', {
      token: tokens.admin,
      body: { ...PAGE, id: 'other', components: [{ id: 'x', name: 'X', services: ['nope'] }] },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('components[0].services[0]: unknown service \\"nope\\"');
  });

  it('publishes a real incident, shows it in summary.json and the HTML page, and resolves it', async () => {
    expect((await summary()).status).toEqual({ indicator: 'none', description: 'All Systems Operational' });
    const id = await fireSev1(sys, { service: 'checkout', summary: 'Payments failing', dedupKey: 'pay-1' });

    const open = await eventually(async () => {
      const s = await summary();
      return s.incidents.length === 1 ? s : undefined;
    }, 60_000);
    expect(open.status).toEqual({ indicator: 'critical', description: 'Major Service Outage' });
    expect(open.incidents[0]).toMatchObject({
      name: 'Service disruption: Checkout',
      status: 'investigating',
      impact: 'critical',
    });
    expect(open.incidents[0].incident_updates[0].body).not.toContain('Payments failing'); // internal text stays inside
    expect(open.components.find((c: { id: string }) => c.id === 'checkout').status).toBe('major_outage');
    expect(open.components.find((c: { id: string }) => c.id === 'search').status).toBe('operational');

    const context = await browser.newContext({ viewport: { width: 420, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${sys.apiUrl}/status/public`);
    expect((await page.getByRole('status').textContent())?.trim()).toBe('Major Service Outage');
    expect(await page.locator('#component-checkout .status').textContent()).toBe('Major outage');
    expect(await page.locator('.incident h3').first().textContent()).toBe('Service disruption: Checkout');
    const shot = await screenshot(page, 'status-page.png');
    mkdirSync(path.resolve(__dirname, '../../docs/img'), { recursive: true });
    copyFileSync(shot, path.resolve(__dirname, '../../docs/img/status-page.png'));
    expect(problems).toEqual([]);
    await context.close();

    await actOnTheConsole(id);

    const resolved = await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
    expect(resolved.status).toBeLessThan(300);
    const after = await eventually(async () => {
      const s = await summary();
      return s.incidents.length === 0 ? s : undefined;
    }, 60_000);
    expect(after.status.indicator).toBe('none');
    const all = await sys.call('GET', '/status/public/api/v2/incidents.json', { token: null });
    expect(all.body.incidents[0]).toMatchObject({ status: 'resolved' });
    expect(all.body.incidents[0].incident_updates.map((u: { status: string }) => u.status)).toEqual([
      'resolved',
      'identified',
      'investigating',
    ]);

    const state = await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder });
    const steps = (state.body.timeline as Array<{ type: string; message: string }>).filter(
      (e) => e.type === 'status_page',
    );
    expect(steps.map((e) => e.message)).toEqual([
      'Published on status page "Checkout Status": Service disruption: Checkout',
      'Resolved on status page "Checkout Status": resolved',
    ]);
    const notes = (state.body.timeline as Array<{ type: string; message: string }>)
      .filter((e) => e.type === 'note' && e.message.includes('status page'))
      .map((e) => e.message);
    expect(notes.some((m) => m.includes('(identified)') && m.includes('faulty payment gateway'))).toBe(true);
    expect(notes.some((m) => m.startsWith('Held back'))).toBe(true);
    expect(notes.some((m) => m.startsWith('Released'))).toBe(true);
  });
});

/** A responder on the incident's console page: posts an update, holds the page incident back, releases it. */
async function actOnTheConsole(id: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const { page, problems } = await watchedPage(context);
  await page.goto(`${sys.apiUrl}/incidents/${id}`);
  await page.getByLabel('Token').fill(tokens.responder);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(new RegExp(`/incidents/${id}`));
  const section = page.locator('section.status-pages article[data-page="public"]');
  await section.getByLabel('Status').selectOption('identified');
  await section.getByLabel('Update').fill('We found the faulty payment gateway and are switching it over.');
  await section.getByRole('button', { name: 'Post update' }).click();
  await page.waitForURL(/done=status-page-update/);
  expect(await page.locator('.notice').first().textContent()).toContain('Update posted on the status page.');
  const shown = await summary();
  expect(shown.incidents[0]).toMatchObject({ status: 'identified' });
  expect(shown.incidents[0].incident_updates[0].body).toBe(
    'We found the faulty payment gateway and are switching it over.',
  );

  await section.getByRole('button', { name: 'Hold back from the page' }).click();
  await page.waitForURL(/done=status-page-hold/);
  expect((await summary()).incidents).toEqual([]);
  await section.getByRole('button', { name: 'Release to the page' }).click();
  await page.waitForURL(/done=status-page-release/);
  expect((await summary()).incidents).toHaveLength(1);
  expect(problems).toEqual([]);
  await context.close();
}
