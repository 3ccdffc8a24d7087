/**
 * The admin screen's Fleet section in Chromium, with two real boxes set up on their own: an
 * administrator creates a pairing invitation on one (string, QR code, expiry) and pastes it
 * into the other at phone width; both list each other with a live link; rename, change the
 * address and unpair with confirmation. The merge settled the two `admin`s and the two teams
 * `crew`: the administrator renamed by it is told once, and the admin status lists it.
 * Screenshots at 390 and 1280 px go to artifacts/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
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

  const boatFleet = await openFleet(phone);
  await boatFleet.getByRole('textbox', { name: 'Pairing invitation' }).fill(invitation);
  await boatFleet.getByRole('button', { name: 'Pair', exact: true }).click();
  const shoreOnBoat = boatFleet.getByRole('listitem', { name: 'shore' });
  await shoreOnBoat.getByText('Connected').waitFor();
  await shoreFleet.getByRole('listitem', { name: 'boat' }).getByText('Connected').waitFor({ timeout: 30_000 });
  await shoreFleet.getByRole('listitem', { name: 'boat' }).getByText('Changes waiting').waitFor();
  for (const label of ['Fingerprint', 'Addresses', 'Last contact', 'Traffic today', 'Traffic in total']) await shoreOnBoat.getByText(label).first().waitFor();
  await shoreOnBoat.getByRole('button', { name: 'Copy the fingerprint of shore' }).waitFor();
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
  const peers = (await (await phone.request.get(`${boat.hail.url}/api/v1/peers`)).json()) as { peers: { name: string; addresses: string[] }[] };
  assert.deepEqual(peers.peers.map((peer) => [peer.name, peer.addresses]), [['Harbour office', ['127.0.0.1:9']]]);

  await renamed.getByRole('button', { name: 'Unpair' }).click();
  const confirm = phone.getByRole('dialog', { name: 'Unpair Harbour office?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  await renamed.getByRole('button', { name: 'Unpair' }).click();
  await confirm.getByRole('button', { name: 'Unpair' }).click();
  await boatFleet.getByText('No box is paired with this one yet.').waitFor();
  assert.deepEqual(((await (await phone.request.get(`${boat.hail.url}/api/v1/peers`)).json()) as { peers: unknown[] }).peers, []);
});

test('the administrator whose name the merge changed is told once, and the admin status lists the settled clashes', { timeout: 60_000 }, async () => {
  const me = async (world: World) => (await world.admin.get('/api/v1/me')).body as { nameClashes: { kind: string; name: string }[] };
  const [onShore, onBoat] = [await me(shore), await me(boat)];
  const loser = onShore.nameClashes.some((clash) => clash.kind === 'user') ? { page: desk, clashes: onShore.nameClashes } : { page: phone, clashes: onBoat.nameClashes };
  const newName = loser.clashes.find((clash) => clash.kind === 'user')?.name;
  assert.match(newName ?? '', /^admin-[0-9a-f]{6}$/, 'one admin was renamed');
  await loser.page.goto(loser.page.url().replace(/\/admin.*$/, '/'));
  const notice = loser.page.getByText(`Your username is now ${newName}, because another admin exists in the fleet.`);
  await notice.waitFor();
  await loser.page.getByText(/Your team crew is now called crew-[0-9a-f]{6}/).waitFor();
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
});
