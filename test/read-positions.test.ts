/**
 * Read positions: a mark moves the reader's position on this box at once, and reaches the op log
 * (and so the other boxes) as one channel.viewed op once it has stayed put (core/read-marks.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseFile, openDatabase } from '../src/store/database.js';
import { removeDataDir, type Client } from './helpers/server.js';
import { eventually } from './helpers/eventually.js';
import { startWorld } from './helpers/world.js';

const readMarksInLog = (dataDir: string): number => {
  const db = openDatabase(databaseFile(dataDir), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS marks FROM ops WHERE type = 'channel.viewed'").get() as { marks: number }).marks;
  } finally {
    db.close();
  }
};

const unread = async (client: Client, channelId: string): Promise<number> =>
  ((await client.get('/api/v1/channels')).body.channels as { id: string; unread: number }[]).find((row) => row.id === channelId)!.unread;

const posted = async (client: Client, channelId: string, message: string) =>
  assert.equal((await client.post(`/api/v1/channels/${channelId}/posts`, { message })).status, 201);

test("a mark moves unread counts on this box and tells the reader's other devices at once, before any op is written", async () => {
  const world = await startWorld({ env: { HAIL_READ_MARK_SETTLE_MS: '3600000' } });
  try {
    const channel = world.team.defaultChannelId;
    const reader = await world.join('reader');
    // The same person on a second device: their own session, their own socket.
    const otherDevice = world.client();
    assert.equal((await otherDevice.post('/api/v1/auth/login', { username: 'reader', password: 'password of reader' })).status, 200);
    const socket = await otherDevice.socket();
    const hello = await socket.next('hello');
    await socket.resume(hello.feedSeq);
    const marksBefore = readMarksInLog(world.hail.dataDir);

    await posted(world.admin, channel, 'anchor up at dawn');
    await posted(world.admin, channel, 'bring the charts');
    assert.equal(await unread(otherDevice, channel), 2);
    assert.equal((await reader.client.post(`/api/v1/channels/${channel}/read`)).status, 204);
    assert.equal(await unread(reader.client, channel), 0);
    assert.equal(await unread(otherDevice, channel), 0);
    await socket.until((frames) => frames.find((frame) => frame.type === 'read' && frame.channelId === channel));
    assert.equal(readMarksInLog(world.hail.dataDir), marksBefore, 'nothing travels yet: the position may move again soon');

    await posted(world.admin, channel, 'and the tide table');
    assert.equal(await unread(otherDevice, channel), 1);
  } finally {
    await world.dispose();
  }
});

test('a burst of marks within the settle time becomes one op, carrying the last position', async () => {
  const world = await startWorld({ env: { HAIL_READ_MARK_SETTLE_MS: '1500' } });
  try {
    const channel = world.team.defaultChannelId;
    const reader = await world.join('reader');
    const marksBefore = readMarksInLog(world.hail.dataDir);
    for (let n = 0; n < 5; n++) {
      await posted(world.admin, channel, `post ${n}`);
      assert.equal((await reader.client.post(`/api/v1/channels/${channel}/read`)).status, 204);
    }
    await eventually('the settled position in the log', () => readMarksInLog(world.hail.dataDir) > marksBefore, 10_000);
    assert.equal(readMarksInLog(world.hail.dataDir), marksBefore + 1);
    await new Promise((wake) => setTimeout(wake, 2000));
    assert.equal(readMarksInLog(world.hail.dataDir), marksBefore + 1);
    assert.equal(await unread(reader.client, channel), 0);
  } finally {
    await world.dispose();
  }
});

test('positions still settling when the server stops are written to the log before it exits', async () => {
  const world = await startWorld({ env: { HAIL_READ_MARK_SETTLE_MS: '3600000' } });
  try {
    const channel = world.team.defaultChannelId;
    const reader = await world.join('reader');
    await posted(world.admin, channel, 'last call for the launch');
    const marksBefore = readMarksInLog(world.hail.dataDir);
    assert.equal((await reader.client.post(`/api/v1/channels/${channel}/read`)).status, 204);
    assert.equal(readMarksInLog(world.hail.dataDir), marksBefore, 'settling for an hour');
    assert.equal(await world.hail.stop(), 0);
    assert.equal(readMarksInLog(world.hail.dataDir), marksBefore + 1);
  } finally {
    await world.hail.stop();
    removeDataDir(world.hail.dataDir);
  }
});
