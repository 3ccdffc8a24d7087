/**
 * One client cannot freeze the box for everyone. A guest that sent a thousand `resume
 * {since:0}` frames used to stall every other client for seconds: each frame replayed the feed
 * at once. Now a socket has one replay, run a page per turn of the event loop; frames per
 * socket per second are bounded, and so are sockets per account and per address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import WebSocket from 'ws';
import { startWorld } from './helpers/world.js';

const HISTORY = 3000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test("a guest sending 1,000 resume {since:0} frames does not stall another client's posts", { timeout: 180_000 }, async (t) => {
  // The frame limit would cut the flood short: lift it, so the replay itself is what is tested.
  const world = await startWorld({ env: { HAIL_SOCKET_FRAMES_PER_SECOND: '100000' } });
  try {
    const channel = world.team.defaultChannelId;
    for (let sent = 0; sent < HISTORY; sent += 100) {
      const batch = Array.from({ length: 100 }, (_, index) =>
        world.admin.post(`/api/v1/channels/${channel}/posts`, { id: uuidv7(), message: `history ${sent + index} ${'x'.repeat(120)}` }),
      );
      for (const posted of await Promise.all(batch)) assert.equal(posted.status, 201);
    }
    const guest = await world.join('gus', 'guest');
    assert.equal((await world.admin.post(`/api/v1/channels/${channel}/members`, { userId: guest.id })).status, 204);
    const member = await world.join('bosun');
    const roundTrip = async (label: string) => {
      const started = performance.now();
      const posted = await member.client.post(`/api/v1/channels/${channel}/posts`, { id: uuidv7(), message: label });
      assert.equal(posted.status, 201);
      return performance.now() - started;
    };
    const baseline: number[] = [];
    for (let index = 0; index < 20; index += 1) baseline.push(await roundTrip(`baseline ${index}`));

    // The flooder counts frames and parses nothing, so the test's own work stays small.
    const flooder = new WebSocket(world.hail.url.replace(/^http/, 'ws') + '/api/v1/ws', { headers: { cookie: guest.client.cookie } });
    await new Promise((resolve, reject) => flooder.once('open', resolve).once('error', reject));
    let resumed = 0;
    flooder.on('message', (data) => {
      if (data.toString().startsWith('{"type":"resumed"')) resumed += 1;
    });
    for (let index = 0; index < 1000; index += 1) flooder.send('{"type":"resume","since":0}');

    const flooded: number[] = [];
    for (let index = 0; index < 20; index += 1) flooded.push(await roundTrip(`during the flood ${index}`));
    const bound = 2000 + 20 * median(baseline);
    t.diagnostic(
      `baseline median ${median(baseline).toFixed(1)} ms; during the flood max ${Math.max(...flooded).toFixed(1)} ms, median ${median(flooded).toFixed(1)} ms`,
    );
    assert.ok(
      Math.max(...flooded) < bound,
      `round trips during the flood ${flooded.map(Math.round).join(', ')} ms; baseline median ${median(baseline).toFixed(1)} ms; bound ${bound.toFixed(0)} ms`,
    );
    assert.equal((await fetch(`${world.hail.url}/healthz`, { signal: AbortSignal.timeout(5000) })).status, 200);

    const deadline = Date.now() + 60_000;
    while (resumed === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(resumed >= 1, 'the last resume still completes');
    flooder.close();
  } finally {
    await world.dispose();
  }
});

test('a socket sending faster than its frame budget is closed with 1008', async () => {
  const world = await startWorld();
  try {
    const socket = await world.admin.socket();
    for (let index = 0; index < 1000; index += 1) socket.send({ type: 'ping' });
    await socket.until(() => socket.closed, 10_000);
    assert.equal(socket.closed!.code, 1008);
    const pongs = socket.frames.filter((frame) => frame.type === 'pong').length;
    assert.ok(pongs >= 50 && pongs < 1000, `${pongs} pongs before the close`);
    const again = await world.admin.socket();
    await again.resume(0);
    await again.close();
  } finally {
    await world.dispose();
  }
});

/** Opens sockets until one is closed at once; returns how many stayed open and the close. */
async function openUntilRefused(open: () => Promise<import('./helpers/server.js').Socket>, most: number) {
  const sockets = [];
  try {
    for (let index = 0; index < most; index += 1) {
      const socket = await open();
      await socket.until((frames) => socket.closed || frames.some((frame) => frame.type === 'hello'), 5000);
      if (socket.closed) return { accepted: sockets.length, closed: socket.closed };
      sockets.push(socket);
    }
    return { accepted: sockets.length, closed: undefined };
  } finally {
    await Promise.all(sockets.map((socket) => socket.close()));
  }
}

test('one account cannot hold a thousand sockets: past the cap the next is closed with 4003', { timeout: 120_000 }, async () => {
  const world = await startWorld();
  try {
    const { accepted, closed } = await openUntilRefused(() => world.admin.socket(), 1001);
    assert.ok(accepted < 1001, 'the 1,001st socket was accepted');
    assert.equal(accepted, 32, 'the default cap');
    assert.deepEqual(closed, { code: 4003, reason: 'too many connections for this account' });
    const after = await world.admin.socket(); // the caps count open sockets: closing frees a place
    await after.resume(0);
    await after.close();
  } finally {
    await world.dispose();
  }
});

test('one address cannot hold more sockets than its cap, whoever logs in', async () => {
  const world = await startWorld({ env: { HAIL_SOCKETS_PER_ADDRESS: '5' } });
  try {
    const bosun = await world.join('bosun');
    const sockets = [await world.admin.socket(), await world.admin.socket(), await world.admin.socket()];
    const { accepted, closed } = await openUntilRefused(() => bosun.client.socket(), 10);
    assert.equal(accepted, 2);
    assert.deepEqual(closed, { code: 4003, reason: 'too many connections from this address' });
    await Promise.all(sockets.map((socket) => socket.close()));
  } finally {
    await world.dispose();
  }
});
