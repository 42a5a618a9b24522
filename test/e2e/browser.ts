/**
 * Headless Chromium for the console's tests: the Debian package (CHROMIUM_PATH, set by
 * `scripts/provision.sh --test`) driven by playwright-core, which brings no browser of its
 * own. Every page records console errors, uncaught exceptions and CSP violations, so a test
 * can fail on any of them.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../../scripts/stack';

/** Flags that work on a machine without network: no background connections, no sandbox (root). */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const ARTIFACTS = process.env.VIGIL_TEST_ARTIFACTS ?? path.join(ROOT, 'test-artifacts');

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) throw new Error('CHROMIUM_PATH is not set: run the suite with `npm test`, which provisions it');
  // launch() gives every run a fresh temporary profile (its own --user-data-dir).
  return chromium.launch({ executablePath, headless: true, args: FLAGS });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const problems: string[] = [];
  // A page script (this project compiles without the DOM library, hence a string).
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));`,
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
