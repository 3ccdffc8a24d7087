/**
 * A long history on a phone: a channel of 10,000 posts opens at the bottom and scrolls back to
 * its very first post, loading older pages as it goes, with only a screenful of posts in the
 * page at any time, day separators and grouping right across page boundaries, and the post on
 * screen kept in place when older ones are put in front. Frame times of a scripted scroll are
 * printed (not asserted: the machine is shared). Then the browser prunes what it stored of the
 * channel back to the newest 2,000 posts at its next start.
 *
 * The server's clock reads 23:00 UTC at its start and runs 1,200 times fast from the moment the
 * seeding starts (not from the server's start: a start slowed by a busy machine would otherwise
 * use up the evening before the first post), so the posts, written through the API in well under
 * a minute, span midnight like an evening and a morning of chat: midnight comes 3 s into the
 * seeding, which takes longer than that whatever the load (the posting limit alone makes it 5 s).
 * The browser and the test both see days in UTC, whatever the machine's time zone.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, type Browser, launchBrowser, logIn, screenshot, storedRows } from './helpers/browser.js';
import { newDataDir, type Client } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

const POSTS = 10_000;
const PAGE = 200; // the web app's page of older posts (web/src/state/posts.ts)
const HISTORY_CAP = 2000; // what the browser keeps of a channel (web/src/state/posts.ts)
const GROUP_MS = 5 * 60 * 1000;
const MAX_ROWS = 200;
const CLOCK_SPEED = 1200;

interface ServerPost {
  id: string;
  userId: string;
  message: string;
  createdAt: number;
}

let world: World;
let browser: Browser;
let page: Page;
let channelId = '';
/** The channel as the server has it, oldest first. */
let truth: ServerPost[] = [];
const indexOfMessage = new Map<string, number>();

/**
 * A server clock that starts at the next 23:00 UTC (ahead of the real one: the box keeps it),
 * runs at the real pace until the server gets SIGUSR2, and fast from then on.
 */
function fastEveningClock(dir: string): Record<string, string> {
  const now = new Date();
  let start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 23, 0);
  if (start <= now.getTime()) start += 24 * 3600 * 1000;
  const preload = join(dir, 'fast-clock.mjs');
  writeFileSync(
    preload,
    [
      'const realNow = Date.now;',
      'const bootedAt = realNow();',
      'let fastFrom = Infinity;',
      "process.on('SIGUSR2', () => { fastFrom = Math.min(fastFrom, realNow()); });",
      'Date.now = () => {',
      '  const real = realNow();',
      `  return ${start} + (Math.min(real, fastFrom) - bootedAt) + Math.floor(Math.max(0, real - fastFrom) * ${CLOCK_SPEED});`,
      '};',
      '',
    ].join('\n'),
  );
  return { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` };
}

async function seed(authors: Client[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let n = next++; n < POSTS; n = next++) {
      // Runs of seven posts by one person, then seven by the other: groups to get right, and
      // runs that straddle the pages of 200.
      const author = authors[Math.floor(n / 7) % authors.length]!;
      const sent = await author.post(`/api/v1/channels/${channelId}/posts`, { message: `post ${String(n + 1).padStart(5, '0')}` });
      if (sent.status !== 201) throw new Error(`post ${n}: ${sent.status} ${JSON.stringify(sent.body)}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

async function readChannel(client: Client): Promise<ServerPost[]> {
  const posts: ServerPost[] = [];
  let beforeId: string | undefined;
  for (;;) {
    const { body } = await client.get(`/api/v1/channels/${channelId}/posts?limit=200${beforeId ? `&before=${beforeId}` : ''}`);
    posts.unshift(...(body.posts as ServerPost[]));
    if (!body.hasMore) return posts;
    beforeId = body.posts[0].id;
  }
}

before(async () => {
  const dataDir = newDataDir();
  world = await startWorld({ dataDir, env: fastEveningClock(dataDir) });
  channelId = world.team.defaultChannelId;
  const bob = await world.join('bob');
  const reader = await world.join('reader');
  const started = Date.now();
  // Posts written before the signal is handled are stamped a little after 23:00: still the evening.
  world.hail.child.kill('SIGUSR2');
  await seed([world.admin, bob.client]);
  console.log(`# seeded ${POSTS} posts through the API in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  truth = await readChannel(reader.client);
  truth.forEach((post, index) => indexOfMessage.set(post.message, index));
  await reader.client.post(`/api/v1/channels/${channelId}/read`);
  browser = await launchBrowser();
  page = await (await browser.context({ width: 390, height: 844 }, { timezoneId: 'UTC' })).newPage();
  page.on('pageerror', (error) => console.log('# page error:', error.stack));
  await logIn(page, world.hail.url, 'reader', 'password of reader');
  await page.getByRole('link', { name: /General/ }).click();
  await page
    .getByRole('feed')
    .getByText(truth[POSTS - 1]!.message)
    .waitFor();
});

after(async () => {
  await browser?.close();
  await world?.dispose();
});

interface Row {
  message: string;
  index: number;
  separator: boolean;
  head: boolean;
  top: number;
  bottom: number;
}

interface ListState {
  rows: Row[];
  scrollTop: number;
  viewTop: number;
  viewBottom: number;
  setSize: number;
}

/**
 * The posts in the page (not only those on screen), where they are, and where the list is
 * scrolled, as painted: read in the second animation frame from now, after the first frame's
 * scroll events were handled, and in that frame after the list's own size measurements. An
 * older page can be put in front between the two frames: in the second frame's animation
 * callbacks its posts are in the page but the post that lost its name is not yet measured
 * (the virtualizer hears of it from its ResizeObserver, later in the same frame, before the
 * paint), and the post would seem to have moved by its name's height. A ResizeObserver made
 * now reports after the virtualizer's (observers report in the order they were made).
 */
const readList = (): Promise<ListState> =>
  page.evaluate(`new Promise((done) => {
    const scroller = document.querySelector('.message-scroller');
    const read = () => {
      const view = scroller.getBoundingClientRect();
      const articles = [...scroller.querySelectorAll('[role="article"]')];
      return {
        rows: articles.map((article) => {
          // Where its text is: a post that loses its separator or name above keeps its text in place.
          const box = (article.querySelector('.markdown') ?? article).getBoundingClientRect();
          return {
            message: article.querySelector('.markdown')?.textContent?.trim() ?? '',
            index: Number(article.dataset.index),
            separator: article.querySelector('.day-separator') !== null,
            head: article.querySelector('.post-head') !== null,
            top: box.top,
            bottom: box.bottom,
          };
        }),
        scrollTop: scroller.scrollTop,
        viewTop: view.top,
        viewBottom: view.bottom,
        setSize: Number(articles[0]?.getAttribute('aria-setsize') ?? 0),
      };
    };
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const afterMeasuring = new ResizeObserver(() => {
        afterMeasuring.disconnect();
        done(read());
      });
      afterMeasuring.observe(scroller);
    }));
  })`);

/** For failure messages: each post as index:message:(H)ead(S)eparator@top. */
const describeList = (state: ListState) =>
  `${state.rows.map((row) => `${row.index}:${row.message.slice(5)}:${row.head ? 'H' : ''}${row.separator ? 'S' : ''}@${row.top.toFixed(0)}`).join(' ')} scrolled to ${state.scrollTop}`;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10); // the UTC day, as the browser (in UTC) sees it
const separatorExpected = (index: number) => index === 0 || dayOf(truth[index - 1]!.createdAt) !== dayOf(truth[index]!.createdAt);
const groupedExpected = (index: number) =>
  !separatorExpected(index) &&
  truth[index - 1]!.userId === truth[index]!.userId &&
  truth[index]!.createdAt - truth[index - 1]!.createdAt < GROUP_MS;

/** Every post in the page has its day separator and its name exactly where the server's history says. */
function checkRows(state: ListState, seen: Set<number>): void {
  assert.ok(state.rows.length > 0 && state.rows.length < MAX_ROWS, `${state.rows.length} posts in the page`);
  for (const row of state.rows) {
    const index = indexOfMessage.get(row.message);
    assert.ok(index !== undefined, `an unknown post in the list: ${row.message}`);
    if (row.index === 0 && state.setSize === -1) {
      // The first post loaded, older ones still to come: no day is claimed, the name is shown.
      assert.equal(row.separator, false, `no day separator above ${row.message} before the older page`);
      assert.equal(row.head, true, `name and time above ${row.message} before the older page`);
      continue;
    }
    assert.equal(row.separator, separatorExpected(index), `day separator above ${row.message}`);
    assert.equal(row.head, !groupedExpected(index), `name and time above ${row.message}`);
    seen.add(index);
  }
}

test(
  '10,000 posts scroll from the bottom to the very first, with few in the page, separators and groups right, and no jump when older pages come',
  { timeout: 300_000 },
  async () => {
    const dayChanges = truth.filter((_, index) => index > 0 && separatorExpected(index)).length;
    assert.ok(dayChanges >= 1, 'the history spans midnight');

    // Frames first: a scripted fling upwards, 150 px a frame for five seconds, older pages loading on the way.
    const frames: { gaps: number[]; maxRows: number } = await page.evaluate(`new Promise((done) => {
    const scroller = document.querySelector('.message-scroller');
    const gaps = [];
    let maxRows = 0;
    let last = 0;
    const frame = (at) => {
      if (last) gaps.push(at - last);
      last = at;
      maxRows = Math.max(maxRows, scroller.querySelectorAll('[role="article"]').length);
      scroller.scrollTop -= 150;
      if (gaps.length < 300) requestAnimationFrame(frame);
      else done({ gaps, maxRows });
    };
    requestAnimationFrame(frame);
  })`);
    const sorted = [...frames.gaps].sort((a, b) => a - b);
    console.log(
      `# frames while scrolling up: ${frames.gaps.length}, longest ${sorted[sorted.length - 1]!.toFixed(1)} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)]!.toFixed(1)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms`,
    );
    assert.ok(frames.maxRows < MAX_ROWS, `${frames.maxRows} posts in the page during the fling`);

    // Then step by step to the top, checking every post in the page at each step.
    const seen = new Set<number>();
    let prepends = 0;
    let largestShift = 0;
    let state = await readList();
    const startedAt = Date.now();
    // Older pages come a little later than they would from this idle box, so each step sees the
    // post on screen before and after its page came.
    await page.route(/\/posts\?limit=\d+&before=/, async (route) => {
      await new Promise((resume) => setTimeout(resume, 300));
      await route.continue();
    });
    const pagesToCome = (indexOfMessage.get(state.rows[0]!.message)! - state.rows[0]!.index) / PAGE;
    for (let step = 0; ; step++) {
      assert.ok(step < 1000 && Date.now() - startedAt < 200_000, `still not at the first post after ${step} steps`);
      checkRows(state, seen);
      if (state.scrollTop === 0 && state.rows.some((row) => row.message === truth[0]!.message)) break;
      await page.evaluate(`document.querySelector('.message-scroller').scrollTop -= 4000`);
      state = await readList();
      // The post at the top of the screen now: when older posts come in front, it must stay where it is.
      const beforeRows = describeList(state);
      const anchor = state.rows.find((row) => row.bottom > state.viewTop + 1);
      assert.ok(anchor, `a post on screen at ${state.scrollTop}: ${JSON.stringify(state.rows.slice(0, 3))} ${state.viewTop}`);
      for (let wait = 0; wait < 50 && state.scrollTop < 300 && state.setSize !== POSTS; wait++) {
        await page.waitForTimeout(100);
        state = await readList();
      }
      const after = state.rows.find((row) => row.message === anchor.message);
      assert.ok(after, `${anchor.message} is still in the page after older posts came`);
      if (after.index !== anchor.index) {
        prepends++;
        largestShift = Math.max(largestShift, Math.abs(after.top - anchor.top));
        assert.ok(
          Math.abs(after.top - anchor.top) < 8,
          `${anchor.message} stayed where it was on screen (moved from ${anchor.top} to ${after.top})\nbefore: ${beforeRows}\nafter: ${describeList(state)}`,
        );
      }
    }
    console.log(
      `# reached the first post in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ${prepends} of ${pagesToCome} older pages came in front of a post on screen, the post on screen moved at most ${largestShift.toFixed(0)} px`,
    );
    assert.equal(state.setSize, POSTS, 'the list knows it holds the whole history');
    assert.ok(prepends >= pagesToCome - 1, `${prepends} of ${pagesToCome} older pages put in front while a post was on screen`);
    // The pages that came while stepping (not during the fling): their first post and the one before it were checked.
    const boundaries = Array.from({ length: pagesToCome }, (_, page) => (page + 1) * PAGE);
    assert.deepEqual(
      boundaries.filter((index) => !seen.has(index) || !seen.has(index - 1)),
      [],
      'every page boundary was on screen and checked',
    );
    await screenshot(page, 'history-top-phone');
    assert.deepEqual(await axeViolations(page), []);
  },
);

/** The channel's posts that IndexedDB holds, oldest first, by message. */
async function storedMessages(): Promise<string[]> {
  const posts = await storedRows<ServerPost & { channelId: string }>(page, 'posts');
  return posts
    .filter((post) => post.channelId === channelId)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .map((post) => post.message);
}

test(
  'what was scrolled through is stored, and the next start prunes the channel to its newest 2,000 posts',
  { timeout: 120_000 },
  async () => {
    assert.equal((await storedMessages()).length, POSTS, 'everything viewed was stored for reading offline');
    await page.reload();
    await page
      .getByRole('feed')
      .getByText(truth[POSTS - 1]!.message)
      .waitFor();
    const newest = truth.slice(POSTS - HISTORY_CAP).map((post) => post.message);
    for (let tries = 0; ; tries++) {
      const stored = await storedMessages();
      if (stored.length === HISTORY_CAP) {
        assert.deepEqual(stored, newest);
        break;
      }
      assert.ok(tries < 60, `${stored.length} posts still stored`);
      await page.waitForTimeout(500);
    }
  },
);
