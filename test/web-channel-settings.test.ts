/**
 * Channel settings in Chromium, with two people: the administrator at a desktop and Bob, a
 * member, on a phone. What one changes in a channel's settings (header, members, archiving)
 * shows in the other's open browser without a reload; Bob's own mute quiets the channel in his
 * sidebar; and `~` in the composer completes a channel whose link, once sent, opens it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { axeViolations, launchBrowser, logIn, screenshot, type Browser } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

let world: World;
let browser: Browser;
let admin: Page;
let bob: Page;
let weatherId = '';
let deckId = '';

async function logInAccepting(page: Page, username: string, password: string): Promise<void> {
  await logIn(page, world.hail.url, username, password);
  // Confirmations (archive, remove, leave) are the browser's own dialogs: say yes.
  page.on('dialog', (dialog) => void dialog.accept());
}

const sidebar = (page: Page): Locator => page.getByRole('navigation', { name: 'Channels and conversations' });
// A link's name is the channel's, then "unread" or "muted" for screen readers.
const sidebarLink = (page: Page, name: string): Locator => sidebar(page).getByRole('link', { name: new RegExp(`^${name}( |$)`) });

async function openChannel(page: Page, id: string, title: string): Promise<void> {
  await page.goto(`${world.hail.url}/c/${id}`);
  await page.getByRole('heading', { name: title }).waitFor();
}

async function openSettings(page: Page, id: string, title: string): Promise<void> {
  await openChannel(page, id, title);
  await page.getByRole('link', { name: 'Channel settings' }).click();
  await page.getByRole('heading', { name: /^Settings of / }).waitFor();
}

// A click rather than check(): the channel list the page was loading when it opened may land
// just after the click and show the old state for a moment, until the change's own event.
const savedNotifications = (page: Page) => page.waitForResponse((response) => response.url().endsWith('/notifications') && response.ok());

before(async () => {
  world = await startWorld();
  await world.join('bob');
  const weather = await world.admin.post('/api/v1/channels', {
    teamId: world.team.id,
    type: 'public',
    name: 'weather',
    displayName: 'Weather',
  });
  weatherId = weather.body.channel.id;
  const deck = await world.admin.post('/api/v1/channels', {
    teamId: world.team.id,
    type: 'private',
    name: 'deck',
    displayName: 'Deck watch',
  });
  deckId = deck.body.channel.id;
  const bobClient = world.client();
  await bobClient.post('/api/v1/auth/login', { username: 'bob', password: 'password of bob' });
  assert.equal((await bobClient.post(`/api/v1/channels/${weatherId}/join`)).status, 200);
  browser = await launchBrowser();
  admin = await (await browser.context({ width: 1280, height: 800 })).newPage();
  bob = await (await browser.context({ width: 390, height: 844 })).newPage();
  await logInAccepting(admin, 'admin', 'correct horse battery');
  await logInAccepting(bob, 'bob', 'password of bob');
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

test(
  'a member changes a channel’s header and purpose, and the other person’s open channel shows the new header at once',
  { timeout: 120_000 },
  async () => {
    await openChannel(admin, weatherId, '# Weather');
    await openSettings(bob, weatherId, '# Weather');
    await bob.getByLabel('Header', { exact: true }).fill('Forecast at 08:00 and 20:00');
    await bob.getByLabel('Purpose (optional)').fill('Wind and waves for the fleet');
    await bob.getByRole('button', { name: 'Save' }).click();
    await bob.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await admin.locator('.channel-head').getByText('Forecast at 08:00 and 20:00').waitFor();

    await screenshot(bob, 'channel-settings-phone');
    assert.deepEqual(await axeViolations(bob), [], 'axe on channel settings (phone)');
    await bob.getByRole('button', { name: 'Leave channel' }).scrollIntoViewIfNeeded();
    await screenshot(bob, 'channel-settings-phone-members');
    await bob.getByRole('button', { name: 'Back' }).click();
    await bob.getByRole('heading', { name: '# Weather' }).waitFor();
    assert.match(await bob.locator('.channel-head').innerText(), /Forecast at 08:00/);
    await screenshot(bob, 'channel-header-phone');
  },
);

test(
  'what someone is typing in a channel’s settings survives another person’s save; they are told, and can show that instead',
  { timeout: 120_000 },
  async () => {
    await openSettings(bob, weatherId, '# Weather');
    await bob.getByLabel('Purpose (optional)').fill('Wind, waves and half a thought');
    const { status } = await world.admin.patch(`/api/v1/channels/${weatherId}`, {
      header: 'Forecast from the shore station',
      purpose: 'Shore forecasts',
    });
    assert.equal(status, 200);
    await bob.getByText('Someone else changed these settings while you were typing').waitFor();
    assert.equal(
      await bob.getByLabel('Purpose (optional)').inputValue(),
      'Wind, waves and half a thought',
      'what Bob typed is still there',
    );
    assert.equal(await bob.getByLabel('Header', { exact: true }).inputValue(), 'Forecast at 08:00 and 20:00');
    await screenshot(bob, 'channel-settings-changed-elsewhere-phone');
    assert.deepEqual(await axeViolations(bob), [], 'axe with the notice');

    await bob.getByRole('button', { name: 'Show theirs' }).click();
    assert.equal(await bob.getByLabel('Header', { exact: true }).inputValue(), 'Forecast from the shore station');
    assert.equal(await bob.getByLabel('Purpose (optional)').inputValue(), 'Shore forecasts');
    assert.equal(await bob.getByText('Someone else changed these settings').count(), 0);
  },
);

test('a person added to a private channel sees it appear in their sidebar, and disappear when removed', { timeout: 120_000 }, async () => {
  await bob.goto(world.hail.url);
  await sidebarLink(bob, 'General').waitFor();
  assert.equal(await sidebarLink(bob, 'Deck watch').count(), 0);

  await openSettings(admin, deckId, 'Deck watch');
  await screenshot(admin, 'channel-settings-desktop');
  await admin.getByLabel('Find people').fill('bo');
  await admin.getByRole('button', { name: 'Add BOB to the channel' }).click();
  await admin.getByRole('list', { name: 'Members' }).getByText('@bob').waitFor();
  await sidebarLink(bob, 'Deck watch').waitFor();

  await screenshot(admin, 'channel-settings-members-desktop');
  assert.deepEqual(await axeViolations(admin), [], 'axe on channel settings (desktop)');

  await admin.getByRole('button', { name: 'Remove BOB from the channel' }).click();
  await admin.getByRole('list', { name: 'Members' }).getByText('@bob').waitFor({ state: 'detached' });
  await sidebarLink(bob, 'Deck watch').waitFor({ state: 'detached' });
});

test('archiving a channel disables the composer with the archived notice, and unarchiving restores it', { timeout: 120_000 }, async () => {
  await openChannel(bob, weatherId, '# Weather');
  const composer = bob.getByLabel('Message Weather');
  assert.equal(await composer.isEnabled(), true);

  await openSettings(admin, weatherId, '# Weather');
  await admin.getByRole('button', { name: 'Archive channel' }).click();
  await admin.getByRole('button', { name: 'Unarchive channel' }).waitFor();
  await bob.getByText('This channel is archived: it can be read but not written to.').waitFor();
  await bob.locator('textarea[aria-label="Message Weather"]:disabled').waitFor();
  // The other settings are read-only while archived.
  assert.equal(await admin.getByLabel('Header', { exact: true }).isDisabled(), true);

  await admin.getByRole('button', { name: 'Unarchive channel' }).click();
  await admin.getByRole('button', { name: 'Archive channel' }).waitFor();
  await bob.getByText('This channel is archived: it can be read but not written to.').waitFor({ state: 'detached' });
  await bob.locator('textarea[aria-label="Message Weather"]:enabled').waitFor();
  await composer.fill('Back in business');
  await bob.keyboard.press('Enter');
  await admin.goto(`${world.hail.url}/c/${weatherId}`);
  await admin.getByRole('feed').getByText('Back in business').waitFor();
});

test('a muted channel is dimmed in the sidebar and shows no unread emphasis or badge', { timeout: 120_000 }, async () => {
  await openSettings(bob, weatherId, '# Weather');
  await Promise.all([savedNotifications(bob), bob.getByLabel('Mute this channel').click()]);
  await bob.locator('#channel-mute:checked').waitFor();
  await bob.goto(world.hail.url);
  await sidebarLink(bob, 'Weather').waitFor();

  await world.admin.post(`/api/v1/channels/${weatherId}/posts`, { message: 'Gale warning, @bob' });
  await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { message: 'Lunch at noon' });
  // The unmuted channel gets its emphasis: the muted one, with a mention even, stays quiet.
  await sidebar(bob).locator('.channel-link.unread').filter({ hasText: 'General' }).waitFor();
  const weather = sidebar(bob).locator('.channel-link').filter({ hasText: 'Weather' });
  assert.match((await weather.getAttribute('class')) ?? '', /muted-channel/);
  assert.doesNotMatch((await weather.getAttribute('class')) ?? '', /\bunread\b/);
  assert.equal(await weather.locator('.badge').count(), 0);
  // The test's TypeScript knows no DOM: the element is reached through its own window.
  const colour = (link: any): string => link.ownerDocument.defaultView.getComputedStyle(link).color;
  const [dimmed, normal] = await Promise.all([weather.evaluate(colour), sidebarLink(bob, 'General').evaluate(colour)]);
  assert.notEqual(dimmed, normal);
  await screenshot(bob, 'sidebar-muted-phone');

  // Unmuting brings the emphasis back.
  await openSettings(bob, weatherId, '# Weather');
  await Promise.all([savedNotifications(bob), bob.getByLabel('Mute this channel').click()]);
  await bob.locator('#channel-mute:not(:checked)').waitFor();
  await bob.goto(world.hail.url);
  await world.admin.post(`/api/v1/channels/${weatherId}/posts`, { message: 'Gale has passed, @bob' });
  await sidebar(bob).locator('.channel-link.unread').filter({ hasText: 'Weather' }).locator('.badge').waitFor();
});

test(
  'a phone in dark mode with the theme left as the system’s gets the dark colours, and the mention badge keeps its contrast',
  { timeout: 120_000 },
  async () => {
    const badge = sidebar(bob).locator('.channel-link.unread').filter({ hasText: 'Weather' }).locator('.badge');
    await badge.waitFor();
    await bob.emulateMedia({ colorScheme: 'dark' });
    try {
      // Polled from outside the page: waitForFunction evaluates a string in the page, which its
      // Content-Security-Policy (no 'unsafe-eval') rightly refuses.
      await bob.locator('html[data-theme="dark"]').waitFor({ state: 'attached', timeout: 5000 });
      assert.deepEqual(await axeViolations(bob), []);
    } finally {
      await bob.emulateMedia({ colorScheme: 'light' });
    }
  },
);

test('typing ~ in the composer completes a channel, and the sent link opens that channel', { timeout: 120_000 }, async () => {
  await openChannel(bob, world.team.defaultChannelId, '# General');
  const composer = bob.getByLabel('Message General');
  await composer.pressSequentially('Read ~wea');
  const options = bob.getByRole('listbox', { name: 'Channels to link' });
  await options.getByRole('option', { name: /Weather/ }).waitFor();
  await bob.keyboard.press('Enter');
  assert.equal(await composer.inputValue(), 'Read ~weather ');
  await bob.keyboard.press('Enter');

  const link = bob.getByRole('feed').getByRole('link', { name: '~weather' });
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), `/c/${weatherId}`);
  // A name that is no channel of Bob's stays plain text.
  await composer.fill('Not a channel: ~nowhere');
  await bob.keyboard.press('Enter');
  await bob.getByRole('feed').getByText('Not a channel: ~nowhere').waitFor();
  assert.equal(await bob.getByRole('feed').getByRole('link', { name: '~nowhere' }).count(), 0);

  await link.click();
  await bob.getByRole('heading', { name: '# Weather' }).waitFor();
  assert.equal(new URL(bob.url()).pathname, `/c/${weatherId}`);
});

test('typing @ still completes a person, through the same list and keys', { timeout: 120_000 }, async () => {
  await openChannel(bob, world.team.defaultChannelId, '# General');
  const composer = bob.getByLabel('Message General');
  await composer.fill('');
  await composer.pressSequentially('Ask @ad');
  await bob
    .getByRole('listbox', { name: 'People to mention' })
    .getByRole('option', { name: /The Admin/ })
    .waitFor();
  assert.equal(await composer.getAttribute('aria-activedescendant'), `completions-${world.team.defaultChannelId}-0`);
  await bob.keyboard.press('Tab');
  assert.equal(await composer.inputValue(), 'Ask @admin ');
  await composer.pressSequentially('~zzz');
  assert.equal(await bob.getByRole('listbox').count(), 0);
});

test('the address of a public channel Bob is not in offers to join it, and joining shows its history', { timeout: 120_000 }, async () => {
  const { body } = await world.admin.post('/api/v1/channels', {
    teamId: world.team.id,
    type: 'public',
    name: 'regatta',
    displayName: 'Regatta',
  });
  await world.admin.post(`/api/v1/channels/${body.channel.id}/posts`, { message: 'start at ten' });
  await bob.goto(`${world.hail.url}/c/${body.channel.id}`);
  await bob.getByText('You are not in this channel.').waitFor();
  await bob.getByRole('button', { name: 'Join' }).click();
  await bob.getByRole('heading', { name: '# Regatta' }).waitFor();
  await bob.getByRole('feed').getByText('start at ten').waitFor();
  await bob.getByRole('button', { name: 'Back' }).click(); // a phone shows the sidebar on its own screen
  await sidebarLink(bob, 'Regatta').waitFor();
});

test('a file chosen in one channel does not follow to the next channel opened from the sidebar', { timeout: 120_000 }, async () => {
  await openChannel(admin, weatherId, '# Weather');
  await admin
    .getByLabel('Attach files')
    .setInputFiles({ name: 'forecast.grb', mimeType: 'application/octet-stream', buffer: Buffer.from('GRIB') });
  await admin.getByRole('list', { name: 'Attachments' }).getByText('forecast.grb').waitFor();
  await sidebarLink(admin, 'General').click();
  await admin.getByRole('heading', { name: '# General' }).waitFor();
  assert.equal(await admin.getByRole('list', { name: 'Attachments' }).count(), 0);
});
