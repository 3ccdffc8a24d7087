/**
 * Read marks from the web app: a read mark is an op that travels to every box of the fleet, so
 * a reader watching a busy channel tells the server once, when leaving the channel, rather than
 * after every burst of posts (core/ops/channel-viewed.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Browser, launchBrowser, logIn } from './helpers/browser.js';
import type { Client } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

let world: World;
let browser: Browser;
let page: Page;
let reader: { client: Client; id: string };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  world = await startWorld();
  reader = await world.join('reader');
  const deck = await world.admin.post('/api/v1/channels', { teamId: world.team.id, type: 'public', name: 'deck', displayName: 'Deck' });
  assert.equal(deck.status, 201, JSON.stringify(deck.body));
  assert.equal((await reader.client.post(`/api/v1/channels/${deck.body.channel.id}/join`)).status, 200);
  browser = await launchBrowser();
  page = await (await browser.context({ width: 1280, height: 800 })).newPage();
  await logIn(page, world.hail.url, 'reader', 'password of reader');
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

const markedAt = async (): Promise<number> => {
  const channels = (await reader.client.get('/api/v1/channels')).body.channels as { id: string; lastViewedAt: number }[];
  return channels.find((channel) => channel.id === world.team.defaultChannelId)!.lastViewedAt;
};

test('a reader of a busy channel sends one read mark, when leaving it, not one per burst of posts', { timeout: 120_000 }, async () => {
  const general = world.team.defaultChannelId;
  await page.getByRole('link', { name: /General/ }).click();
  await page.getByRole('heading', { name: '# General' }).waitFor();
  await pause(1500);
  const before = await markedAt();
  for (let burst = 0; burst < 3; burst++) {
    for (let n = 0; n < 3; n++)
      assert.equal((await world.admin.post(`/api/v1/channels/${general}/posts`, { message: `burst ${burst} post ${n}` })).status, 201);
    await page.getByRole('feed').getByText(`burst ${burst} post 2`).waitFor();
    // Longer than the old client's one-second delay, after which it marked every burst read.
    await pause(1500);
  }
  assert.equal(await markedAt(), before, 'no read mark while the reader stays in the channel');

  await page.getByRole('link', { name: /Deck/ }).click();
  await page.getByRole('heading', { name: '# Deck' }).waitFor();
  const deadline = Date.now() + 10_000;
  while ((await markedAt()) === before && Date.now() < deadline) await pause(100);
  assert.ok((await markedAt()) > before, 'leaving the channel sends its read mark');
  const channels = (await reader.client.get('/api/v1/channels')).body.channels as { id: string; unread: number }[];
  assert.equal(channels.find((channel) => channel.id === general)!.unread, 0);
});
