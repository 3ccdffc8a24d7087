/**
 * The list follows the bottom: a reader at the bottom of a channel stays there through every
 * change of the list's size (their own post, sent online or offline; a post received; a post
 * with a picture that loads late; the offline banner coming and going), at phone and desktop
 * width. A reader scrolled up stays where they are and is offered a "new messages" pill with
 * a count, which takes them to the newest post. "Jump to first unread" covers no post.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

let world: World;
let browser: Browser;
let channelId = '';

before(async () => {
  world = await startWorld();
  channelId = world.team.defaultChannelId;
  for (let n = 1; n <= 40; n++) await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: `earlier post ${n}` });
  await world.join('phone');
  await world.join('desktop');
  await world.join('latecomer');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

interface Placement {
  /** How far the scroller is from its bottom. */
  fromBottom: number;
  /** How far the post's bottom is below the list's visible bottom (negative: above it). */
  belowView: number;
}

async function placement(page: Page, text: string): Promise<Placement | null> {
  return page.evaluate(`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done((() => {
    const scroller = document.querySelector('.channel-view .message-scroller');
    const article = [...scroller.querySelectorAll('[role="article"]')].find((element) => element.textContent.includes(${JSON.stringify(text)}));
    if (!article) return null;
    return {
      fromBottom: scroller.scrollHeight - scroller.clientHeight - scroller.scrollTop,
      belowView: article.getBoundingClientRect().bottom - scroller.getBoundingClientRect().bottom,
    };
  })()))))`);
}

/** The post with this text ends the list and is in view, the list scrolled to its bottom. */
async function newestInView(page: Page, text: string, what: string): Promise<void> {
  let last: Placement | null = null;
  for (let tries = 0; tries < 30; tries++) {
    last = await placement(page, text);
    if (last && last.fromBottom <= 2 && last.belowView <= 1) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`${what}: "${text}" is not in view at the bottom: ${JSON.stringify(last)}`);
}

/** A picture of the page itself, as big as the viewport's top: a real PNG, made without a library. */
const picture = (page: Page) => page.screenshot({ clip: { x: 0, y: 0, width: 380, height: 500 } });

async function openChannel(name: keyof typeof VIEWPORTS): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.context(VIEWPORTS[name]);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log('# page error:', error.stack));
  await logIn(page, world.hail.url, name, `password of ${name}`);
  await page.getByRole('link', { name: /General/ }).click();
  await newestInView(page, 'earlier post 40', 'on opening');
  return { context, page };
}

for (const name of ['phone', 'desktop'] as const) {
  test(
    `${name}: the newest post stays in view after sending, receiving, a picture and the offline banner`,
    { timeout: 180_000 },
    async () => {
      const { context, page } = await openChannel(name);
      const composer = page.getByLabel('Message General');

      await composer.fill(`${name} says hello`);
      await composer.press('Enter');
      await newestInView(page, `${name} says hello`, 'after Send');

      await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: `a reply for ${name}` });
      await page.getByRole('feed').getByText(`a reply for ${name}`).waitFor();
      await newestInView(page, `a reply for ${name}`, 'after receiving');

      // The picture's thumbnail comes late: the list must have made its room before it loads.
      let releaseImages: () => void = () => undefined;
      const imagesHeld = new Promise<void>((resume) => (releaseImages = resume));
      await page.route(/\/api\/v1\/files\/[^/?]+$/, async (route) => {
        if (route.request().method() === 'GET') await imagesHeld;
        await route.continue();
      });
      await page.getByLabel('Attach files').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: await picture(page) });
      await composer.fill(`${name} sends a chart`);
      await composer.press('Enter');
      await page.getByRole('feed').getByText(`${name} sends a chart`).waitFor();
      await page
        .getByRole('article')
        .filter({ hasText: `${name} sends a chart` })
        .getByRole('img')
        .waitFor({ state: 'attached' });
      await newestInView(page, `${name} sends a chart`, 'after a picture, before it loads');
      releaseImages();
      await page
        .getByRole('article')
        .filter({ hasText: `${name} sends a chart` })
        .getByRole('img')
        .evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
      await newestInView(page, `${name} sends a chart`, 'after a picture loaded');
      await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: `nice chart, ${name}` });
      await newestInView(page, `nice chart, ${name}`, 'after a reply to the picture');
      await screenshot(page, `follow-picture-${name}`);

      await context.setOffline(true);
      await page
        .getByRole('status')
        .getByText(/^Offline/)
        .waitFor();
      await newestInView(page, `nice chart, ${name}`, 'after the offline banner appeared');
      await composer.fill(`${name} writes offline`);
      await composer.press('Enter');
      await page
        .getByRole('article')
        .filter({ hasText: `${name} writes offline` })
        .getByText('Sending…')
        .waitFor();
      await newestInView(page, `${name} writes offline`, 'after Send offline');
      await screenshot(page, `follow-offline-${name}`);
      await context.setOffline(false);
      await page
        .getByRole('status')
        .getByText(/^Offline/)
        .waitFor({ state: 'detached' });
      await page
        .getByRole('article')
        .filter({ hasText: `${name} writes offline` })
        .getByText('Sending…')
        .waitFor({ state: 'detached', timeout: 30_000 });
      await newestInView(page, `${name} writes offline`, 'after the offline banner went');
      assert.deepEqual(await axeViolations(page), []);
    },
  );

  test(`${name}: a reader scrolled up stays put and sees a "new messages" pill with a count`, { timeout: 120_000 }, async () => {
    const { page } = await openChannel(name);
    const scroller = page.locator('.channel-view .message-scroller');
    await scroller.evaluate((element) => (element.scrollTop = Math.max(0, element.scrollHeight - element.clientHeight - 1500)));
    await page.waitForTimeout(300);
    const scrolledTo = await scroller.evaluate((element) => element.scrollTop);
    for (const n of [1, 2, 3]) await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: `while ${name} reads back ${n}` });
    const pill = page.getByRole('button', { name: '3 new messages' });
    await pill.waitFor();
    assert.ok(Math.abs((await scroller.evaluate((element) => element.scrollTop)) - scrolledTo) < 2, 'the reader was left where they were');
    await screenshot(page, `follow-pill-${name}`);
    assert.deepEqual(await axeViolations(page), []);
    await pill.click();
    await newestInView(page, `while ${name} reads back 3`, 'after the pill');
    await pill.waitFor({ state: 'detached' });
  });
}

test('phone: closing a thread brings the reader back to where they were in the channel', { timeout: 120_000 }, async () => {
  const page = await (await browser.context(VIEWPORTS.phone)).newPage();
  await logIn(page, world.hail.url, 'phone', 'password of phone');
  await page.getByRole('link', { name: /General/ }).click();
  await page.getByRole('feed').getByRole('article').first().waitFor();
  const scroller = page.locator('.channel-view .message-scroller');
  await scroller.evaluate((element) => (element.scrollTop = Math.max(0, element.scrollHeight - element.clientHeight - 1500)));
  await page.waitForTimeout(300);
  const text = await scroller.evaluate((element) => {
    const view = element.getBoundingClientRect();
    const inView = [...element.querySelectorAll('[role="article"]')].find((article) => {
      const box = article.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom && /earlier post \d+/.test(article.textContent ?? '');
    });
    return inView?.textContent?.match(/earlier post \d+/)?.[0] ?? '';
  });
  assert.ok(text, 'an earlier post is in view');
  const post = page.locator('.channel-view [role="article"]').filter({ hasText: new RegExp(`${text}(?!\\d)`) });
  await page.keyboard.press('Shift'); // from the keyboard: the post's focus shows its actions
  await post.focus();
  await post.getByRole('button', { name: 'Reply in thread' }).click();
  await page.locator('.thread-panel').getByRole('button', { name: 'Close' }).click();
  await page.locator('.thread-panel').waitFor({ state: 'detached' });
  await page.waitForTimeout(300);
  const back = await placement(page, text);
  assert.ok(back && back.belowView <= 0, `${text} is in view again: ${JSON.stringify(back)}`);
});

test('"Jump to first unread" covers no post', { timeout: 60_000 }, async () => {
  for (let n = 1; n <= 30; n++)
    await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: `while the latecomer was away ${n}` });
  const page = await (await browser.context(VIEWPORTS.phone)).newPage();
  await logIn(page, world.hail.url, 'latecomer', 'password of latecomer');
  await page.getByRole('link', { name: /General/ }).click();
  const jump = page.getByRole('button', { name: 'Jump to first unread' });
  await jump.waitFor();
  const covered: string[] = await page.evaluate(`(() => {
    const pill = [...document.querySelectorAll('button')].find((button) => button.textContent.includes('Jump to first unread')).getBoundingClientRect();
    // What of each post shows: the part inside the list's visible box.
    const view = document.querySelector('.channel-view .message-scroller').getBoundingClientRect();
    return [...document.querySelectorAll('.channel-view [role="article"] .post-head, .channel-view [role="article"] .markdown')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        const top = Math.max(box.top, view.top);
        const bottom = Math.min(box.bottom, view.bottom);
        return bottom > top && bottom > pill.top && top < pill.bottom && box.right > pill.left && box.left < pill.right;
      })
      .map((element) => element.textContent.trim());
  })()`);
  await screenshot(page, 'jump-unread-phone');
  assert.deepEqual(covered, [], 'posts under the pill');
  await jump.click();
  await page.getByRole('feed').getByText('New since you last read').waitFor();
  assert.deepEqual(await axeViolations(page), []);
});
