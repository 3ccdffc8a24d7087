/**
 * The administration screens and bot tokens in Chromium: an administrator makes a second team
 * and moves between teams with the sidebar's switcher, renames it, adds someone to it; makes an
 * invite link with one use and an expiry that lets one phone in and turns the next away; ends a
 * member's sessions, which sends their open app back to the log-in screen; downloads a backup;
 * and makes a bot token that works over plain HTTP until it is revoked. axe-core checks the
 * admin and settings screens; screenshots at phone and desktop width go to artifacts/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

let world: World;
let browser: Browser;
let admin: Page;
let deck: Page;

before(async () => {
  world = await startWorld();
  browser = await launchBrowser();
  admin = await (await browser.context({ width: 1280, height: 800 })).newPage();
  deck = await (await browser.context({ width: 390, height: 844 })).newPage();
  await logIn(admin, world.hail.url, 'admin', 'correct horse battery');
  await admin.getByRole('heading', { name: '# General' }).waitFor();
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

async function openAdmin(): Promise<void> {
  await admin.getByRole('link', { name: /Administration/ }).click();
  await admin.getByRole('heading', { name: 'Administration' }).waitFor();
}

async function backToChat(): Promise<void> {
  await admin.getByRole('button', { name: 'Back' }).click();
  await admin.getByRole('navigation', { name: 'Channels and conversations' }).waitFor();
}

async function teamByName(page: Page, name: string): Promise<{ id: string; displayName: string; defaultChannelId: string }> {
  const { teams } = (await (await page.request.get(`${world.hail.url}/api/v1/teams`)).json()) as {
    teams: { id: string; name: string; displayName: string; defaultChannelId: string }[];
  };
  const team = teams.find((candidate) => candidate.name === name);
  assert.ok(team, `team ${name} exists`);
  return team;
}

test(
  'an admin creates a second team, switches to it with the team switcher and renames it, without a reload',
  { timeout: 120_000 },
  async () => {
    await openAdmin();
    await admin.getByLabel('Team name').fill('Harbour Watch');
    await admin.getByRole('button', { name: 'Create team' }).click();
    await admin.getByRole('region', { name: 'Teams' }).getByRole('listitem').filter({ hasText: 'Harbour Watch' }).waitFor();
    await backToChat();

    const crew = await teamByName(admin, 'crew');
    const harbour = await teamByName(admin, 'harbour-watch');
    const switcher = admin.getByRole('combobox', { name: 'Team' });
    const channelLink = (channelId: string) => admin.locator(`.sidebar a[href="/c/${channelId}"]`);
    assert.equal(await switcher.inputValue(), crew.id, 'the new team (first by name) does not take the sidebar over');
    await channelLink(crew.defaultChannelId).waitFor();
    assert.equal(await channelLink(harbour.defaultChannelId).count(), 0, "the other team's channels are not listed");
    await switcher.selectOption({ label: 'Harbour Watch' });
    await channelLink(harbour.defaultChannelId).waitFor();
    assert.equal(await channelLink(crew.defaultChannelId).count(), 0, "the other team's channels are not listed");
    await admin.waitForURL(`**/c/${harbour.defaultChannelId}`);

    await openAdmin();
    await admin.getByRole('listitem').filter({ hasText: 'Harbour Watch' }).getByRole('button', { name: 'Rename' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Rename Harbour Watch' });
    await dialog.getByLabel('Team name').fill('Harbour Watch Crew');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await admin.getByRole('region', { name: 'Teams' }).getByText('Harbour Watch Crew').waitFor();
    await backToChat();
    await admin.getByRole('combobox', { name: 'Team' }).getByRole('option', { name: 'Harbour Watch Crew' }).waitFor({ state: 'attached' });
  },
);

test(
  'an invite link with one use and an expiry shows its limits, lets one phone join and refuses the next',
  { timeout: 120_000 },
  async () => {
    await openAdmin();
    const invites = admin.getByRole('region', { name: 'Invite links' });
    const joinPage = await (
      await fetch(new URL((await invites.getByRole('link', { name: 'Open the join page' }).getAttribute('href')) ?? '', world.hail.url))
    ).text();
    assert.match(joinPage, /<svg/, 'the join page it links to has the QR code');
    await invites.getByLabel('Team', { exact: true }).selectOption({ label: 'The Crew' });
    await invites.getByLabel('Expires after').fill('2');
    await invites.getByLabel('Unit of the expiry').selectOption('days');
    await invites.getByLabel('Maximum uses').fill('1');
    const created = Date.now();
    await invites.getByRole('button', { name: 'Create invite link' }).click();
    const link = await invites.getByLabel('Invite link', { exact: true }).inputValue();
    assert.match(link, /\/invite\/[A-Za-z0-9_-]{43}$/);
    await invites.locator('.qr svg').waitFor();
    const row = invites.getByRole('listitem').filter({ hasText: '0 / 1' });
    await row.waitFor();
    // The expiry to the minute, in the browser's own locale (en-GB: the day first, 24-hour time).
    const { invites: listed } = (await (await admin.request.get(`${world.hail.url}/api/v1/invites`)).json()) as {
      invites: { expiresAt: number }[];
    };
    const expiresAt = listed[0]!.expiresAt;
    assert.ok(Math.abs(expiresAt - (created + 48 * 3600_000)) < 60_000, 'two days from now');
    const expiryDay = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }).format(expiresAt);
    const expiryTime = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' }).format(expiresAt);
    assert.match(expiryTime, /^\d\d:\d\d$/);
    assert.match(await row.innerText(), new RegExp(`The Crew · Member\\s+Used 0 / 1 · Expires ${expiryDay}\\W+${expiryTime}\\b`));
    await screenshot(admin, 'admin-invites-desktop');
    assert.deepEqual(await axeViolations(admin), [], 'axe on the admin screen');

    await deck.goto(link);
    await deck.getByRole('heading', { name: 'Join The Crew' }).waitFor();
    await deck.getByLabel('Your name').fill('Deckhand');
    await deck.getByLabel('Username').fill('deckhand');
    await deck.getByLabel('Password').fill('a deckhand password');
    await deck.getByRole('button', { name: 'Join' }).click();
    await deck.getByRole('link', { name: /General/ }).waitFor();

    // The new account reaches the admin's open screen live, and with it the invite's count.
    await invites.getByRole('listitem').filter({ hasText: 'Used 1 / 1' }).filter({ hasText: 'No longer valid' }).waitFor();

    const third = await (await browser.context({ width: 390, height: 844 })).newPage();
    await third.goto(link);
    await third.getByRole('heading', { name: 'Invite not valid' }).waitFor();
  },
);

test('a person added to a team sees the team switcher appear without a reload', { timeout: 120_000 }, async () => {
  assert.equal(await deck.getByRole('combobox', { name: 'Team' }).count(), 0, 'one team: no switcher yet');
  await admin.getByRole('listitem').filter({ hasText: 'Harbour Watch Crew' }).getByRole('button', { name: 'Members' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Members of Harbour Watch Crew' });
  await dialog.getByLabel('Person to add').selectOption({ label: 'Deckhand (@deckhand)' });
  await dialog.getByRole('button', { name: 'Add' }).click();
  await dialog.getByRole('button', { name: 'Remove Deckhand from Harbour Watch Crew' }).waitFor();
  await deck.getByRole('combobox', { name: 'Team' }).getByRole('option', { name: 'Harbour Watch Crew' }).waitFor({ state: 'attached' });
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test("an admin ends a member's sessions and the member's open app returns to the log-in screen", { timeout: 120_000 }, async () => {
  await deck
    .getByRole('link', { name: /General/ })
    .first()
    .click();
  await deck.getByLabel('Message General').waitFor();

  const person = admin.getByRole('region', { name: 'People' }).getByRole('listitem').filter({ hasText: '@deckhand' });
  await person.getByRole('button', { name: 'End sessions' }).click();
  const dialog = admin.getByRole('dialog', { name: 'End the sessions of Deckhand?' });
  await dialog.getByRole('button', { name: 'End sessions' }).click();
  await admin.getByRole('status').filter({ hasText: 'Deckhand is logged out everywhere.' }).waitFor();

  await deck.getByRole('heading', { name: 'Log in' }).waitFor();
  assert.equal((await deck.request.get(`${world.hail.url}/api/v1/me`)).status(), 401);

  await admin.setViewportSize({ width: 390, height: 844 });
  await admin.getByRole('heading', { name: 'Teams' }).scrollIntoViewIfNeeded();
  await screenshot(admin, 'admin-teams-phone');
  await admin.getByRole('heading', { name: 'People' }).scrollIntoViewIfNeeded();
  await screenshot(admin, 'admin-people-phone');
  assert.deepEqual(await axeViolations(admin), [], 'axe on the admin screen (phone)');
  await admin.setViewportSize({ width: 1280, height: 800 });
});

/** The names of a tar archive's entries, and the bytes of one of them. */
function tarEntries(archive: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    assert.equal(header.subarray(257, 262).toString(), 'ustar', 'a POSIX tar header');
    const name = header.subarray(0, 100).toString().replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString().replace(/\0.*$/s, '').trim(), 8);
    entries.set(name, archive.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

test('an admin downloads a backup: a tar archive with the database in it', { timeout: 120_000 }, async () => {
  const region = admin.getByRole('region', { name: 'Backup' });
  assert.match(await region.innerText(), /hail restore/);
  await region.scrollIntoViewIfNeeded();
  await admin.getByRole('region', { name: 'Server status' }).getByText('Free disk space').waitFor();
  await screenshot(admin, 'admin-status-desktop');
  const [download] = await Promise.all([admin.waitForEvent('download'), region.getByRole('link', { name: 'Download backup' }).click()]);
  assert.match(download.suggestedFilename(), /^hail-backup-.*\.tar$/);
  const entries = tarEntries(readFileSync((await download.path())!));
  assert.ok(entries.has('hail-backup.json'), 'the manifest');
  assert.equal(entries.get('hail.db')?.subarray(0, 16).toString('latin1'), 'SQLite format 3\0', 'the database');
});

test('a bot token made in settings works with a plain HTTP request until it is revoked', { timeout: 120_000 }, async () => {
  await backToChat();
  await admin.getByRole('link', { name: /Settings/ }).click();
  const tokens = admin.getByRole('region', { name: 'Bot tokens' });
  await tokens.getByText('No bot tokens yet.').waitFor();
  await tokens.getByLabel('Name of the new token').fill('weather bot');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const token = await tokens.getByLabel('New bot token').inputValue();
  assert.match(await tokens.innerText(), /Authorization: Bearer <token>/);
  await tokens.getByRole('listitem').filter({ hasText: 'weather bot' }).waitFor();
  await screenshot(admin, 'settings-tokens-desktop');
  assert.deepEqual(await axeViolations(admin), [], 'axe on settings');
  await admin.setViewportSize({ width: 390, height: 844 });
  await tokens.scrollIntoViewIfNeeded();
  await screenshot(admin, 'settings-tokens-phone');
  await admin.setViewportSize({ width: 1280, height: 800 });

  const asBot = () => fetch(`${world.hail.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  const accepted = await asBot();
  assert.equal(accepted.status, 200);
  assert.equal(((await accepted.json()) as { user: { username: string } }).user.username, 'admin');

  await tokens.getByRole('button', { name: 'Revoke weather bot' }).click();
  await tokens.getByText('No bot tokens yet.').waitFor();
  assert.equal((await asBot()).status, 401);
});
