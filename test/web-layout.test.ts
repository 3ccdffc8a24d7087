/**
 * The app's frame at 390 px (phone) and 1280 px (desktop): on a desktop, settings, search,
 * mentions and administration open beside the sidebar, on a phone on their own with a way
 * back; deep links and the back button reach them either way. Icons are SVG (Lucide), never
 * emoji, in every button and link of the app's own controls (reactions are content and stay
 * emoji). On plain HTTP at an address that is not localhost, a dismissible note says that
 * opening the app without the box needs HTTPS and links to /trust; a secure context (here
 * 127.0.0.1) shows no note, and there the app is installable. Screenshots go to artifacts/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

// A name that is not localhost for the test server's loopback address: plain HTTP there is not a secure context.
const BOX_NAME = 'hail-box.test';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let world: World;
let browser: Browser;
let channelId = '';

before(async () => {
  world = await startWorld();
  channelId = world.team.defaultChannelId;
  for (let n = 1; n <= 6; n++) await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: `deck log ${n}` });
  const { body } = await world.admin.get(`/api/v1/channels/${channelId}/posts?limit=1`);
  const reacted = await world.admin.request('PUT', `/api/v1/posts/${body.posts[0].id}/reactions/thumbsup`);
  assert.ok(reacted.status < 300, `reaction: ${reacted.status}`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

const SCREENS = [
  { path: '/settings', heading: 'Settings' },
  { path: '/search', heading: 'Search' },
  { path: '/mentions', heading: 'Mentions' },
  { path: '/admin', heading: 'Administration' },
];

const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Channels and conversations' });

test('on a desktop, settings, search, mentions and administration keep the sidebar beside them', { timeout: 120_000 }, async () => {
  const page = await (await browser.context(DESKTOP)).newPage();
  await logIn(page, world.hail.url, 'admin', 'correct horse battery');
  await page.getByRole('feed').getByText('deck log 6').waitFor();
  for (const { path, heading } of SCREENS) {
    // By the sidebar's own link, then by a deep link (a reload at that address).
    if (path === '/mentions' || path === '/search') await sidebar(page).getByRole('link', { name: heading }).click();
    else await page.goto(world.hail.url + path);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    assert.ok(await sidebar(page).isVisible(), `${path}: the sidebar is visible`);
    assert.equal(await sidebar(page).getByRole('link', { name: heading, exact: true }).getAttribute('aria-current'), 'page');
    const [side, screen] = await Promise.all([sidebar(page).boundingBox(), page.locator('main.screen').boundingBox()]);
    assert.ok(
      side && screen && screen.x >= side.x + side.width - 1,
      `${path}: the screen is beside the sidebar (${JSON.stringify({ side, screen })})`,
    );
    assert.deepEqual(await axeViolations(page), [], `${path}: axe`);
    await screenshot(page, `layout${path.replace('/', '-')}-1280`);
  }
  // From a screen, the sidebar's channel opens the channel; the back button returns to the screen.
  await sidebar(page)
    .getByRole('link', { name: /General/ })
    .click();
  await page.getByRole('feed').getByText('deck log 6').waitFor();
  await page.goBack();
  await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/admin');
});

test('on a phone, a screen is on its own, with a back button to where one came from', { timeout: 120_000 }, async () => {
  const page = await (await browser.context(PHONE, { hasTouch: true, isMobile: true })).newPage();
  await logIn(page, world.hail.url, 'admin', 'correct horse battery');
  await sidebar(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  assert.equal(await sidebar(page).isVisible(), false, 'the sidebar is hidden behind the screen');
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'layout-settings-390');
  await page.getByRole('button', { name: 'Back' }).click();
  await sidebar(page).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  await page.goto(world.hail.url + '/search');
  await page.getByRole('heading', { name: 'Search', level: 1 }).waitFor();
  await screenshot(page, 'layout-search-390');
});

/** The app's own buttons and links (not reactions, the emoji picker or a post's text) that show an emoji or no SVG icon. */
async function emojiControls(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const emoji = /\\p{Extended_Pictographic}/u;
    const content = '.reactions, .emoji-picker, .markdown, [aria-label^="React with"]';
    return [...document.querySelectorAll('button, a[href]')]
      .filter((element) => !element.closest(content))
      .flatMap((element) => {
        const name = (element.getAttribute('aria-label') || element.textContent || '').trim().slice(0, 30);
        const problems = [];
        if (emoji.test(element.textContent)) problems.push(name + ': emoji ' + JSON.stringify(element.textContent.trim()));
        if (element.classList.contains('icon-button') && !element.querySelector('svg')) problems.push(name + ': no svg');
        return problems;
      });
  })()`);
}

test('icons are SVG, not emoji, in the sidebar, the channel, a post’s actions and the composer', { timeout: 120_000 }, async () => {
  for (const viewport of [PHONE, DESKTOP]) {
    const page = await (await browser.context(viewport)).newPage();
    await logIn(page, world.hail.url, 'admin', 'correct horse battery');
    const problems: string[] = [];
    problems.push(...(await emojiControls(page)));
    await page.goto(world.hail.url + `/c/${channelId}`);
    await page.getByRole('feed').getByText('deck log 6').waitFor();
    // A post's action bar is rendered once the post is approached (hover, focus, long-press).
    await page.getByRole('article').filter({ hasText: 'deck log 6' }).focus();
    await page.locator('.post-actions').first().waitFor({ state: 'attached' });
    problems.push(...(await emojiControls(page)));
    const icons = await page.locator('.icon-button svg').count();
    assert.ok(icons >= 4, `icon buttons with an SVG: ${icons}`);
    assert.deepEqual(problems, [], `${viewport.width} px`);
    await screenshot(page, `layout-icons-${viewport.width}`);
  }
});

test('plain HTTP at a name that is not localhost shows a dismissible note linking to /trust', { timeout: 120_000 }, async () => {
  const address = world.hail.url.replace('127.0.0.1', BOX_NAME);
  const page = await (await browser.context(PHONE, { args: [`--host-resolver-rules=MAP ${BOX_NAME} 127.0.0.1`] })).newPage();
  await logIn(page, address, 'admin', 'correct horse battery');
  assert.equal(await page.evaluate('window.isSecureContext'), false);
  const note = page.getByRole('status').getByText(/opens only while the box is reachable/);
  await note.waitFor();
  assert.equal(await page.getByRole('link', { name: 'Set up HTTPS to open it without the box' }).getAttribute('href'), '/trust');
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'layout-plain-http-note-390');
  await page.getByRole('button', { name: 'Dismiss this note' }).click();
  await note.waitFor({ state: 'detached' });
  await page.reload();
  await sidebar(page).waitFor();
  await page.waitForTimeout(500);
  assert.equal(await note.count(), 0, 'dismissal is remembered');

  const secure = await (await browser.context(DESKTOP)).newPage();
  await logIn(secure, world.hail.url, 'admin', 'correct horse battery');
  assert.equal(await secure.evaluate('window.isSecureContext'), true);
  await secure.waitForTimeout(500);
  assert.equal(await secure.getByText(/opens only while the box is reachable/).count(), 0, 'no note in a secure context');
  // There the app is installable, and its service worker (what starts it offline: web-offline.test.ts) runs.
  await secure.evaluate('navigator.serviceWorker.ready');
  const cdp = await secure.context().newCDPSession(secure);
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  assert.deepEqual(
    installabilityErrors.map((error) => error.errorId),
    [],
  );
});

test('on a tablet, a thread slides over the channel from the right', { timeout: 120_000 }, async () => {
  const page = await (await browser.context({ width: 1000, height: 800 })).newPage();
  await logIn(page, world.hail.url, 'admin', 'correct horse battery');
  await page.goto(world.hail.url + `/c/${channelId}`);
  const post = page.getByRole('feed').getByRole('article').filter({ hasText: 'deck log 6' });
  await post.waitFor();
  await page.keyboard.press('Shift'); // from the keyboard: the post's focus shows its actions
  await post.focus();
  await post.getByRole('button', { name: 'Reply in thread' }).click();
  const panel = page.locator('.thread-panel');
  await panel.waitFor();
  const placed = await panel.evaluate((element) => {
    const view = element.ownerDocument.defaultView as unknown as { getComputedStyle(target: unknown): { position: string } };
    return { position: view.getComputedStyle(element).position, right: element.getBoundingClientRect().right };
  });
  assert.deepEqual(placed, { position: 'fixed', right: 1000 });
  await screenshot(page, 'layout-thread-1000');
});
