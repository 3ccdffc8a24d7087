/**
 * The admin screen's Fleet section in Chromium, with two real boxes set up on their own: an
 * administrator creates a pairing invitation on one (string, QR code, expiry) and pastes it
 * into the other at phone width; both list each other with a live link; rename, change the
 * address and unpair with confirmation. The merge settled the two `admin`s and the two teams
 * `crew`: the administrator renamed by it is told once, and the admin status lists it.
 * Screenshots at 390 and 1280 px go to artifacts/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import { removeDataDir, startHail } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

let shore: World;
let boat: World;
let browser: Browser;
let desk: Page;
let phone: Page;

before(async () => {
  shore = await startWorld({ env: { HAIL_BOX_NAME: 'shore' } });
  boat = await startWorld({ env: { HAIL_BOX_NAME: 'boat' } });
  browser = await launchBrowser();
  desk = await (await browser.context({ width: 1280, height: 900 })).newPage();
  phone = await (await browser.context({ width: 390, height: 844 })).newPage();
  await logIn(desk, shore.hail.url, 'admin', 'correct horse battery');
  await logIn(phone, boat.hail.url, 'admin', 'correct horse battery');
});

after(async () => {
  await browser?.close();
  await shore?.dispose();
  await boat?.dispose();
});

async function openFleet(page: Page) {
  await page.getByRole('link', { name: /Administration/ }).click();
  const fleet = page.getByRole('region', { name: 'Fleet' });
  await fleet.getByText("This box's fingerprint").waitFor();
  return fleet;
}

test('an administrator pairs two boxes from the Fleet section, renames, readdresses and unpairs', { timeout: 120_000 }, async () => {
  const shoreFleet = await openFleet(desk);
  await shoreFleet.getByText('No box is paired with this one yet.').waitFor();
  await shoreFleet.getByRole('button', { name: 'Create a pairing invitation' }).click();
  await shoreFleet.getByRole('img', { name: 'QR code of the pairing invitation' }).locator('svg').waitFor();
  await shoreFleet.getByText(/^Expires /).waitFor();
  const invitation = await shoreFleet.locator('.invite-link input').inputValue();
  assert.match(invitation, /^hail1:/);
  await screenshot(desk, 'fleet-invitation-1280');
  await shoreFleet.getByRole('button', { name: 'Copy the pairing invitation' }).click();
  await shoreFleet.getByRole('button', { name: 'Copied' }).waitFor();
  const pasteHere = shoreFleet.getByRole('textbox', { name: 'Pairing invitation' }).last();
  await pasteHere.focus();
  await desk.keyboard.press('Control+V');
  assert.equal(await pasteHere.inputValue(), invitation, 'the copy button put the invitation on the clipboard');
  await pasteHere.fill('');

  const boatFleet = await openFleet(phone);
  await boatFleet.getByRole('textbox', { name: 'Pairing invitation' }).fill(invitation);
  await boatFleet.getByRole('button', { name: 'Pair', exact: true }).click();
  const shoreOnBoat = boatFleet.getByRole('listitem', { name: 'shore' });
  await shoreOnBoat.getByText('Connected').waitFor();
  await shoreFleet.getByRole('listitem', { name: 'boat' }).getByText('Connected').waitFor({ timeout: 30_000 });
  await shoreFleet.getByRole('listitem', { name: 'boat' }).getByText('Changes waiting').waitFor();
  for (const label of ['Fingerprint', 'Addresses', 'Last contact', 'Traffic today', 'Traffic in total']) {
    await shoreOnBoat.getByText(label).first().waitFor();
  }
  await shoreOnBoat.getByRole('button', { name: 'Copy the fingerprint of shore' }).waitFor();
  // A fork as the sync service records one (a peer sent another copy of an op held here).
  const boatId = ((await shore.admin.get('/api/v1/peers')).body.peers as { id: string }[])[0]!.id;
  const db = new Database(join(shore.hail.dataDir, 'hail.db'), { timeout: 5000 });
  db.prepare('INSERT INTO sync_forked_origins (peer, origin, seq, found_at) VALUES (?, ?, 7, ?)').run(boatId, 'a1b2c3d4e5f6', Date.now());
  db.close();
  await shoreFleet.getByRole('listitem', { name: 'boat' }).getByRole('alert').getByText('1 fork').waitFor({ timeout: 10_000 });
  await shoreFleet.getByRole('listitem', { name: 'boat' }).evaluate((item) => item.scrollIntoView());
  await screenshot(desk, 'fleet-1280');
  await shoreOnBoat.scrollIntoViewIfNeeded();
  await screenshot(phone, 'fleet-390');
  assert.deepEqual(await axeViolations(desk), [], 'axe on the Fleet section');
  assert.deepEqual(await axeViolations(phone), [], 'axe on the Fleet section (phone)');

  await shoreOnBoat.getByRole('button', { name: 'Rename or change address' }).click();
  const dialog = phone.getByRole('dialog', { name: 'Change shore' });
  await dialog.getByLabel('Name').fill('Harbour office');
  await dialog.getByLabel('Addresses').fill('127.0.0.1:9');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  const renamed = boatFleet.getByRole('listitem', { name: 'Harbour office' });
  await renamed.getByText('127.0.0.1:9').waitFor();
  const peers = (await (await phone.request.get(`${boat.hail.url}/api/v1/peers`)).json()) as {
    peers: { name: string; addresses: string[] }[];
  };
  assert.deepEqual(
    peers.peers.map((peer) => [peer.name, peer.addresses]),
    [['Harbour office', ['127.0.0.1:9']]],
  );

  await renamed.getByRole('button', { name: 'Unpair' }).click();
  const confirm = phone.getByRole('dialog', { name: 'Unpair Harbour office?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  await renamed.getByRole('button', { name: 'Unpair' }).click();
  await confirm.getByRole('button', { name: 'Unpair' }).click();
  await boatFleet.getByText('No box is paired with this one yet.').waitFor();
  assert.deepEqual(((await (await phone.request.get(`${boat.hail.url}/api/v1/peers`)).json()) as { peers: unknown[] }).peers, []);
});

test(
  'the administrator renamed by the merge is told live and once; the admin status lists the settled clashes',
  { timeout: 60_000 },
  async () => {
    const me = async (world: World) => (await world.admin.get('/api/v1/me')).body as { nameClashes: { kind: string; name: string }[] };
    const [onShore, onBoat] = [await me(shore), await me(boat)];
    const loser = onShore.nameClashes.some((clash) => clash.kind === 'user')
      ? { page: desk, clashes: onShore.nameClashes }
      : { page: phone, clashes: onBoat.nameClashes };
    const newName = loser.clashes.find((clash) => clash.kind === 'user')?.name;
    assert.match(newName ?? '', /^admin-[0-9a-f]{6}$/, 'one admin was renamed');
    // The merge happened while both pages were open: the notice came live, without a reload.
    const notice = loser.page.getByText(`Your username is now ${newName}, because another admin exists in the fleet.`);
    await notice.waitFor();
    await loser.page.getByText(/Your team crew is now called crew-[0-9a-f]{6}/).waitFor();
    await loser.page.goto(loser.page.url().replace(/\/admin.*$/, '/'));
    await notice.waitFor();
    await screenshot(loser.page, `fleet-clash-notice-${loser.page === desk ? 1280 : 390}`);
    await loser.page.getByRole('button', { name: 'OK' }).click();
    await notice.waitFor({ state: 'detached' });
    await loser.page.reload();
    await loser.page.getByRole('navigation', { name: 'Channels and conversations' }).waitFor({ state: 'attached' });
    await loser.page.waitForTimeout(1000);
    assert.equal(await notice.count(), 0, 'told once');

    await loser.page.getByRole('link', { name: /Administration/ }).click();
    const status = loser.page.getByRole('region', { name: 'Server status' });
    await status.getByText('Names settled by a merge').waitFor();
    await status.getByText(new RegExp(`user admin → ${newName}`)).waitFor();
  },
);

test("a new box joins the fleet from its setup screen, and the fleet's accounts log in there", { timeout: 90_000 }, async () => {
  await shore.join('skipper');
  const { invitation } = (await shore.admin.post('/api/v1/peers/invites', {})).body as { invitation: string };
  const fresh = await startHail({ env: { HAIL_BOX_NAME: 'dinghy' } });
  try {
    const page = await (await browser.context({ width: 390, height: 844 })).newPage();
    await page.goto(fresh.url);
    await page.getByRole('heading', { name: 'Set up this box' }).waitFor();
    await page.getByRole('button', { name: 'Join an existing fleet instead' }).click();
    await page.getByRole('heading', { name: 'Join an existing fleet' }).waitFor();
    await page.getByLabel('Setup code').fill(fresh.setupCode());
    await page.getByLabel('Pairing invitation').fill(invitation);
    await screenshot(page, 'fleet-join-setup-390');
    assert.deepEqual(await axeViolations(page), [], 'axe on the join screen');
    await page.getByRole('button', { name: 'Join the fleet' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('Username').fill('skipper');
    await page.getByLabel('Password').fill('password of skipper');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Channels and conversations' }).waitFor({ state: 'attached' });
  } finally {
    await fresh.stop();
    removeDataDir(fresh.dataDir);
  }
});
