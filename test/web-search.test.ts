/**
 * Search with filters, mentions and who is online, in Chromium. Two people have written about the
 * wind in two channels, one post with a file and one a reply that mentions the administrator.
 * The filter controls narrow the results exactly as the same filters typed do; the Mentions
 * screen lists the mention and opens its thread; the administrator sees the other person come
 * online in the direct messages when their browser opens, and go offline when it closes.
 * Screenshots of search with filters at phone and desktop width go to artifacts/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import type { Client } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

let world: World;
let browser: Browser;
let admin: Page;
let bob: { client: Client; id: string };

/** Each post by the words that tell it apart in a result. */
const POSTS = ['rising from the north', 'dropping tonight', 'chart for tomorrow', 'chart is up'] as const;

async function post(client: Client, channelId: string, message: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await client.post(`/api/v1/channels/${channelId}/posts`, { message, ...extra });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.post.id;
}

async function upload(client: Client, name: string, bytes: Buffer) {
  const response = await fetch(`${client.baseUrl}/api/v1/files?${new URLSearchParams({ name })}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', cookie: client.cookie },
    body: bytes,
  });
  assert.ok(response.ok, `upload: ${response.status}`);
  return (await response.json()) as { hash: string; size: number; name: string; type: string };
}

before(async () => {
  world = await startWorld();
  bob = await world.join('bob');
  const general = world.team.defaultChannelId;
  const deck = await world.admin.post('/api/v1/channels', {
    teamId: world.team.id,
    type: 'public',
    name: 'deck',
    displayName: 'Deck',
    purpose: '',
  });
  assert.equal(deck.status, 201, JSON.stringify(deck.body));
  const deckId = deck.body.channel.id;
  assert.equal((await bob.client.post(`/api/v1/channels/${deckId}/join`)).status, 200);
  assert.ok([200, 201].includes((await world.admin.post('/api/v1/channels/direct', { userId: bob.id })).status));

  await post(world.admin, general, 'Wind rising from the north');
  await post(bob.client, general, 'Wind dropping tonight');
  const file = await upload(bob.client, 'forecast.grb', Buffer.from('GRIB weather file, not a real one'));
  const chart = await post(bob.client, deckId, 'Wind chart for tomorrow', { files: [file] });
  await post(bob.client, deckId, '@admin the wind chart is up', { rootId: chart });

  browser = await launchBrowser();
  admin = await (await browser.context({ width: 1280, height: 800 })).newPage();
  await logIn(admin, world.hail.url, 'admin', 'correct horse battery');
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

/** Waits until the results on screen are exactly these posts (none: "Nothing found."). */
async function resultsAre(page: Page, expected: readonly string[]): Promise<void> {
  const want = [...expected].sort();
  let seen: string[] = [];
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const none = await page.getByText('Nothing found.').isVisible();
    const texts = none ? [] : await page.locator('.results li').allInnerTexts();
    seen = texts.map((text) => POSTS.find((words) => text.includes(words)) ?? text).sort();
    if ((none || texts.length > 0) && JSON.stringify(seen) === JSON.stringify(want)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(seen, want);
}

async function typedSearch(page: Page, query: string): Promise<void> {
  await page.getByLabel('Search messages and files').fill(query);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}

async function clearFilters(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await resultsAre(page, POSTS);
}

const localDay = (page: Page, daysFromToday: number) =>
  page.evaluate((days) => new Date(Date.now() + days * 86_400_000).toLocaleDateString('en-CA'), daysFromToday);

test('the filter controls narrow a search exactly as the same filters typed', { timeout: 120_000 }, async () => {
  await admin.getByRole('link', { name: /Search/ }).click();
  await typedSearch(admin, 'wind');
  await resultsAre(admin, POSTS);

  await admin.getByLabel('Channel', { exact: true }).selectOption({ label: 'Deck' });
  await resultsAre(admin, ['chart for tomorrow', 'chart is up']);
  await screenshot(admin, 'search-filters-desktop');
  await clearFilters(admin);
  await typedSearch(admin, 'wind in:deck');
  await resultsAre(admin, ['chart for tomorrow', 'chart is up']);

  await typedSearch(admin, 'wind');
  await admin.getByLabel('Posted by').selectOption({ label: 'The Admin (@admin)' });
  await resultsAre(admin, ['rising from the north']);
  await clearFilters(admin);
  await typedSearch(admin, 'wind from:@admin');
  await resultsAre(admin, ['rising from the north']);

  await typedSearch(admin, 'wind');
  await admin.getByLabel('Has a file').check();
  await resultsAre(admin, ['chart for tomorrow']);
  await clearFilters(admin);
  await typedSearch(admin, 'wind has:file');
  await resultsAre(admin, ['chart for tomorrow']);

  const [yesterday, today, tomorrow] = [await localDay(admin, -1), await localDay(admin, 0), await localDay(admin, 1)];
  await typedSearch(admin, 'wind');
  await admin.getByLabel('After').fill(today);
  await resultsAre(admin, []);
  await admin.getByLabel('After').fill(yesterday);
  await admin.getByLabel('Before').fill(tomorrow);
  await resultsAre(admin, POSTS);
  await admin.getByLabel('After').fill('');
  await admin.getByLabel('Before').fill(today);
  await resultsAre(admin, []);
  await clearFilters(admin);
  await typedSearch(admin, `wind after:${today}`);
  await resultsAre(admin, []);
  await typedSearch(admin, `wind after:${yesterday} before:${tomorrow}`);
  await resultsAre(admin, POSTS);
  await typedSearch(admin, `wind before:${today}`);
  await resultsAre(admin, []);

  // Filters alone, with no words: the newest posts in the channel, from that person.
  await typedSearch(admin, '');
  await admin.getByLabel('Channel', { exact: true }).selectOption({ label: 'General' });
  await admin.getByLabel('Posted by').selectOption({ label: 'BOB (@bob)' });
  await resultsAre(admin, ['dropping tonight']);
  assert.deepEqual(await axeViolations(admin), [], 'axe on search with filters');
});

test('a result opens its thread, and Back shows the same search again', { timeout: 120_000 }, async () => {
  await typedSearch(admin, 'wind');
  await admin.getByRole('button', { name: 'Clear filters' }).click();
  await resultsAre(admin, POSTS);
  await admin.locator('.results li').filter({ hasText: 'chart is up' }).getByRole('button').click();
  await admin.getByRole('heading', { name: '# Deck' }).waitFor();
  await admin.getByRole('complementary', { name: 'Thread' }).getByText('the wind chart is up').waitFor();

  await admin.goBack();
  await resultsAre(admin, POSTS);
  assert.equal(await admin.getByLabel('Search messages and files').inputValue(), 'wind');
  assert.match(
    await admin.evaluate(() => (globalThis as any).document.activeElement?.textContent ?? ''),
    /chart is up/,
    'the opened result has focus again',
  );
});

test('the Mentions screen lists a reply that mentions me and opens it in its thread', { timeout: 120_000 }, async () => {
  await admin.goto(`${world.hail.url}/c/${world.team.defaultChannelId}`);
  await admin.getByRole('link', { name: /Mentions/ }).click();
  const list = admin.getByRole('list', { name: 'Mentions' });
  await list.getByText('the wind chart is up').waitFor();
  assert.equal(await list.getByRole('listitem').count(), 1, 'only the post that mentions me');
  await screenshot(admin, 'mentions-desktop');
  assert.deepEqual(await axeViolations(admin), [], 'axe on mentions');

  await list.getByRole('button').click();
  await admin.getByRole('heading', { name: '# Deck' }).waitFor();
  await admin.getByRole('complementary', { name: 'Thread' }).getByText('the wind chart is up').waitFor();
});

test('the administrator sees Bob come online when his browser opens, and go offline when it closes', { timeout: 120_000 }, async () => {
  await admin.goto(`${world.hail.url}/c/${world.team.defaultChannelId}`);
  const dm = admin.getByRole('navigation').getByRole('link', { name: /BOB/ });
  await dm.waitFor();
  assert.match((await dm.textContent()) ?? '', /offline/);

  const phone = await browser.context({ width: 390, height: 844 });
  const bobPage = await phone.newPage();
  await logIn(bobPage, world.hail.url, 'bob', 'password of bob');
  await admin.getByRole('navigation').getByRole('link', { name: 'BOB online' }).waitFor();
  await screenshot(admin, 'presence-desktop');
  await admin.getByRole('button', { name: 'New conversation' }).click();
  await admin
    .getByRole('dialog')
    .getByRole('checkbox', { name: /BOB.*online|online.*BOB/ })
    .waitFor();
  await admin.keyboard.press('Escape');

  // Bob's phone: the filters fold away above the results until he opens them.
  await bobPage.getByRole('link', { name: /Search/ }).click();
  await typedSearch(bobPage, 'wind');
  await resultsAre(bobPage, POSTS);
  assert.equal(await bobPage.getByLabel('Channel', { exact: true }).isVisible(), false, 'filters folded on a phone');
  await screenshot(bobPage, 'search-phone');
  await bobPage.getByRole('button', { name: 'Filters' }).click();
  await bobPage.getByLabel('Has a file').check();
  await resultsAre(bobPage, ['chart for tomorrow']);
  await bobPage.getByRole('button', { name: 'Filters (1)' }).waitFor();
  await screenshot(bobPage, 'search-filters-phone');
  assert.deepEqual(await axeViolations(bobPage), [], 'axe on search with filters (phone)');

  await phone.close();
  await admin.getByRole('navigation').getByRole('link', { name: 'BOB offline' }).waitFor();
});
