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
import { PNG } from 'pngjs';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import type { Client } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

const MIN_PX = 44;
const LONG_NAME = 'Margarethe Annelise von der Langen-Schiffahrtsgesellschaft';

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

/** A picture of a chart: a blue field with a pale rectangle, `width`×`height`. */
function chartPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const inside = x > width / 4 && x < (width * 3) / 4 && y > height / 4 && y < (height * 3) / 4;
      png.data.set(inside ? [255, 241, 168, 255] : [11, 92, 138, 255], (y * width + x) * 4);
    }
  return PNG.sync.write(png);
}

async function upload(client: Client, name: string, bytes: Buffer): Promise<{ hash: string; size: number }> {
  const response = await fetch(`${world.hail.url}/api/v1/files?name=${name}`, {
    method: 'POST',
    headers: { cookie: client.cookie, 'content-type': 'image/png' },
    body: bytes,
  });
  assert.ok(response.status < 300, `upload: ${response.status}`);
  return (await response.json()) as { hash: string; size: number };
}

/** A channel as a busy evening leaves it: long names, links and code, a picture, reactions, a thread, mentions. */
async function busyChannel(): Promise<string> {
  const created = await world.admin.post('/api/v1/channels', {
    teamId: world.team.id,
    type: 'public',
    name: 'watch-log',
    displayName: 'Watch Log',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const channelId = created.body.channel.id as string;
  const people: Client[] = [world.admin];
  for (const [username, displayName] of [
    ['bob', 'Bob'],
    ['margarethe', LONG_NAME],
  ]) {
    const { client, id } = await world.join(username!);
    assert.equal((await client.patch('/api/v1/me', { displayName })).status, 200);
    assert.equal((await client.post(`/api/v1/channels/${channelId}/join`)).status, 200);
    if (username === 'bob') {
      const picture = await fetch(`${world.hail.url}/api/v1/users/${id}/picture`, {
        method: 'PUT',
        headers: { cookie: client.cookie, 'content-type': 'image/png' },
        body: chartPng(256, 256),
      });
      assert.ok(picture.status < 300, `picture: ${picture.status}`);
    }
    people.push(client);
  }
  const [admin, bob, margarethe] = people as [Client, Client, Client];
  const say = async (client: Client, message: string, extra: Record<string, unknown> = {}) => {
    const sent = await client.post(`/api/v1/channels/${channelId}/posts`, { message, ...extra });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    return sent.body.post.id as string;
  };
  await say(admin, 'Evening watch starts. Wind NE 4, sea slight, barometer steady at 1016.');
  const question = await say(bob, '@margarethe can you check the bilge pump? It cycled twice in the last hour.');
  await say(
    margarethe,
    'On it. Log excerpt:\n\n```\n2026-12-04T21:14:07Z pump=on level=high duration=00:00:42 cycles_today=7 battery=12.4V\n```',
  );
  await say(
    admin,
    'Forecast for the crossing: https://forecast.example.org/marine/north-sea/area-7/grib?model=icon-eu&resolution=0.0625&hours=0-72&parameters=wind,gust,waves',
  );
  await say(margarethe, 'Antifoulingbeschichtungsnachbesserungsarbeiten are booked for spring, see the yard list.');
  const chart = await upload(bob, 'chart.png', chartPng(900, 600));
  const chartPost = await say(bob, 'Our track so far', {
    files: [
      { hash: chart.hash, name: 'chart.png', type: 'image/png', size: chart.size, width: 900, height: 600, thumbnailHash: chart.hash },
    ],
  });
  for (const [client, emoji] of [
    [admin, 'thumbsup'],
    [margarethe, 'thumbsup'],
    [margarethe, 'anchor'],
    [admin, 'eyes'],
  ] as const) {
    const reacted = await client.put(`/api/v1/posts/${chartPost}/reactions/${emoji}`);
    assert.ok(reacted.status < 300, `reaction: ${reacted.status}`);
  }
  await say(margarethe, 'Pump is fine, a float switch was stuck. Cleaned it.', { rootId: question });
  await say(bob, 'Thanks! Logged it.', { rootId: question });
  await say(admin, '@channel dinner at 19:00, then watches change. **Lifejackets on deck** after dark.');
  return channelId;
}

test('a busy channel reads well on a phone and a desktop: screenshots, touch targets, axe', { timeout: 120_000 }, async () => {
  const channelId = await busyChannel();
  await page.goto(`${world.hail.url}/c/${channelId}`);
  await page.getByRole('feed').getByText('Lifejackets on deck').waitFor();
  await page.getByRole('img', { name: 'chart.png' }).evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
  await page.waitForTimeout(300);
  await screenshot(page, 'busy-channel-390');
  assert.deepEqual(await smallTargets(), [], 'touch targets of the busy channel');
  assert.deepEqual(await axeViolations(page), [], 'axe on the busy channel (phone)');
  const overflow = (await page.evaluate('document.documentElement.scrollWidth')) as number;
  assert.ok(overflow <= 390, `nothing wider than the phone (the page is ${overflow} px wide)`);
  await page.locator('.channel-view .message-scroller').evaluate((element) => element.scrollTo({ top: 0 }));
  await page.getByRole('feed').getByText('Evening watch starts').waitFor();
  // The phone saw the channel fill live, then reloaded: the question still counts its replies.
  await page.getByRole('button', { name: '2 replies' }).waitFor();
  await page.waitForTimeout(300);
  await screenshot(page, 'busy-channel-390-top');
  assert.deepEqual(await smallTargets(), [], 'touch targets of the busy channel, scrolled to its top');

  const desktop = await (await browser.context({ width: 1280, height: 800 })).newPage();
  await logIn(desktop, world.hail.url, 'margarethe', 'password of margarethe');
  await desktop.goto(`${world.hail.url}/c/${channelId}`);
  await desktop.getByRole('feed').getByText('Lifejackets on deck').waitFor();
  await desktop.getByRole('img', { name: 'chart.png' }).evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
  await desktop.waitForTimeout(300);
  await screenshot(desktop, 'busy-channel-1280');
  assert.deepEqual(await axeViolations(desktop), [], 'axe on the busy channel (desktop)');
});
