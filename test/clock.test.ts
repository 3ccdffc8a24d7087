/**
 * A Pi boots offline without a battery clock and believes it is years ago. The phones of the
 * crew know the time: once three of them agree, the box uses their time, orders and shows posts
 * correctly, and says "clock suspect" in its status and in `doctor`. A right clock is never
 * moved by phones, a wrong one only by a bounded step, and a step of the system clock changes
 * no rate limit and ends no session.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import Database from 'better-sqlite3';
import { BoxTime, MAX_CLIENT_LEAD_MS } from '../src/core/box-time.js';
import { encodeHlc } from '../src/core/hlc.js';
import { runHail } from './helpers/cli.js';
import { Client, newDataDir, removeDataDir, startHail } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

const REAL = Date.UTC(2026, 5, 1, 12);
const YEAR = 365 * 24 * 3600_000;
const MINUTE = 60_000;

const BUILT = REAL - 30 * 24 * 3600_000;
const Y2199 = Date.UTC(2199, 0, 1);

/** A BoxTime whose system clock reads `systemMs`, built a month before REAL, whose monotonic clock stands still. */
const boxAt = (systemMs: number, newestMs = 0) =>
  new BoxTime({ systemClock: () => systemMs, monotonic: () => 1000, builtAtMs: BUILT, newestMs: () => newestMs });

test('a clock behind the build date: two users alone cannot move the time; three that agree can', () => {
  const box = boxAt(REAL - 20 * YEAR);
  box.hear('alice', REAL);
  box.hear('alice', REAL + 5); // the same person again, from another device: still one voice
  box.hear('bob', REAL + 20_000);
  assert.equal(box.now(), BUILT, 'two users are not enough: the build date, the least the time can be');
  assert.equal(box.state(0).clientsMs, null);
  box.hear('carol', REAL + 30_000);
  assert.equal(box.now(), REAL + 20_000, 'the lower median of three');
  assert.equal(box.state(0).source, 'clients');
});

test('a liar among honest clients does not move the time; no majority gives no estimate', () => {
  const box = boxAt(REAL - 20 * YEAR);
  box.hear('alice', REAL);
  box.hear('mallory', REAL + 100 * YEAR);
  box.hear('eve', REAL + 99 * YEAR);
  assert.equal(box.now(), BUILT, 'one honest, two liars who disagree: no majority, no estimate');
  box.hear('bob', REAL + 1000);
  box.hear('carol', REAL + 2000);
  assert.ok(Math.abs(box.now() - REAL) <= MINUTE, 'three honest among five: the honest time');
});

test('a plausible system clock is never pulled forward, not even by three users who agree', () => {
  for (const claimed of [Y2199, REAL + YEAR, REAL + 3600_000]) {
    const right = boxAt(REAL, REAL);
    for (const user of ['alice', 'bob', 'carol', 'dave']) right.hear(user, claimed);
    assert.equal(right.now(), REAL, new Date(claimed).toISOString());
    assert.equal(right.state(REAL).suspect, false);
  }
  const ahead = boxAt(REAL + YEAR);
  for (const user of ['alice', 'bob', 'carol']) ahead.hear(user, REAL);
  assert.equal(ahead.now(), REAL + YEAR, 'a clock ahead is left alone: the hybrid clock keeps order');
  const behind = boxAt(0);
  for (const user of ['alice', 'bob', 'carol']) behind.hear(user, 1000 * Number(user.length));
  assert.equal(behind.state(0).reporters, 0, 'clocks from before 2025 are not heard');
});

test('three accounts that agree on 2199 move a clearly wrong clock by a bounded step only', () => {
  const box = boxAt(REAL - 20 * YEAR);
  for (const user of ['mallory', 'eve', 'trudy']) box.hear(user, Y2199);
  assert.equal(box.now(), BUILT + MAX_CLIENT_LEAD_MS, 'at most a year past the build date');
});

test('a hybrid clock poisoned at 2199 does not make a right system clock look wrong', () => {
  const box = boxAt(REAL, Y2199);
  for (const user of ['mallory', 'eve', 'trudy']) box.hear(user, Y2199);
  assert.equal(box.state(Y2199).suspect, false);
  assert.equal(box.now(), REAL);
  assert.equal(box.beyondReach(Y2199), true);
  assert.equal(box.beyondReach(REAL + MINUTE), false);
});

test('a system clock behind the newest time the box holds is clearly wrong; a few minutes behind is not', () => {
  const lagging = boxAt(REAL - 3 * 3600_000, REAL);
  for (const user of ['alice', 'bob', 'carol']) lagging.hear(user, REAL);
  assert.equal(lagging.now(), REAL, "three hours behind the box's own ops: the users' time");
  const close = boxAt(REAL - 5 * MINUTE, REAL);
  for (const user of ['alice', 'bob', 'carol']) close.hear(user, REAL);
  assert.equal(close.now(), REAL - 5 * MINUTE, 'within the lead an op may have: the system clock stays');
});

test("the learned time moves with the monotonic clock, and each forward step is announced once, also the system clock's own", () => {
  let monotonic = 0;
  let system = REAL - 20 * YEAR;
  const box = new BoxTime({ systemClock: () => system, monotonic: () => monotonic, builtAtMs: BUILT });
  const jumps: number[] = [];
  box.onJump((delta) => jumps.push(delta));
  box.now();
  for (const user of ['alice', 'bob', 'carol']) box.hear(user, REAL);
  monotonic += 5000;
  system += 5000;
  assert.equal(box.now(), REAL + 5000);
  box.hear('dave', REAL + 5000);
  assert.deepEqual(jumps, [REAL - BUILT], "from the build date (its floor) to the clients' time");
  system = REAL + 5000 + YEAR; // NTP arrives with a time past the clients' (the system clock is now plausible)
  box.now();
  system -= 3600_000; // and steps back an hour: nothing to announce
  box.now();
  assert.deepEqual(jumps, [REAL - BUILT, YEAR]);
});

test('a box booted at 1970 with nobody to ask takes its build date as now, not 1970', () => {
  const box = boxAt(0);
  assert.equal(box.now(), BUILT);
  assert.equal(box.state(0).source, 'build');
  assert.equal(box.state(0).suspect, true);
});

test('a paired box that reports its clock corrects a clearly wrong clock alone, by a bounded step, and never a plausible one', () => {
  const wrong = boxAt(0, REAL - 5 * MINUTE);
  wrong.hearPeer('shore', REAL);
  assert.equal(wrong.now(), REAL, 'one paired box suffices: it is pinned and run by the fleet');
  assert.equal(wrong.state(0).source, 'peers');
  const far = boxAt(0);
  far.hearPeer('liar', Y2199);
  assert.equal(far.now(), BUILT + MAX_CLIENT_LEAD_MS, 'at most a year past the build date');
  const right = boxAt(REAL, REAL);
  right.hearPeer('shore', REAL + YEAR);
  assert.equal(right.now(), REAL, 'a plausible clock is left alone');
});

/** Makes a server's system clock run `offsetMs` off (negative: behind), like a Pi without a battery clock. */
function clockOffsetEnv(dir: string, offsetMs: number): Record<string, string> {
  const preload = join(dir, 'clock-offset.mjs');
  writeFileSync(preload, `const realNow = Date.now;\nDate.now = () => realNow() + ${offsetMs};\n`);
  return { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` };
}

/**
 * Like clockOffsetEnv, but the offset can be changed while the server runs (`step`): what NTP,
 * GPS or `date -s` do to a running box. The monotonic clock is untouched, as a real step leaves it.
 */
function steppableClock(dir: string, offsetMs: number) {
  const offsetFile = join(dir, 'clock-offset');
  const preload = join(dir, 'clock-step.mjs');
  writeFileSync(offsetFile, String(offsetMs));
  writeFileSync(
    preload,
    `import { readFileSync } from 'node:fs';\nconst realNow = Date.now;\nlet offset = Number(readFileSync(${JSON.stringify(offsetFile)}, 'utf8'));\n` +
      `Date.now = () => realNow() + offset;\nprocess.on('SIGUSR2', () => { offset = Number(readFileSync(${JSON.stringify(offsetFile)}, 'utf8')); });\n`,
  );
  return {
    env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` },
    async step(world: World, toOffsetMs: number) {
      writeFileSync(offsetFile, String(toOffsetMs));
      world.hail.child.kill('SIGUSR2');
      for (;;) {
        const { status, body } = await world.admin.get('/api/v1/status');
        assert.equal(status, 200, `the admin's session ended with the step: ${JSON.stringify(body)}`);
        if (Math.abs(body.clock.systemMs - (Date.now() + toOffsetMs)) < 5000) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/** Each client tells the box its clock reads `ms`, and waits until the box has handled it. */
async function tell(clients: Client[], ms: number): Promise<void> {
  for (const client of clients) {
    const socket = await client.socket();
    socket.send({ type: 'clock', now: ms });
    await socket.resume(0); // frames are handled in order: the clock frame has been heard
    await socket.close();
  }
}

const post = (client: Client, channelId: string, message: string) =>
  client.post(`/api/v1/channels/${channelId}/posts`, { id: uuidv7(), message });

test(
  'a box that booted years behind takes the time three users agree on, stamps posts with it, and keeps sessions',
  { timeout: 60000 },
  async () => {
    const dir = newDataDir();
    const world = await startWorld({ env: clockOffsetEnv(dir, -20 * YEAR) });
    try {
      const status = async () => (await world.admin.get('/api/v1/status')).body.clock;
      const before = await status();
      assert.equal(before.source, 'build', 'behind the build date: the build date is the least the time can be');
      assert.equal(before.suspect, true, 'behind the build date');
      assert.ok(Date.now() - before.systemMs > 19 * YEAR);

      const bosun = await world.join('bosun');
      const cook = await world.join('cook');
      await tell([world.admin, bosun.client], Date.now());
      assert.equal((await status()).clientsMs, null, 'two users are not enough');

      await tell([cook.client], Date.now());
      const after = await status();
      assert.equal(after.source, 'clients', JSON.stringify(after));
      assert.equal(after.reporters, 3);
      assert.ok(Math.abs(after.nowMs - Date.now()) < 5000, JSON.stringify(after));

      const posted = await post(world.admin, world.team.defaultChannelId, 'what time is it?');
      assert.equal(posted.status, 201);
      assert.ok(
        Math.abs(posted.body.post.createdAt - Date.now()) < 5000,
        `post stamped ${new Date(posted.body.post.createdAt).toISOString()}`,
      );
      assert.equal((await bosun.client.get('/api/v1/me')).status, 200, 'sessions made under the wrong clock did not expire');
    } finally {
      await world.dispose();
      removeDataDir(dir);
    }
  },
);

test(
  'the 2199 attack: a member and a guest, then three accounts, claiming 2199 leave a right clock alone, also after a restart',
  { timeout: 60000 },
  async () => {
    const world = await startWorld();
    try {
      const member = await world.join('mallory');
      const guest = await world.join('eve', 'guest');
      const year = (ms: number) => new Date(ms).getUTCFullYear();
      const check = async (client: Client, what: string) => {
        const clock = (await client.get('/api/v1/status')).body.clock;
        assert.ok(Math.abs(clock.nowMs - Date.now()) < 5000, `${what}: ${JSON.stringify(clock)}`);
        assert.equal(clock.source, 'system', what);
        const posted = await post(client, world.team.defaultChannelId, what);
        assert.equal(posted.status, 201, JSON.stringify(posted.body));
        assert.ok(
          Math.abs(posted.body.post.createdAt - Date.now()) < 5000,
          `${what}: stamped ${new Date(posted.body.post.createdAt).toISOString()}`,
        );
        assert.ok(year(clock.hlcMs) < 2100, `${what}: the hybrid clock reads ${new Date(clock.hlcMs).toISOString()}`);
        const invite = await client.post('/api/v1/invites', { teamId: world.team.id, role: 'member', maxUses: 1, expiresInHours: 1 });
        assert.equal(invite.status, 201, JSON.stringify(invite.body));
        assert.ok(
          Math.abs(invite.body.invite.expiresAt - (Date.now() + 3600_000)) < 5000,
          `${what}: invite expires ${JSON.stringify(invite.body.invite)}`,
        );
      };
      await tell([member.client, guest.client], Date.UTC(2199, 0, 1));
      await check(world.admin, 'a member and a guest');
      await tell([world.admin], Date.UTC(2199, 0, 1));
      await check(world.admin, 'three accounts');

      await world.stop();
      const again = await startHail({ dataDir: world.hail.dataDir });
      try {
        const admin = new Client(again.url);
        admin.cookie = world.admin.cookie;
        const clock = (await admin.get('/api/v1/status')).body.clock;
        assert.ok(year(clock.hlcMs) < 2100 && Math.abs(clock.nowMs - Date.now()) < 5000, `after a restart: ${JSON.stringify(clock)}`);
      } finally {
        await again.stop();
      }
    } finally {
      await world.dispose();
    }
  },
);

test('three accounts claiming 2199 move a box that booted 20 years behind by a bounded step only', { timeout: 60000 }, async () => {
  const dir = newDataDir();
  const world = await startWorld({ env: clockOffsetEnv(dir, -20 * YEAR) });
  try {
    const member = await world.join('mallory');
    const guest = await world.join('eve', 'guest');
    await tell([world.admin, member.client, guest.client], Date.UTC(2199, 0, 1));
    const clock = (await world.admin.get('/api/v1/status')).body.clock;
    assert.equal(clock.source, 'clients');
    assert.ok(clock.nowMs <= Date.now() + MAX_CLIENT_LEAD_MS, `moved to ${new Date(clock.nowMs).toISOString()}`);
    const posted = await post(world.admin, world.team.defaultChannelId, 'when am I?');
    assert.ok(
      posted.body.post.createdAt <= Date.now() + MAX_CLIENT_LEAD_MS,
      `stamped ${new Date(posted.body.post.createdAt).toISOString()}`,
    );
  } finally {
    await world.dispose();
    removeDataDir(dir);
  }
});

test(
  'a box poisoned before these rules (its hybrid clock at 2199) says so at start, and phones cannot move its right clock',
  { timeout: 60000 },
  async () => {
    const world = await startWorld();
    try {
      const member = await world.join('mallory');
      const guest = await world.join('eve', 'guest');
      await world.stop();
      const db = new Database(join(world.hail.dataDir, 'hail.db'));
      db.prepare("UPDATE meta SET value = ? WHERE key = 'hlc'").run(encodeHlc({ ms: Date.UTC(2199, 0, 1), counter: 0 }));
      db.close();
      const again = await startHail({ dataDir: world.hail.dataDir });
      try {
        assert.ok(
          again.logs.some((line) => line.includes('the hybrid clock is far ahead of the system clock')),
          again.logs.join('\n'),
        );
        const clients = [world.admin, member.client, guest.client].map((client) =>
          Object.assign(new Client(again.url), { cookie: client.cookie }),
        );
        await tell(clients, Date.UTC(2199, 0, 1));
        const clock = (await clients[0]!.get('/api/v1/status')).body.clock;
        assert.equal(clock.suspect, false, JSON.stringify(clock));
        assert.ok(Math.abs(clock.nowMs - Date.now()) < 5000, JSON.stringify(clock));
      } finally {
        await again.stop();
      }
    } finally {
      removeDataDir(world.hail.dataDir);
    }
  },
);

test(
  'rate limits run on the monotonic clock: a step back of an hour refuses no one, a step forward refills nothing',
  { timeout: 60000 },
  async () => {
    const dir = newDataDir();
    const clock = steppableClock(dir, 0);
    const world = await startWorld({ env: { ...clock.env, HAIL_POSTS_PER_SECOND: '0.01', HAIL_POST_BURST: '3' } });
    try {
      const channel = world.team.defaultChannelId;
      assert.equal((await post(world.admin, channel, 'one')).status, 201);
      await clock.step(world, -3600_000); // NTP corrects a clock that ran an hour fast
      assert.equal((await post(world.admin, channel, 'two, after the step back')).status, 201);
      assert.equal((await post(world.admin, channel, 'three')).status, 201);
      const refused = await post(world.admin, channel, 'four: past the burst');
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) <= 100, `Retry-After ${refused.headers.get('retry-after')}`);
      await clock.step(world, 2 * 3600_000);
      assert.equal((await post(world.admin, channel, 'five: a clock step is not time passing')).status, 429);
    } finally {
      await world.dispose();
      removeDataDir(dir);
    }
  },
);

test('a login made while the clock was 20 years behind survives the system clock being set right', { timeout: 60000 }, async () => {
  const dir = newDataDir();
  const clock = steppableClock(dir, -20 * YEAR);
  const world = await startWorld({ env: clock.env });
  try {
    const bosun = await world.join('bosun');
    assert.equal((await bosun.client.get('/api/v1/me')).status, 200);
    await clock.step(world, 0);
    assert.equal((await bosun.client.get('/api/v1/me')).status, 200, 'the session made under the wrong clock did not expire');
  } finally {
    await world.dispose();
    removeDataDir(dir);
  }
});

test('doctor says "clock suspect" when the system clock is behind the time this box last saved', { timeout: 60000 }, async () => {
  const dir = newDataDir();
  const world = await startWorld();
  try {
    await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, {
      id: uuidv7(),
      message: 'stamped with the right time',
    });
    await world.stop();
    const behind = await runHail(['doctor', '--data-dir', world.hail.dataDir, '--port', '0'], 30000, {
      env: clockOffsetEnv(dir, -2 * YEAR),
    });
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

test(
  "a boat that booted 20 years behind takes the time of the shore it syncs with, and its posts sort after the shore's",
  { timeout: 90_000 },
  async () => {
    const dir = newDataDir();
    const shore = await startWorld({ env: { HAIL_BOX_NAME: 'shore' } });
    const boatDir = newDataDir();
    const env = { ...clockOffsetEnv(dir, -20 * YEAR), HAIL_BOX_NAME: 'boat' };
    const boat = await startHail({ dataDir: boatDir, env });
    try {
      const earlier = await post(shore.admin, shore.team.defaultChannelId, 'from the shore, first');
      assert.equal(earlier.status, 201);
      const invite = await shore.admin.post('/api/v1/peers/invites', {});
      const added = await runHail(['peer', 'add', invite.body.invitation, '--data-dir', boatDir], 30_000, { env });
      assert.equal(added.code, 0, added.stderr);
      let onBoat: Client | undefined;
      for (const deadline = Date.now() + 30_000; !onBoat && Date.now() < deadline; await new Promise((done) => setTimeout(done, 200))) {
        const client = new Client(boat.url);
        if ((await client.post('/api/v1/auth/login', { username: 'admin', password: 'correct horse battery' })).status === 200)
          onBoat = client;
      }
      assert.ok(onBoat, 'the shore admin logs in on the boat once the history arrived');
      const clock = (await onBoat.get('/api/v1/status')).body.clock;
      assert.equal(clock.source, 'peers', JSON.stringify(clock));
      assert.ok(Math.abs(clock.nowMs - Date.now()) < 10_000, JSON.stringify(clock));
      const later = await post(onBoat, shore.team.defaultChannelId, 'from the boat, after');
      assert.equal(later.status, 201);
      assert.ok(later.body.post.createdAt > earlier.body.post.createdAt, "the boat's post is stamped after what it received");
    } finally {
      await boat.stop();
      removeDataDir(boatDir);
      await shore.dispose();
      removeDataDir(dir);
    }
  },
);
