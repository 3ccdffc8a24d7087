/**
 * Post actions on a touch screen: a tap on a post (or two) never shows its actions nor reacts
 * to it; a long-press shows them, and a tap elsewhere puts them away. With a mouse they show
 * on hover, as before.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

let world: World;
let browser: Browser;
let channelId = '';

before(async () => {
  world = await startWorld();
  channelId = world.team.defaultChannelId;
  for (let n = 1; n <= 12; n++) await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: `deck log ${n}` });
  await world.join('deckhand');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

async function reactionsOnServer(): Promise<number> {
  const { body } = await world.admin.get(`/api/v1/channels/${channelId}/posts?limit=50`);
  return (body.posts as { reactions: unknown[] }[]).reduce((sum, post) => sum + post.reactions.length, 0);
}

/** A touch held still at the middle of the element for `ms` (Chromium's own touch events, through CDP). */
async function press(page: Page, selector: string, ms: number): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const session = await page.context().newCDPSession(page);
  await session.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await page.waitForTimeout(ms);
  await session.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await session.detach();
}

test('on a touch screen a tap never shows the actions or reacts; a long-press shows them', { timeout: 120_000 }, async () => {
  const context = await browser.context({ width: 390, height: 844 }, { hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await logIn(page, world.hail.url, 'deckhand', 'password of deckhand');
  await page.getByRole('link', { name: /General/ }).click();
  const post = page.getByRole('article').filter({ hasText: 'deck log 11' });
  await post.waitFor();
  const actions = post.getByRole('toolbar', { name: 'Message actions' });
  const box = (await post.boundingBox())!;
  // Taps along the post's first line, where the bar showed and its reactions were.
  for (const x of [0.5, 0.6, 0.7, 0.8, 0.9]) {
    await page.touchscreen.tap(box.x + box.width * x, box.y + 10);
    await page.waitForTimeout(150);
    assert.equal(await actions.isVisible(), false, `no actions after a tap at ${x}`);
  }
  assert.equal(await reactionsOnServer(), 0, 'no reaction from taps');

  await press(page, '[role="article"]:has-text("deck log 11") .markdown', 800);
  await actions.waitFor();
  await screenshot(page, 'touch-actions-phone');
  assert.deepEqual(await axeViolations(page), []);
  await page.touchscreen.tap(box.x + 20, box.y - 150);
  await actions.waitFor({ state: 'hidden' });
  await page.waitForTimeout(500);
  assert.equal(await reactionsOnServer(), 0, 'the finger lifting after a long-press reacts to nothing');
  await context.close();
});

test('with a mouse the actions show on hover', { timeout: 60_000 }, async () => {
  const context = await browser.context({ width: 1280, height: 800 });
  const page = await context.newPage();
  await logIn(page, world.hail.url, 'deckhand', 'password of deckhand');
  const post = page.getByRole('article').filter({ hasText: 'deck log 11' });
  await post.hover();
  await post.getByRole('toolbar', { name: 'Message actions' }).waitFor();
  await context.close();
});
