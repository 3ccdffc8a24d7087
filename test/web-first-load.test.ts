/**
 * What a cold open costs, as the browser sees it: the JS and CSS transferred before the log-in
 * screen settles stay within DESIGN.md's 80 KB (gzip) budget, counted from the responses
 * themselves rather than from the build's idea of the first load; a logged-in cold open asks
 * for each list and for the channel's newest page once; the API's JSON comes compressed when
 * the browser accepts it and is big enough to gain from it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page, Response } from 'playwright-core';
import { type Browser, launchBrowser } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

const BUDGET_BYTES = 80 * 1024;

let world: World;
let browser: Browser;

before(async () => {
  world = await startWorld();
  for (let n = 1; n <= 200; n++) await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { message: `a **busy** channel, post ${n}` });
  await world.join('reader');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

/** Every response the page itself received (not its service worker), kept with its transferred body size. */
function recordResponses(page: Page): { response: Response; bytes: Promise<number> }[] {
  const seen: { response: Response; bytes: Promise<number> }[] = [];
  page.on('response', (response) => {
    if (response.fromServiceWorker()) return;
    seen.push({ response, bytes: response.finished().then(() => response.request().sizes()).then((sizes) => sizes.responseBodySize) });
  });
  return seen;
}

test('the log-in screen of a cold open transfers at most 80 KB of JS and CSS', { timeout: 60_000 }, async () => {
  const context = await browser.context();
  // As over plain HTTP to the box's LAN address, where Chromium offers no brotli (127.0.0.1 counts as secure).
  await context.setExtraHTTPHeaders({ 'accept-encoding': 'gzip, deflate' });
  const page = await context.newPage();
  const responses = recordResponses(page);
  await page.goto(world.hail.url);
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  await page.waitForLoadState('networkidle');
  let total = 0;
  const lines: string[] = [];
  for (const { response, bytes } of responses) {
    const type = response.request().resourceType();
    if (type !== 'script' && type !== 'stylesheet') continue;
    const size = await bytes;
    total += size;
    lines.push(`${new URL(response.url()).pathname} ${(size / 1024).toFixed(1)} KB ${response.headers()['content-encoding'] ?? 'identity'}`);
  }
  console.log(`# log-in screen: ${(total / 1024).toFixed(1)} KB of JS+CSS transferred\n# ${lines.join('\n# ')}`);
  assert.ok(total <= BUDGET_BYTES, `${(total / 1024).toFixed(1)} KB of JS and CSS before the log-in screen settled:\n${lines.join('\n')}`);
  await page.context().close();
});
