/**
 * The web app end to end in Chromium: an administrator sets the box up and invites someone; the
 * second person joins from the link on a phone; both chat in real time, reply in a thread,
 * react, attach an image; search finds it. A remote image in a post is a link that nobody's
 * phone fetches, and no page breaks its Content-Security-Policy. Screenshots of each main screen at phone and desktop
 * width go to artifacts/, and axe-core finds no serious or critical problem on them.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, launchBrowser, screenshot, type Browser } from './helpers/browser.js';
import { removeDataDir, startHail, type HailProcess } from './helpers/server.js';

// A 2x2 PNG: enough for the browser to decode it and draw a thumbnail.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVQI12P8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

let hail: HailProcess;
let browser: Browser;
let admin: Page;
let bob: Page;
/** What Chromium reported as refused by a page's Content-Security-Policy. */
const violations: string[] = [];
/** A server elsewhere on the network, as a post's remote image would name it; it counts who asks. */
let elsewhere: Server;
let elsewhereHits = 0;

before(async () => {
  hail = await startHail();
  browser = await launchBrowser();
  admin = await (await browser.context({ width: 1280, height: 800 })).newPage();
  bob = await (await browser.context({ width: 390, height: 844 })).newPage();
  for (const page of [admin, bob]) {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
  }
  elsewhere = createServer((_request, response) => {
    elsewhereHits += 1;
    response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
  });
  await new Promise<void>((listening) => elsewhere.listen(0, '127.0.0.1', listening));
});

after(async () => {
  elsewhere?.close();
  await browser?.close();
  await hail?.stop();
  removeDataDir(hail.dataDir);
});

async function checkAccessibility(page: Page, screen: string): Promise<void> {
  assert.deepEqual(await axeViolations(page), [], `axe on ${screen}`);
}

let inviteLink = '';

test('the administrator sets up the box with the setup code and creates an invite link', { timeout: 120_000 }, async () => {
  await admin.goto(hail.url);
  await admin.getByRole('heading', { name: 'Set up this box' }).waitFor();
  await screenshot(admin, 'setup-desktop');
  await checkAccessibility(admin, 'setup');
  await admin.getByLabel('Setup code').fill(hail.setupCode());
  await admin.getByLabel('Name of your crew or club').fill('Flotilla');
  await admin.getByLabel('Your name').fill('Skipper');
  await admin.getByLabel('Username').fill('skipper');
  await admin.getByLabel('Password').fill('a long password');
  await admin.getByRole('button', { name: 'Create administrator' }).click();
  await admin.getByRole('heading', { name: '# General' }).waitFor();

  await admin.getByRole('link', { name: /Administration/ }).click();
  await admin.getByRole('button', { name: 'Create invite link' }).click();
  inviteLink = await admin.getByLabel('Invite link', { exact: true }).inputValue();
  assert.match(inviteLink, /\/invite\/[A-Za-z0-9_-]{43}$/);
  await admin.locator('.qr svg').waitFor();
  await screenshot(admin, 'admin-desktop');
  await checkAccessibility(admin, 'admin');
  await admin.getByRole('button', { name: 'Back' }).click();
  await admin.getByRole('heading', { name: '# General' }).waitFor();
});

test('a second person joins from the invite link on a phone and both chat in real time', { timeout: 120_000 }, async () => {
  await bob.goto(inviteLink);
  await bob.getByRole('heading', { name: 'Join Flotilla' }).waitFor();
  await screenshot(bob, 'join-phone');
  await checkAccessibility(bob, 'join');
  await bob.getByLabel('Your name').fill('Bob');
  await bob.getByLabel('Username').fill('bob');
  await bob.getByLabel('Password').fill('another long password');
  await bob.getByRole('button', { name: 'Join' }).click();
  await bob.getByRole('link', { name: /General/ }).waitFor();
  await screenshot(bob, 'sidebar-phone');
  await checkAccessibility(bob, 'sidebar');
  await bob.getByRole('link', { name: /General/ }).click();

  await admin.getByLabel('Message General').fill('Hello @bob, **welcome** aboard');
  await admin.keyboard.press('Enter');
  await bob.getByRole('feed').getByText('welcome').waitFor();
  await bob.getByLabel('Message General').fill('Thanks! Anchored in the bay.');
  await bob.keyboard.press('Enter');
  await admin.getByRole('feed').getByText('Anchored in the bay.').waitFor();
  await screenshot(bob, 'channel-phone');
  await checkAccessibility(bob, 'channel (phone)');
});

test('a reply in a thread, a reaction and an image reach the other side', { timeout: 120_000 }, async () => {
  const adminPost = admin.getByRole('article').filter({ hasText: 'Anchored in the bay.' });
  await adminPost.focus();
  await adminPost.getByRole('button', { name: 'Reply in thread' }).click();
  await admin.getByLabel('Reply…').fill('Which bay?');
  await admin.keyboard.press('Enter');
  await bob.getByRole('button', { name: '1 reply' }).waitFor();
  await screenshot(admin, 'thread-desktop');
  await checkAccessibility(admin, 'thread');

  const bobView = bob.getByRole('article').filter({ hasText: 'welcome' });
  await bobView.focus();
  await bobView.getByRole('button', { name: 'React with thumbsup' }).click();
  await admin
    .getByRole('article')
    .filter({ hasText: 'welcome' })
    .getByRole('button', { name: /👍\s*1/ })
    .waitFor();

  await bob.getByLabel('Attach files').setInputFiles({ name: 'anchorage.png', mimeType: 'image/png', buffer: PNG });
  await bob.getByRole('list', { name: 'Attachments' }).getByText('anchorage.png').waitFor();
  await bob.getByLabel('Message General').fill('Our anchorage, see picture');
  await bob.keyboard.press('Enter');
  await admin.getByRole('img', { name: 'anchorage.png' }).waitFor();
  await screenshot(admin, 'channel-desktop');
  await checkAccessibility(admin, 'channel (desktop)');
});

test('a remote image in a post shows as a link, and reading the post fetches nothing from elsewhere', { timeout: 120_000 }, async () => {
  const { port } = elsewhere.address() as AddressInfo;
  const remote = `http://127.0.0.1:${port}/p.gif`;
  await admin.getByLabel('Message General').fill(`Who reads this? ![buoy](${remote})`);
  await admin.keyboard.press('Enter');
  const link = bob.getByRole('feed').getByRole('link', { name: 'buoy' });
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), remote);
  assert.equal(await bob.getByRole('feed').locator(`img[src="${remote}"]`).count(), 0);
  await admin.getByRole('feed').getByRole('link', { name: 'buoy' }).waitFor();
  // Time for any image request to have gone out.
  await bob.waitForTimeout(500);
  assert.equal(elsewhereHits, 0);
});

test('search finds the post with the picture', { timeout: 120_000 }, async () => {
  await admin.getByRole('link', { name: /Search/ }).click();
  await admin.getByLabel('Search messages and files').fill('anchorage');
  await admin.getByRole('button', { name: 'Search', exact: true }).click();
  await admin.locator('.results mark').first().waitFor();
  assert.match(await admin.locator('.results').innerText(), /anchorage/i);
  await screenshot(admin, 'search-desktop');
  await checkAccessibility(admin, 'search');
});

test('settings explain themselves at both widths and switch language and theme', { timeout: 120_000 }, async () => {
  await bob.goto(`${hail.url}/settings`);
  await bob.getByRole('heading', { name: 'Settings' }).waitFor();
  await screenshot(bob, 'settings-phone');
  await checkAccessibility(bob, 'settings');
  await bob.getByLabel('Theme').selectOption('dark');
  await bob.getByLabel('Language').selectOption('nl');
  await bob.getByRole('heading', { name: 'Instellingen' }).waitFor();
  await screenshot(bob, 'settings-phone-dark-nl');
  await checkAccessibility(bob, 'settings (dark)');
  await bob.getByLabel('Taal').selectOption('browser');
  await bob.getByRole('heading', { name: 'Settings' }).waitFor();
});

test('no page broke its Content-Security-Policy along the way', () => {
  assert.deepEqual(violations, []);
});
