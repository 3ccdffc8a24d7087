/**
 * The web app without the box: a reload with the browser offline starts from the service
 * worker and shows the saved history; a post written offline goes out exactly once when the
 * connection is back; a post written while the server is killed and restarted arrives once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { type Browser, launchBrowser, logIn, screenshot, storedRows } from './helpers/browser.js';
import { join } from 'node:path';
import { runHail } from './helpers/cli.js';
import { Client, newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';

let hail: HailProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let channelId = '';
const api = () => new Client(hail.url);
let skipper: Client;

/**
 * The page knows the box by its address, so a restarted server must listen on the same port.
 * That port is chosen below Linux's ephemeral range: there, the browser's own reconnection
 * attempts to a port nobody listens on can connect to themselves and hold it.
 */
async function startOn(port: number | undefined, dataDir?: string): Promise<HailProcess> {
  for (let tries = 1; ; tries++) {
    const chosen = port ?? 20000 + Math.floor(Math.random() * 10000);
    try {
      return await startHail({ ...(dataDir ? { dataDir } : {}), args: ['--port', String(chosen)] });
    } catch (error) {
      if (tries >= 20 || !/port is in use/.test(String(error))) throw error;
      await new Promise((resume) => setTimeout(resume, 500));
    }
  }
}

before(async () => {
  hail = await startOn(undefined);
  skipper = api();
  await skipper.post('/api/v1/setup', {
    code: hail.setupCode(),
    username: 'skipper',
    password: 'a long password',
    displayName: 'Skipper',
    teamName: 'crew',
    teamDisplayName: 'Crew',
  });
  channelId = (await skipper.get('/api/v1/channels')).body.channels[0].id;
  for (let n = 1; n <= 30; n++) await skipper.post(`/api/v1/channels/${channelId}/posts`, { message: `log entry ${n}` });
  browser = await launchBrowser();
  context = await browser.context({ width: 390, height: 844 });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await hail?.stop();
  removeDataDir(hail.dataDir);
});

/** How many posts of the channel carry exactly this text, as the server has them. */
async function countOnServer(message: string): Promise<number> {
  const client = api();
  await client.post('/api/v1/auth/login', { username: 'skipper', password: 'a long password' });
  const { body } = await client.get(`/api/v1/channels/${channelId}/posts?limit=200`);
  return (body.posts as { message: string }[]).filter((post) => post.message === message).length;
}

async function waitFor(check: () => Promise<boolean>, what: string, seconds = 30): Promise<void> {
  for (let tries = 0; tries < seconds * 2; tries++) {
    if (await check()) return;
    await new Promise((resume) => setTimeout(resume, 500));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('a reload with the browser offline shows the saved history', { timeout: 120_000 }, async () => {
  await logIn(page, hail.url, 'skipper', 'a long password');
  await page.getByRole('link', { name: /General/ }).click();
  await page.getByRole('feed').getByText('log entry 30').waitFor();
  await page.evaluate('navigator.serviceWorker.ready');
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('feed').getByText('log entry 30').waitFor();
  await page.getByText('Offline: showing saved messages').waitFor();
  await screenshot(page, 'offline-phone');
});

test('a post written offline is delivered exactly once after reconnecting', { timeout: 120_000 }, async () => {
  await page.getByLabel('Message General').fill('written offline');
  await page.keyboard.press('Enter');
  await page.getByRole('article').filter({ hasText: 'written offline' }).getByText('Sending…').waitFor();
  assert.equal(await countOnServer('written offline'), 0);
  await context.setOffline(false);
  await waitFor(async () => (await countOnServer('written offline')) === 1, 'the offline post on the server');
  await page.getByRole('article').filter({ hasText: 'written offline' }).getByText('Sending…').waitFor({ state: 'detached' });
  await page.reload();
  await page.getByRole('feed').getByText('written offline').waitFor();
  assert.equal(await countOnServer('written offline'), 1);
});

test('a post sent while the server is killed and restarted arrives once', { timeout: 180_000 }, async () => {
  const { port, dataDir } = hail;
  await hail.kill();
  await page.getByLabel('Message General').fill('sent while the box was down');
  await page.keyboard.press('Enter');
  await page.getByRole('article').filter({ hasText: 'sent while the box was down' }).getByText('Sending…').waitFor();
  await new Promise((resume) => setTimeout(resume, 2000));
  hail = await startOn(port, dataDir);
  await waitFor(async () => (await countOnServer('sent while the box was down')) === 1, 'the post after the restart', 60);
  await page
    .getByRole('article')
    .filter({ hasText: 'sent while the box was down' })
    .getByText('Sending…')
    .waitFor({ state: 'detached', timeout: 60_000 });
  await new Promise((resume) => setTimeout(resume, 2000));
  assert.equal(await countOnServer('sent while the box was down'), 1);
});

test(
  'a session ended while the box was down leads to the log-in once the box is back, not to "offline" for ever',
  { timeout: 180_000 },
  async () => {
    const { port, dataDir } = hail;
    await hail.stop();
    await page.getByText(/^Offline/).waitFor();
    // At the box, while the server is stopped: a new password ends every session of the account.
    const reset = await runHail(['admin', 'reset-password', 'skipper', '--password-stdin', '--data-dir', dataDir], 30_000, {
      input: 'another long password\n',
    });
    assert.equal(reset.code, 0, reset.stderr);
    hail = await startOn(port, dataDir);
    // The socket's upgrade is refused with a 401 the browser does not show; the app asks who is logged in.
    await page.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 60_000 });
    await logIn(page, hail.url, 'skipper', 'another long password');
    await page.getByRole('link', { name: /General/ }).click();
    await page.getByRole('feed').getByText('sent while the box was down').waitFor();
  },
);

test('a box too busy to answer at start (503) keeps the saved history on screen, not the log-in', { timeout: 120_000 }, async () => {
  // The box's own answer when its storage fails for a moment, given to the start's session probe by the browser's network layer.
  await page.route('**/api/v1/session', (request) =>
    request.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'storage_unavailable', message: 'The server could not save this. Try again shortly.' } }),
    }),
  );
  try {
    await page.reload();
    await page.getByRole('feed').getByText('sent while the box was down').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Log in' }).count(), 0);
  } finally {
    await page.unroute('**/api/v1/session');
  }
});

test(
  'after the box is restored from a backup (another database), the phone keeps nothing of the old one',
  { timeout: 180_000 },
  async () => {
    const backupDir = newDataDir();
    const archive = join(backupDir, 'box.tar');
    try {
      const backup = await runHail(['backup', archive, '--data-dir', hail.dataDir], 60_000);
      assert.equal(backup.code, 0, backup.stderr);
      const client = api();
      await client.post('/api/v1/auth/login', { username: 'skipper', password: 'another long password' });
      await client.post(`/api/v1/channels/${channelId}/posts`, { message: 'written after the backup' });
      await page.getByRole('feed').getByText('written after the backup').waitFor();

      const { port, dataDir } = hail;
      await hail.stop();
      removeDataDir(dataDir);
      const restoredDir = newDataDir();
      const restore = await runHail(['restore', archive, '--data-dir', restoredDir], 60_000);
      assert.equal(restore.code, 0, restore.stderr);
      hail = await startOn(port, restoredDir);
      // A restore drops the sessions: the log-in, then the restored box's history only.
      await page.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 60_000 });
      await logIn(page, hail.url, 'skipper', 'another long password');
      await page.getByRole('link', { name: /General/ }).click();
      await page.getByRole('feed').getByText('sent while the box was down').waitFor();
      assert.equal(await page.getByText('written after the backup').count(), 0, 'not on screen');
      const posts = await storedRows<{ message: string }>(page, 'posts');
      assert.ok(posts.some((post) => post.message === 'sent while the box was down'));
      assert.ok(!posts.some((post) => post.message === 'written after the backup'), 'not in IndexedDB');
    } finally {
      removeDataDir(backupDir);
    }
  },
);
