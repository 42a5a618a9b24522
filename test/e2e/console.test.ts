/**
 * The console in a real headless Chromium against the real stack: sign in, watch an alert
 * appear in the open list without a reload, acknowledge it on its page, see the state and
 * the acknowledger's name on the timeline. Any console error or CSP violation fails the
 * test. Screenshots of the list and the incident page are saved as test artifacts.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';
import { launchChromium, screenshot, watchedPage } from './browser';

let sys: System;
let browser: Browser;
beforeAll(async () => {
  [sys, browser] = await Promise.all([startSystem('console'), launchChromium()]);
  await seedOnePersonService(sys, { serviceId: 'checkout', contactMethods: [] });
  // A second person and a daily rotation between them, with an override tomorrow.
  const admin = (route: string, body: unknown) => sys.call('POST', `/api/v1/${route}`, { token: tokens.admin, body });
  expect((await admin('users', { id: 'kim', name: 'Kim', email: 'kim@example.com', timezone: 'UTC' })).status).toBe(
    201,
  );
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const schedule = await admin('schedules', {
    id: 'primary',
    name: 'Primary',
    timeZone: 'UTC',
    layers: [
      {
        id: 'daily',
        start: '2026-01-01T09:00',
        rotation: { type: 'daily' },
        handoffTime: '09:00',
        participants: ['ola', 'kim'],
      },
    ],
    overrides: [{ start: `${tomorrow}T12:00:00Z`, end: `${tomorrow}T18:00:00Z`, userId: 'kim' }],
  });
  expect(schedule.status).toBe(201);
  // Kim signs in with her own token, so the timeline names her, not a shared token.
  const minted = await admin('users/kim/tokens', { name: 'console e2e', role: 'responder' });
  expect(minted.status).toBe(201);
  kimToken = (minted.body as { token: string }).token;
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

async function signIn(page: import('playwright-core').Page, token: string) {
  await page.goto(`${sys.apiUrl}/incidents`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/incidents/);
}

let kimToken = '';

describe('the console in Chromium', () => {
  it('shows a new alert live, acknowledges it on its page, and names who did', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await signIn(page, kimToken);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'vigil_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await page.waitForFunction("document.documentElement.getAttribute('data-live-connected') === 'true'");
    await page.evaluate('window.notReloaded = true');

    const summary = 'Checkout error rate above 5%';
    const id = await fireSev1(sys, { service: 'checkout', summary, dedupKey: 'console-e2e' });
    const row = page.locator('tr.incident', { hasText: summary });
    await row.waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.notReloaded')).toBe(true); // the row came live, not by a reload
    await expect.poll(() => row.getAttribute('class')).toContain('status-triggered');
    await screenshot(page, 'console-incidents.png');

    await row.getByRole('link', { name: summary }).click();
    await page.waitForURL(new RegExp(`/incidents/${id}$`));
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForURL(/done=acknowledge/);
    await expect.poll(() => page.locator('.facts .badge.status-acknowledged').count()).toBe(1);
    const acked = page.locator('.timeline li.ev-acknowledged');
    await expect.poll(() => acked.textContent()).toContain('Kim');
    await screenshot(page, 'console-incident.png');

    await page.getByRole('link', { name: 'On call' }).click();
    await expect.poll(() => page.locator('.levels').first().textContent()).toContain('Ola');
    await expect.poll(() => page.locator('svg.shifts').count()).toBe(1);
    expect(await page.locator('svg.shifts g.override').count()).toBe(1);
    expect(await page.locator('.shift-table tr.override').count()).toBe(1);
    await screenshot(page, 'console-oncall.png');
    await page.getByRole('link', { name: 'Services' }).click();
    await expect.poll(() => page.locator('.card.service').first().textContent()).toContain('0 triggered');
    await screenshot(page, 'console-services.png');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('works without JavaScript, and refuses a form without its CSRF token', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const { page, problems } = await watchedPage(context);
    await signIn(page, tokens.responder);
    const id = await fireSev1(sys, { service: 'checkout', summary: 'Search is slow', dedupKey: 'console-nojs' });
    await expect
      .poll(
        async () => (await page.reload(), await page.locator('tr.incident', { hasText: 'Search is slow' }).count()),
        { timeout: 20_000 },
      )
      .toBe(1);
    await page.goto(`${sys.apiUrl}/incidents/${id}`);
    await page.getByRole('textbox', { name: 'Note' }).last().fill('looking at the slow queries');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.waitForURL(/done=notes/);
    await expect
      .poll(async () => (await page.reload(), await page.locator('.timeline').textContent()), { timeout: 20_000 })
      .toContain('looking at the slow queries');

    const forged = await page.request.post(`${sys.apiUrl}/incidents/${id}/resolve`, { form: { note: 'x' } });
    expect(forged.status()).toBe(403);
    const headers = (await page.request.get(`${sys.apiUrl}/incidents`)).headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe');
    expect(problems).toEqual([]);
    await context.close();
  });
});
