/**
 * Writing and reading in a channel, at phone and desktop width: the "new since you last read"
 * line above the first post that came while the reader was away, and the way back to the
 * newest posts from far up; ↑ in an empty composer edits my last post; drafts kept per channel
 * through switching channels and a reload, marked in the sidebar; a pasted or dropped picture
 * attaches and sends; the picture viewer opens, zooms, closes on Escape and gives the focus
 * back; task lists show labelled read-only checkboxes. And the log-in page logs no error.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot } from './helpers/browser.js';
import { startWorld, type World } from './helpers/world.js';

const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

let world: World;
let browser: Browser;
let general = '';

before(async () => {
  world = await startWorld();
  general = world.team.defaultChannelId;
  for (let n = 1; n <= 80; n++) await world.admin.post(`/api/v1/channels/${general}/posts`, { message: `earlier post ${n}` });
  const deck = await world.admin.post('/api/v1/channels', { teamId: world.team.id, type: 'public', name: 'deck', displayName: 'Deck' });
  assert.equal(deck.status, 201, JSON.stringify(deck.body));
  for (const name of Object.keys(VIEWPORTS)) {
    const { client } = await world.join(name);
    assert.equal((await client.post(`/api/v1/channels/${deck.body.channel.id}/join`)).status, 200);
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

/** Opens a channel from the sidebar (on a phone, first back to the channel list). */
async function openChannel(page: Page, name: string): Promise<void> {
  const back = page.getByRole('button', { name: 'Back' });
  if (await back.isVisible()) await back.click();
  await page
    .getByRole('navigation')
    .getByRole('link', { name: new RegExp(name) })
    .click();
  await page.getByRole('heading', { name: `# ${name}` }).waitFor();
}

/**
 * Waits until an expression is true in the page. Not waitForFunction: its polling evaluates
 * strings with eval, which the app's Content-Security-Policy refuses.
 */
async function until(page: Page, expression: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (await page.evaluate(expression)) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`never true: ${expression}`);
}

const composer = (page: Page) => page.locator('.channel-view .composer textarea');
const article = (page: Page, text: string) => page.locator('.channel-view [role="article"]').filter({ hasText: text });

async function assertNoSeriousAxe(page: Page, what: string): Promise<void> {
  assert.deepEqual(await axeViolations(page), [], what);
}

/** A PNG made in the page (a canvas), handed to the page's script as a File. */
const MAKE_PICTURE = `(async (name) => {
  const canvas = document.createElement('canvas');
  canvas.width = 600;
  canvas.height = 400;
  const context = canvas.getContext('2d');
  context.fillStyle = '#0b5c8a';
  context.fillRect(0, 0, 600, 400);
  context.fillStyle = '#fff1a8';
  context.fillRect(150, 100, 300, 200);
  const blob = await new Promise((done) => canvas.toBlob(done, 'image/png'));
  return new File([blob], name, { type: 'image/png' });
})`;

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`${name}: the unread line marks what came while I was away, and a pill leads back to the newest`, { timeout: 120_000 }, async () => {
    const page = await (await browser.context(viewport)).newPage();
    await logIn(page, world.hail.url, name, `password of ${name}`);
    await openChannel(page, 'General');
    await article(page, 'earlier post 80').waitFor();
    await openChannel(page, 'Deck'); // leaving General sends its read mark
    await page.waitForTimeout(1000);
    for (let n = 1; n <= 3; n++) await world.admin.post(`/api/v1/channels/${general}/posts`, { message: `while ${name} was away ${n}` });
    await openChannel(page, 'General');
    const line = page.locator('.channel-view .unread-line');
    await line.waitFor();
    assert.equal(await line.textContent(), 'New since you last read');
    const lineRow = page.locator('.channel-view [role="article"]').filter({ has: page.locator('.unread-line') });
    assert.match(
      (await lineRow.textContent()) ?? '',
      new RegExp(`while ${name} was away 1`),
      'the line is above the first post I had not read',
    );
    await world.admin.post(`/api/v1/channels/${general}/posts`, { message: `while ${name} reads` });
    await article(page, `while ${name} reads`).waitFor();
    assert.match((await lineRow.textContent()) ?? '', new RegExp(`while ${name} was away 1`), 'the line stays while I am in the channel');
    await screenshot(page, `compose-unread-line-${name}`);

    // Far up the history, with nothing new below: the way back down is offered all the same.
    const scroller = page.locator('.channel-view .message-scroller');
    await scroller.evaluate((element) => element.scrollTo({ top: 0 }));
    const jump = page.getByRole('button', { name: /Jump to newest/ });
    await jump.waitFor();
    await screenshot(page, `compose-jump-to-newest-${name}`);
    await assertNoSeriousAxe(page, 'far up with the pill');
    await jump.click();
    await until(
      page,
      `(() => {
      const element = document.querySelector('.channel-view .message-scroller');
      return element.scrollHeight - element.clientHeight - element.scrollTop <= 2;
    })()`,
    );
    await jump.waitFor({ state: 'detached' });
    await page.context().close();
  });

  test(`${name}: ↑ in the empty composer edits my last post; Escape cancels, Enter saves`, { timeout: 120_000 }, async () => {
    const page = await (await browser.context(viewport)).newPage();
    await logIn(page, world.hail.url, name, `password of ${name}`);
    await openChannel(page, 'Deck');
    await composer(page).fill(`${name} first words`);
    await composer(page).press('Enter');
    await article(page, `${name} first words`).locator('.pending').waitFor({ state: 'detached' });
    await article(page, `${name} first words`).waitFor();
    await world.admin.post(`/api/v1/channels/${await deckId()}/posts`, { message: `someone else speaks last to ${name}` });
    await article(page, `someone else speaks last to ${name}`).waitFor();
    assert.equal(
      await article(page, `someone else speaks last to ${name}`).locator('.unread-line').count(),
      0,
      'a post that came while I was reading is not "new since I last read"',
    );

    await composer(page).press('ArrowUp');
    const edit = page.getByRole('textbox', { name: 'Edit message' });
    await edit.waitFor();
    assert.equal(await edit.inputValue(), `${name} first words`, 'my last post opens, not the last post');
    assert.ok(await page.evaluate(`document.activeElement?.getAttribute('aria-label') === 'Edit message'`), 'the edit box has the focus');
    await screenshot(page, `compose-edit-last-${name}`);
    await edit.press('Escape');
    await edit.waitFor({ state: 'detached' });
    assert.ok(
      await page.evaluate(`document.activeElement === document.querySelector('.channel-view .composer textarea')`),
      'the focus is back in the composer',
    );

    await composer(page).press('ArrowUp');
    await edit.waitFor();
    await edit.press('End');
    await edit.pressSequentially(', corrected');
    await edit.press('Enter');
    await article(page, `${name} first words, corrected`).getByText('(edited)').waitFor();
    const edited = async () =>
      ((await world.admin.get(`/api/v1/channels/${await deckId()}/posts?limit=5`)).body.posts as { message: string }[]).some(
        (post) => post.message === `${name} first words, corrected`,
      );
    for (let tries = 0; tries < 50 && !(await edited()); tries++) await page.waitForTimeout(100);
    assert.ok(await edited(), 'the edit reached the box');

    await composer(page).fill('not empty');
    await composer(page).press('ArrowUp');
    assert.equal(await edit.count(), 0, 'with text in the composer, ↑ moves the caret as usual');
    await composer(page).fill('');
    await page.context().close();
  });

  test(`${name}: a draft stays with its channel through switching channels and a reload`, { timeout: 120_000 }, async () => {
    const page = await (await browser.context(viewport)).newPage();
    await logIn(page, world.hail.url, name, `password of ${name}`);
    await openChannel(page, 'General');
    await composer(page).fill(`${name} half a thought`);
    await openChannel(page, 'Deck');
    assert.equal(await composer(page).inputValue(), '', 'another channel has its own composer');
    await composer(page).fill(`${name} deck draft`);
    const back = page.getByRole('button', { name: 'Back' });
    if (await back.isVisible()) await back.click();
    const generalLink = page.getByRole('navigation').getByRole('link', { name: /General/ });
    assert.match((await generalLink.textContent()) ?? '', /Draft/, 'the sidebar marks the channel with a draft');
    await screenshot(page, `compose-draft-mark-${name}`);
    await openChannel(page, 'General');
    assert.equal(await composer(page).inputValue(), `${name} half a thought`);

    await page.waitForTimeout(600); // drafts are saved a moment after the last key
    await page.reload();
    await page.getByRole('heading', { name: '# General' }).waitFor();
    await until(page, `document.querySelector('.channel-view .composer textarea')?.value === ${JSON.stringify(`${name} half a thought`)}`);
    await openChannel(page, 'Deck');
    assert.equal(await composer(page).inputValue(), `${name} deck draft`);
    await composer(page).fill('');
    await openChannel(page, 'General');
    await composer(page).fill('');
    await page.context().close();
  });

  test(
    `${name}: a pasted picture and a dropped one attach and send; the viewer zooms and closes with Escape`,
    { timeout: 120_000 },
    async () => {
      const page = await (await browser.context(viewport)).newPage();
      await logIn(page, world.hail.url, name, `password of ${name}`);
      await openChannel(page, 'Deck');

      await page.evaluate(`(async () => {
      const area = document.querySelector('.channel-view .composer textarea');
      const data = new DataTransfer();
      data.items.add(await ${MAKE_PICTURE}('pasted-${name}.png'));
      area.focus();
      area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
      const attachments = page.getByRole('list', { name: 'Attachments' });
      await attachments.getByText(`pasted-${name}.png`).waitFor();
      assert.equal(await composer(page).inputValue(), '', 'the picture did not paste as text');
      await composer(page).fill(`${name} pastes a picture`);
      await composer(page).press('Enter');
      await article(page, `${name} pastes a picture`)
        .getByRole('img', { name: `pasted-${name}.png` })
        .waitFor();

      await page.evaluate(`(async () => {
      const view = document.querySelector('.channel-view');
      const data = new DataTransfer();
      data.items.add(await ${MAKE_PICTURE}('dropped-${name}.png'));
      view.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }));
      view.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      window.heldDrop = data;
    })()`);
      const dropZone = page.locator('.channel-view.dropping[data-drop-label="Drop files here to attach them"]');
      await dropZone.waitFor();
      await screenshot(page, `compose-drop-zone-${name}`);
      await page.evaluate(`document.querySelector('.channel-view .message-scroller')
      .dispatchEvent(new DragEvent('drop', { dataTransfer: window.heldDrop, bubbles: true, cancelable: true }))`);
      await attachments.getByText(`dropped-${name}.png`).waitFor();
      await dropZone.waitFor({ state: 'detached' });
      await composer(page).press('Enter');
      const dropped = page.locator('.channel-view').getByRole('img', { name: `dropped-${name}.png` });
      await dropped.waitFor();

      // The viewer: opened from the picture, zoomed by the wheel and a double click, closed by Escape.
      const link = page.locator('.channel-view a.image-link').filter({ has: page.getByRole('img', { name: `dropped-${name}.png` }) });
      await link.focus();
      await link.press('Enter');
      const viewer = page.getByRole('dialog', { name: `dropped-${name}.png` });
      await viewer.waitFor();
      assert.equal(await page.evaluate(`document.activeElement?.getAttribute('aria-label')`), 'Close', 'the focus is in the viewer');
      const picture = viewer.getByRole('img', { name: `dropped-${name}.png` });
      const scale = `new DOMMatrix(getComputedStyle(document.querySelector('.image-viewer img')).transform).a`;
      await until(page, `document.querySelector('.image-viewer img').complete`);
      assert.equal(await page.evaluate(scale), 1);
      const box = (await picture.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -300);
      await until(page, `${scale} > 1.5`);
      await screenshot(page, `compose-viewer-zoomed-${name}`);
      await assertNoSeriousAxe(page, 'the viewer');
      await picture.dblclick();
      await until(page, `${scale} === 1`);
      await picture.dblclick();
      await until(page, `${scale} > 2`);
      if (name === 'phone') {
        // Two fingers moving apart, as the touch screen reports them.
        await picture.dblclick();
        await until(page, `${scale} === 1`);
        const touch = await page.context().newCDPSession(page);
        const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
        const fingers = (apart: number) => [
          { x: x - apart, y, id: 1 },
          { x: x + apart, y, id: 2 },
        ];
        await touch.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(20) });
        for (let apart = 30; apart <= 80; apart += 10)
          await touch.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(apart) });
        await touch.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
        await until(page, `${scale} > 3`);
        await screenshot(page, `compose-viewer-pinched-${name}`);
      }
      assert.equal(await viewer.getByRole('link', { name: 'Download' }).getAttribute('download'), `dropped-${name}.png`);
      await page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'detached' });
      await until(page, `document.activeElement?.matches('a.image-link:has(img[alt="dropped-${name}.png"])')`);
      await page.context().close();
    },
  );

  test(`${name}: a task list shows labelled, read-only checkboxes and no repeated ids`, { timeout: 120_000 }, async () => {
    const deck = await deckId();
    for (let n = 0; n < 2; n++)
      await world.admin.post(`/api/v1/channels/${deck}/posts`, {
        message: `Checklist ${name} ${n}\n\n- [x] ropes coiled\n- [ ] fenders out`,
      });
    const page = await (await browser.context(viewport)).newPage();
    await logIn(page, world.hail.url, name, `password of ${name}`);
    await openChannel(page, 'Deck');
    const mine = page.locator('.channel-view [role="article"]').filter({ hasText: `Checklist ${name}` });
    const done = mine.getByRole('checkbox', { name: 'ropes coiled' });
    const todo = mine.getByRole('checkbox', { name: 'fenders out' });
    await todo.last().waitFor();
    assert.equal(await done.count(), 2);
    assert.ok(await done.last().isChecked());
    assert.ok(!(await todo.last().isChecked()));
    assert.ok(await todo.last().isDisabled(), 'read-only: ticking would change nobody’s post');
    const repeated = await page.evaluate(`(() => {
      const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
      return ids.filter((id, index) => ids.indexOf(id) !== index);
    })()`);
    assert.deepEqual(repeated, []);
    await screenshot(page, `compose-task-list-${name}`);
    await assertNoSeriousAxe(page, 'task lists');
    await page.context().close();
  });
}

test('the log-in page logs no error in the console (no failed request for who is logged in)', { timeout: 60_000 }, async () => {
  for (const viewport of Object.values(VIEWPORTS)) {
    const page = await (await browser.context(viewport)).newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(world.hail.url);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.waitForTimeout(500);
    assert.deepEqual(errors, []);
    await page.context().close();
  }
});

let deck: string | undefined;
async function deckId(): Promise<string> {
  deck ??= ((await world.admin.get('/api/v1/channels')).body.channels as { id: string; name: string }[]).find(
    (channel) => channel.name === 'deck',
  )!.id;
  return deck;
}
