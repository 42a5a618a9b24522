/**
 * The console's Reports page in a real headless Chromium against the real stack: two
 * incidents (one resolved as a false positive), then the headline figures, the two
 * server-drawn SVG charts, the CSV link and a bad parameter named on the page. Any console
 * error or CSP violation fails the test; the screenshot is saved as a test artifact.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';
import { launchChromium, screenshot, watchedPage } from './browser';

let sys: System;
let browser: Browser;
let token = '';
beforeAll(async () => {
  [sys, browser] = await Promise.all([startSystem('console-reports'), launchChromium()]);
  await seedOnePersonService(sys, { serviceId: 'checkout', contactMethods: [] });
  const minted = await sys.call('POST', '/api/v1/users/ola/tokens', {
    token: tokens.admin,
    body: { name: 'reports e2e', role: 'responder' },
  });
  expect(minted.status).toBe(201);
  token = (minted.body as { token: string }).token;
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

describe('the Reports page in Chromium', () => {
  it('shows figures and charts of what was done, a CSV link, and names a bad parameter', async () => {
    const a = await fireSev1(sys, { service: 'checkout', summary: 'Probe flapping', dedupKey: 'flap' });
    const b = await fireSev1(sys, { service: 'checkout', summary: 'Payments failing', dedupKey: 'pay' });
    const cmd = (id: string, name: string, body?: unknown) =>
      sys.call('POST', `/api/v1/incidents/${id}/${name}`, { token: tokens.responder, body });
    expect((await cmd(a, 'acknowledge')).status).toBe(200);
    expect((await cmd(a, 'resolve', { classification: 'false_positive' })).status).toBe(200);
    expect((await cmd(b, 'acknowledge')).status).toBe(200);
    await eventually(async () => {
      const r = await sys.call('GET', '/api/v1/reports/incidents', { token: tokens.responder });
      return r.body?.totals?.resolved === 1 && r.body.totals.acknowledged === 2 ? r : undefined;
    });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(`${sys.apiUrl}/reports`);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/reports/);
    const figure = (label: string) => page.locator('.figure', { hasText: label }).locator('strong');
    expect(await figure('Incidents').textContent()).toBe('2');
    expect(await figure('False positives').textContent()).toBe('100%');
    expect(await page.locator('svg.chart').count()).toBe(2);
    // Grouped by day (the default) over 29 days: one bar per day, today's 2 incidents tallest.
    expect(await page.locator('svg.chart').first().locator('rect.bar').count()).toBe(29);
    await screenshot(page, 'console-reports.png');

    const csvHref = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const csv = await page.evaluate(`fetch(${JSON.stringify(csvHref)}).then((r) => r.text())`);
    expect(String(csv).split('\n')[1]).toMatch(/^\(total\),2,1,2,1,/);

    await page.getByLabel('Group by').selectOption('service');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/groupBy=service/);
    expect(await page.locator('table tbody tr').count()).toBe(1);

    expect(problems).toEqual([]);
    // A bad range: the page answers 400 (Chromium logs the status) and names the parameter.
    await page.goto(`${sys.apiUrl}/reports?from=2026-03-10&to=2026-03-01`);
    expect(await page.locator('.notice.error').textContent()).toContain('from: must be before to');
    expect(problems).toEqual([
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    await context.close();
  });
});
