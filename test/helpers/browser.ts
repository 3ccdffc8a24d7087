/**
 * Debian's Chromium, driven by playwright-core. Playwright never downloads a browser here:
 * the system's /usr/bin/chromium is launched headless with a fresh profile, and everything
 * that would reach out to the internet (component updates, sync, background fetches) is off.
 * Also: axe-core accessibility checks, and screenshots into the git-ignored artifacts/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface Browser {
  /**
   * `options.hasTouch` makes a touch screen (taps and touch events); `options.timezoneId` puts
   * the phone in a time zone; `options.args` adds Chromium switches (a host name mapped to the
   * box, so that its address is not loopback).
   */
  context(
    viewport?: { width: number; height: number },
    options?: Pick<BrowserContextOptions, 'hasTouch' | 'isMobile' | 'timezoneId'> & { args?: string[] },
  ): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Each context is a persistent profile of its own (a separate "phone"), so service workers work. */
export async function launchBrowser(): Promise<Browser> {
  const contexts: { context: BrowserContext; dir: string }[] = [];
  return {
    async context(viewport = { width: 390, height: 844 }, { args = [], ...options } = {}) {
      const dir = mkdtempSync(join(tmpdir(), 'hail-chromium-'));
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM,
        args: [...ARGS, ...args],
        viewport,
        locale: 'en-GB',
        timeout: 60_000,
        ...options,
      });
      context.setDefaultTimeout(20_000);
      contexts.push({ context, dir });
      return context;
    },
    async close() {
      for (const { context, dir } of contexts.splice(0)) {
        await context.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: an inline <script> would be refused by the app's Content-Security-Policy.
  await page.evaluate(axeSource);
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('artifacts', { recursive: true });
  await page.screenshot({ path: join('artifacts', `${name}.png`) });
}

/** Everything the web app keeps in one IndexedDB store of its database ("hail"), as the page sees it. */
export async function storedRows<T = Record<string, unknown>>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(`new Promise((done, fail) => {
    const open = indexedDB.open('hail');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const request = open.result.transaction(${JSON.stringify(store)}).objectStore(${JSON.stringify(store)}).getAll();
      request.onsuccess = () => {
        done(request.result);
        open.result.close();
      };
      request.onerror = () => fail(request.error);
    };
  })`);
}

/** Logs in through the app's own form and waits for the channel list. */
export async function logIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Channels and conversations' }).waitFor({ state: 'attached' });
}
