/**
 * A Pi boots offline without a battery clock and believes it is years ago. The phones of the
 * crew know the time: once two of them agree, the box uses their time, orders and shows posts
 * correctly, and says "clock suspect" in its status and in `doctor`. No single phone, however
 * wrong, can move it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import { BoxTime } from '../src/core/box-time.js';
import { runHail } from './helpers/cli.js';
import { newDataDir, removeDataDir } from './helpers/server.js';
import { startWorld } from './helpers/world.js';

const REAL = Date.UTC(2026, 5, 1, 12);
const YEAR = 365 * 24 * 3600_000;
const MINUTE = 60_000;

/** A BoxTime whose system clock reads `systemMs` and whose monotonic clock stands still. */
const boxAt = (systemMs: number) => new BoxTime(() => systemMs, () => 1000);

test('one client alone cannot move the time; two that agree can', () => {
  const box = boxAt(REAL - 20 * YEAR);
  box.hear('alice', REAL);
  assert.equal(box.now(), REAL - 20 * YEAR);
  box.hear('alice', REAL + 5); // the same person again, from another device: still one voice
  assert.equal(box.now(), REAL - 20 * YEAR);
  box.hear('bob', REAL + 20_000);
  assert.equal(box.now(), REAL + 5);
  assert.equal(box.state(0).source, 'clients');
});

test('a liar among honest clients does not move the time; two who disagree give no estimate', () => {
  const box = boxAt(REAL - 20 * YEAR);
  box.hear('alice', REAL);
  box.hear('mallory', REAL + 100 * YEAR);
  assert.equal(box.now(), REAL - 20 * YEAR, 'two who disagree: no estimate');
  assert.equal(box.state(0).clientsMs, null);
  box.hear('bob', REAL + 1000);
  assert.equal(box.now(), REAL + 1000, 'the median is an honest clock');
  box.hear('eve', REAL + 99 * YEAR);
  assert.equal(box.now(), REAL - 20 * YEAR, 'two liars among four: no majority agrees, so no estimate, never theirs');
  box.hear('carol', REAL + 2000);
  assert.ok(Math.abs(box.now() - REAL) <= MINUTE, 'three honest among five: the honest time');
});

test('a system clock that is right, or ahead, is kept; clocks from before 2025 are ignored', () => {
  const right = boxAt(REAL);
  right.hear('alice', REAL + 30_000);
  right.hear('bob', REAL + 30_000);
  assert.equal(right.now(), REAL, 'within a minute: the system clock stays');
  const ahead = boxAt(REAL + YEAR);
  ahead.hear('alice', REAL);
  ahead.hear('bob', REAL);
  assert.equal(ahead.now(), REAL + YEAR);
  const behind = boxAt(0);
  behind.hear('alice', 1000);
  behind.hear('bob', 2000);
  assert.equal(behind.state(0).reporters, 0);
});

test('the learned time moves with the monotonic clock, and a jump is announced once', () => {
  let monotonic = 0;
  const box = new BoxTime(() => 0, () => monotonic);
  const jumps: number[] = [];
  box.onJump((delta) => jumps.push(delta));
  box.hear('alice', REAL);
  box.hear('bob', REAL);
  monotonic += 5000;
  assert.equal(box.now(), REAL + 5000);
  box.hear('carol', REAL + 5000);
  assert.deepEqual(jumps, [REAL]);
});

/** Makes a server's system clock run `offsetMs` off (negative: behind), like a Pi without a battery clock. */
function clockOffsetEnv(dir: string, offsetMs: number): Record<string, string> {
  const preload = join(dir, 'clock-offset.mjs');
  writeFileSync(preload, `const realNow = Date.now;\nDate.now = () => realNow() + ${offsetMs};\n`);
  return { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` };
}

test('a box that booted years behind takes the time its users agree on, stamps posts with it, and keeps sessions', { timeout: 60000 }, async () => {
  const dir = newDataDir();
  const world = await startWorld({ env: clockOffsetEnv(dir, -20 * YEAR) });
  try {
    const status = async () => (await world.admin.get('/api/v1/status')).body.clock;
    const before = await status();
    assert.equal(before.source, 'system');
    assert.ok(Date.now() - before.systemMs > 19 * YEAR);

    const bosun = await world.join('bosun');
    const adminSocket = await world.admin.socket();
    adminSocket.send({ type: 'clock', now: Date.now() });
    await adminSocket.resume(0); // frames are handled in order: the clock frame has been heard
    assert.equal((await status()).clientsMs, null, 'one user is not enough');

    const bosunSocket = await bosun.client.socket();
    bosunSocket.send({ type: 'clock', now: Date.now() });
    await bosunSocket.resume(0);
    const after = await status();
    assert.equal(after.source, 'clients', JSON.stringify(after));
    assert.equal(after.reporters, 2);
    assert.equal(after.suspect, true);
    assert.ok(Math.abs(after.nowMs - Date.now()) < 5000, JSON.stringify(after));

    const posted = await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { id: uuidv7(), message: 'what time is it?' });
    assert.equal(posted.status, 201);
    assert.ok(Math.abs(posted.body.post.createdAt - Date.now()) < 5000, `post stamped ${new Date(posted.body.post.createdAt).toISOString()}`);
    assert.equal((await bosun.client.get('/api/v1/me')).status, 200, 'sessions made under the wrong clock did not expire');
    await adminSocket.close();
    await bosunSocket.close();
  } finally {
    await world.dispose();
    removeDataDir(dir);
  }
});

test('doctor says "clock suspect" when the system clock is behind the time this box last saved', { timeout: 60000 }, async () => {
  const dir = newDataDir();
  const world = await startWorld();
  try {
    await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { id: uuidv7(), message: 'stamped with the right time' });
    await world.stop();
    const behind = await runHail(['doctor', '--data-dir', world.hail.dataDir, '--port', '0'], 30000, { env: clockOffsetEnv(dir, -2 * YEAR) });
    assert.match(behind.stdout, /^warn\s+clock\s+clock suspect: the system clock reads .* behind the last time this box saved/m);
    const right = await runHail(['doctor', '--data-dir', world.hail.dataDir, '--port', '0']);
    assert.match(right.stdout, /^ok\s+clock\s+the system clock reads .*, not behind the last saved time/m);
  } finally {
    removeDataDir(world.hail.dataDir);
    removeDataDir(dir);
  }
});

test('a malformed clock frame gets an error frame, and the socket stays open', async () => {
  const world = await startWorld();
  try {
    const socket = await world.admin.socket();
    socket.send({ type: 'clock', now: 'noon' });
    const error = await socket.next('error');
    assert.equal(error.error.code, 'invalid_frame');
    await socket.resume(0);
    await socket.close();
  } finally {
    await world.dispose();
  }
});

