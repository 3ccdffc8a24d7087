/**
 * Touch targets on a phone: every button, link, field, checkbox and select the phone layout
 * shows (the channel list, a channel with a reaction and a thread, settings, administration, the
 * channel browser), on screen or scrolled to is at least 44×44 CSS px,
 * except links inside a post’s text (inline, as WCAG allows) and scrollable command boxes (focusable
 * to scroll them by keyboard, not tapped).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

const MIN_PX = 44;

let world: World;
let browser: Browser;
let page: Page;

before(async () => {
  world = await startWorld();
  const channelId = world.team.defaultChannelId;
  for (let n = 1; n <= 8; n++)
    await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: `watch report ${n}, see https://example.org` });
  const { body } = await world.admin.get(`/api/v1/channels/${channelId}/posts?limit=1`);
  const reacted = await world.admin.request('PUT', `/api/v1/posts/${body.posts[0].id}/reactions/thumbsup`);
  assert.ok(reacted.status < 300, `reaction: ${reacted.status}`);
  await world.admin.post(`/api/v1/channels/${channelId}/posts`, { rootId: body.posts[0].id, message: 'a reply' });
  browser = await launchBrowser();
  page = await (await browser.context({ width: 390, height: 844 }, { hasTouch: true, isMobile: true })).newPage();
  await logIn(page, world.hail.url, 'admin', 'correct horse battery');
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

/** The interactive elements on screen smaller than 44×44, described. */
async function smallTargets(): Promise<string[]> {
  return page.evaluate(`(() => {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [tabindex]:not([tabindex="-1"]):not([role="article"]):not(pre)';
    return [...document.querySelectorAll(selector)]
      .filter((element) => !element.closest('.markdown'))
      .map((element) => {
        // A checkbox, radio or file input counts with its label: the label is what a finger taps.
        const target = ['checkbox', 'radio', 'file'].includes(element.type) && element.closest('label') ? element.closest('label') : element;
        const box = target.getBoundingClientRect();
        const visible = box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
        return { visible, width: box.width, height: box.height, name: (element.getAttribute('aria-label') || element.textContent || element.getAttribute('name') || element.tagName).trim().slice(0, 30) };
      })
      .filter((target) => target.visible && (target.width < ${MIN_PX} - 0.5 || target.height < ${MIN_PX} - 0.5))
      .map((target) => target.name + ' ' + Math.round(target.width) + 'x' + Math.round(target.height));
  })()`);
}

test('every touch target of the phone layout is at least 44×44', { timeout: 120_000 }, async () => {
  const problems: string[] = [];
  const check = async (screen: string) => {
    await page.waitForTimeout(300);
    for (const target of await smallTargets()) problems.push(`${screen}: ${target}`);
    await screenshot(page, `targets-${screen}-phone`);
  };
  await page.goto(world.hail.url + '/');
  await page.getByRole('link', { name: /General/ }).waitFor();
  await check('sidebar');
  await page.getByRole('link', { name: /General/ }).click();
  await page.getByRole('feed').getByText('watch report 8').waitFor();
  await check('channel');
  await page.goto(world.hail.url + '/settings');
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  await check('settings');
  await page.goto(world.hail.url + '/admin');
  await page.getByRole('button', { name: 'Create invite link' }).waitFor();
  await check('admin');
  await page.goto(world.hail.url + '/');
  await page.getByRole('button', { name: 'Browse channels' }).click();
  await page.getByRole('dialog').waitFor();
  await check('browse-channels');
  assert.deepEqual(problems, []);
});
