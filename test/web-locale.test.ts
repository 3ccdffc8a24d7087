/**
 * Small things a phone shows: times and dates in the browser's own variant of its language
 * (en-GB: 24-hour times, the day before the month; en-US: 12-hour), a new invite link brought
 * into view on a small phone, and a description for the page.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { type Browser, CHROMIUM, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

let world: World;
let browser: Browser;

before(async () => {
  world = await startWorld();
  await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { message: 'the tide turns at three' });
  await world.join('briton');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

/**
 * A zone (`Etc/GMT-5` is UTC+5) where it is now about five in the morning, so the post's hour
 * has one digit, which en-GB still writes with two ("05:02") whatever the time the test runs.
 */
function zoneOfEarlyMorning(): string {
  const offset = ((5 - new Date().getUTCHours() + 36) % 24) - 12;
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

test('en-GB shows 24-hour times and the day before the month; en-US 12-hour times', { timeout: 60_000 }, async () => {
  const page = await (await browser.context(undefined, { timezoneId: zoneOfEarlyMorning() })).newPage(); // en-GB
  await logIn(page, world.hail.url, 'briton', 'password of briton');
  await page.getByRole('link', { name: /General/ }).click();
  const post = page.getByRole('article').filter({ hasText: 'the tide turns' });
  await post.waitFor();
  assert.match((await post.locator('time').innerText()).trim(), /^0\d:\d{2}$/);
  assert.match(await page.locator('.day-separator').first().innerText(), /^\w+,? \d{1,2} \w+ \d{4}$/);
  assert.ok(await page.locator('meta[name="description"]').getAttribute('content'));

  const us = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const usPage = await (await us.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } })).newPage();
    await logIn(usPage, world.hail.url, 'briton', 'password of briton');
    await usPage.getByRole('link', { name: /General/ }).click();
    const usTime = (await usPage.getByRole('article').filter({ hasText: 'the tide turns' }).locator('time').innerText()).trim();
    assert.match(usTime, /^\d{1,2}:\d{2}\s?[AP]M$/);
  } finally {
    await us.close();
  }
});

test('a new invite link comes into view on a phone', { timeout: 60_000 }, async () => {
  // A small phone with the browser's bars showing.
  const page = await (await browser.context({ width: 375, height: 560 })).newPage();
  await logIn(page, world.hail.url, 'admin', 'correct horse battery');
  await page.goto(`${world.hail.url}/admin`);
  await page.getByRole('button', { name: 'Create invite link' }).click();
  const link = page.getByLabel('Invite link', { exact: true });
  await link.waitFor();
  await page.waitForTimeout(300);
  // The link and its QR code, to show to the person joining.
  const box = (await page.locator('.invite-link').boundingBox())!;
  assert.ok(box.y >= 0 && box.y + box.height <= 560, `the link and its code from ${box.y} to ${box.y + box.height} are on screen`);
  await screenshot(page, 'invite-link-phone');
});
