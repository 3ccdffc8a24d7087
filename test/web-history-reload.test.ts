/**
 * Older history stays reachable after a reload: the browser has a channel of 1,000 posts
 * partly stored, starts again from what it stored and the server's newest page, and scrolling
 * up still reaches the channel's very first post, at phone and desktop width.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

const POSTS = 1000;
const label = (n: number) => `post ${String(n).padStart(4, '0')}`;

let world: World;
let browser: Browser;

before(async () => {
  world = await startWorld();
  const channelId = world.team.defaultChannelId;
  let next = 1;
  const worker = async () => {
    for (let n = next++; n <= POSTS; n = next++) {
      const sent = await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: label(n) });
      if (sent.status !== 201) throw new Error(`post ${n}: ${sent.status}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  await world.join('phone');
  await world.join('desktop');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

/** Scrolls the channel up until its first post shows, or nothing more comes for a while. */
async function scrollToFirst(page: Page): Promise<string> {
  let top = '';
  for (let still = 0; still < 30;) {
    const shown: string = await page.evaluate(`(() => {
      const scroller = document.querySelector('.channel-view .message-scroller');
      scroller.scrollTop = 0;
      return scroller.querySelector('[role="article"] .markdown')?.textContent.trim() ?? '';
    })()`);
    if (shown === label(1)) return shown;
    still = shown === top ? still + 1 : 0;
    top = shown;
    await page.waitForTimeout(200);
  }
  return top;
}

for (const [name, viewport] of [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1280, height: 800 }],
] as const) {
  test(`${name}: after a reload, scrolling up reaches the first of ${POSTS} posts`, { timeout: 180_000 }, async () => {
    const page = await (await browser.context(viewport)).newPage();
    page.on('pageerror', (error) => console.log('# page error:', error.stack));
    await logIn(page, world.hail.url, name, `password of ${name}`);
    await page.getByRole('link', { name: /General/ }).click();
    await page.getByRole('feed').getByText(label(POSTS)).waitFor();
    // The start fills the offline history in the background: wait until it is stored.
    await page.evaluate(async () => {
      // Polled in the page by a function: a string for waitForFunction would be evaluated again at each
      // poll, which the page's CSP refuses, and a promise it returned would count as true at once.
      interface Request<T> {
        result: T;
        error: unknown;
        onsuccess: () => void;
        onerror: () => void;
      }
      interface Database {
        transaction(store: string): { objectStore(store: string): { count(): Request<number> } };
        close(): void;
      }
      const { indexedDB } = globalThis as unknown as { indexedDB: { open(name: string): Request<Database> } };
      const stored = () =>
        new Promise<number>((done, fail) => {
          const open = indexedDB.open('hail');
          open.onerror = () => fail(open.error);
          open.onsuccess = () => {
            const count = open.result.transaction('posts').objectStore('posts').count();
            count.onsuccess = () => {
              done(count.result);
              open.result.close();
            };
          };
        });
      for (let tries = 0; (await stored()) < 400; tries++) {
        if (tries > 120) throw new Error('the offline history was not stored within a minute');
        await new Promise((resume) => setTimeout(resume, 500));
      }
    });

    await page.reload();
    await page.getByRole('feed').getByText(label(POSTS)).waitFor();
    const olderPages: string[] = [];
    page.on('request', (request) => {
      if (/\/posts\?limit=\d+&before=/.test(request.url())) olderPages.push(request.url());
    });
    assert.equal(await scrollToFirst(page), label(1), 'the first post is reached');
    assert.ok(olderPages.length > 0, 'older posts were asked for');
    await screenshot(page, `history-reload-top-${name}`);
    await page.context().close();
  });
}
