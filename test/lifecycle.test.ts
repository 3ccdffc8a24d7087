/**
 * Starting and stopping the box. systemd stops it with SIGTERM (on shutdown, on upgrade) and
 * waits 10 s before SIGKILL: the server must stop accepting, finish the writes it took, close
 * the sockets with a reason, close the database, and be gone within 5 s. And a box that cannot
 * start (its port taken, its data directory not its own) says why in one line, exits with the
 * status systemd does not restart, and leaves the data as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { runHail } from './helpers/cli.js';
import { Client, newDataDir, removeDataDir, startHail } from './helpers/server.js';
import { startWorld } from './helpers/world.js';

const EXIT_CONFIG = 78;
const NOBODY = 65534;

function assertOneClearLine(stderr: string, ...mentions: string[]): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at |Error:/);
  for (const mention of mentions) assert.ok(lines[0]!.includes(mention), `"${lines[0]}" should mention ${mention}`);
}

/** Names, sizes and modification times of everything in a directory: what "untouched" means. */
const snapshot = (dir: string) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .sort()
    .map((name) => {
      const stats = statSync(join(dir, name));
      return `${name} ${stats.size} ${stats.mtimeMs}`;
    });

test('/healthz answers while the server runs', async () => {
  const hail = await startHail();
  try {
    const response = await new Client(hail.url).get('/healthz');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { ok: true });
  } finally {
    await hail.stop();
    removeDataDir(hail.dataDir);
  }
});

test('the log tells a person which address to open, and that address answers with the app', async () => {
  const hail = await startHail();
  try {
    const entry = hail.logs
      .map((line) => (line.startsWith('{') ? (JSON.parse(line) as { msg?: string; urls?: string[] }) : {}))
      .find((candidate) => candidate.msg?.startsWith('Open '));
    assert.deepEqual(entry?.urls, [`http://127.0.0.1:${hail.port}/`]);
    assert.match(entry!.msg!, new RegExp(`^Open http://127\\.0\\.0\\.1:${hail.port}/ in a browser`));
    const page = await fetch(entry!.urls![0]!);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="app">/);
  } finally {
    await hail.stop();
    removeDataDir(hail.dataDir);
  }
});

test(
  'SIGTERM under write load: every acknowledged post is kept, sockets close with 1001, the process is gone within 5 s',
  { timeout: 90000 },
  async () => {
    const world = await startWorld({ env: { HAIL_POSTS_PER_SECOND: '100000', HAIL_POST_BURST: '100000' } });
    const { hail } = world;
    try {
      const sockets = await Promise.all([world.admin.socket(), world.admin.socket()]);
      for (const socket of sockets) await socket.resume(0);
      const acknowledged: string[] = [];
      let stopping = false;
      const lane = async () => {
        while (!stopping) {
          const id = uuidv7();
          try {
            const response = await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, {
              id,
              message: `before the shutdown ${id}`,
            });
            if (response.status === 201 || response.status === 200) acknowledged.push(id);
          } catch {
            return; // the connection went away with the server
          }
        }
      };
      const lanes = Array.from({ length: 6 }, lane);
      // Load, not a time: on a busy machine 700 ms may hold only a handful of posts.
      const loading = performance.now();
      while (acknowledged.length <= 20 && performance.now() - loading < 30_000) await new Promise((wait) => setTimeout(wait, 50));
      const started = performance.now();
      const code = await hail.stop();
      const elapsed = performance.now() - started;
      stopping = true;
      await Promise.all(lanes);
      process.stdout.write(`# SIGTERM to exit: ${elapsed.toFixed(0)} ms, ${acknowledged.length} posts acknowledged before\n`);
      assert.equal(code, 0, hail.logs.join('\n'));
      assert.ok(elapsed < 5000, `took ${elapsed} ms`);
      assert.ok(acknowledged.length > 20, `only ${acknowledged.length} posts were written`);
      for (const socket of sockets) {
        await socket.until(() => socket.closed);
        assert.deepEqual(socket.closed, { code: 1001, reason: 'server shutting down' });
      }
      const db = new Database(join(hail.dataDir, 'hail.db'));
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        const stored = new Set((db.prepare('SELECT id FROM posts').all() as { id: string }[]).map((row) => row.id));
        assert.deepEqual(
          acknowledged.filter((id) => !stored.has(id)),
          [],
        );
      } finally {
        db.close();
      }
    } finally {
      await hail.kill();
      removeDataDir(hail.dataDir);
    }
  },
);

test('SIGTERM under write load: every post that was saved got its answer', { timeout: 90000 }, async (t) => {
  const world = await startWorld({ env: { HAIL_POSTS_PER_SECOND: '100000', HAIL_POST_BURST: '100000' } });
  const { hail } = world;
  try {
    const answered = new Set<string>();
    const unanswered = new Set<string>();
    let stopping = false;
    // Many lanes, so that a group commit is under way when the signal comes.
    const lane = async () => {
      while (!stopping) {
        const id = uuidv7();
        try {
          const response = await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, {
            id,
            message: `in flight ${id}`,
          });
          if (response.status === 201 || response.status === 200) answered.add(id);
          else {
            unanswered.add(id);
            return; // 503: the server is stopping
          }
        } catch {
          unanswered.add(id);
          return; // the connection went away with the server
        }
      }
    };
    const lanes = Array.from({ length: 200 }, lane);
    await new Promise((wait) => setTimeout(wait, 700));
    const code = await hail.stop();
    stopping = true;
    await Promise.all(lanes);
    assert.equal(code, 0, hail.logs.join('\n'));
    assert.equal(unanswered.size, 200, 'every lane was cut by the stop');
    const db = new Database(join(hail.dataDir, 'hail.db'));
    try {
      const stored = new Set((db.prepare('SELECT id FROM posts').all() as { id: string }[]).map((row) => row.id));
      const savedUnanswered = [...unanswered].filter((id) => stored.has(id));
      t.diagnostic(`${answered.size} posts answered, ${unanswered.size} cut, ${savedUnanswered.length} saved but not answered`);
      assert.deepEqual(savedUnanswered, [], 'saved, but the sender never heard');
      assert.deepEqual(
        [...answered].filter((id) => !stored.has(id)),
        [],
        'answered, but not saved',
      );
    } finally {
      db.close();
    }
  } finally {
    await hail.kill();
    removeDataDir(hail.dataDir);
  }
});

test('a port already in use: one line, exit 78, nothing created', async () => {
  const first = await startHail();
  const dir = newDataDir();
  try {
    const dataDir = join(dir, 'data');
    const result = await runHail(['serve', '--host', '127.0.0.1', '--port', String(first.port), '--data-dir', dataDir]);
    assert.equal(result.code, EXIT_CONFIG, result.stderr);
    assertOneClearLine(result.stderr, `127.0.0.1:${first.port}`, 'in use');
    assert.deepEqual(readdirSync(dir), []);
    assert.equal((await new Client(first.url).get('/healthz')).status, 200, 'the first server is unharmed');
  } finally {
    await first.stop();
    removeDataDir(first.dataDir);
    removeDataDir(dir);
  }
});

test('a data directory this user may not read: one line naming it, exit 78, its files untouched', async () => {
  const hail = await startHail();
  await hail.stop();
  const dataDir = hail.dataDir;
  try {
    chmodSync(dataDir, 0o700);
    const before = snapshot(dataDir);
    const result = await runHail(['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir], 30000, {
      uid: NOBODY,
      gid: NOBODY,
    });
    assert.equal(result.code, EXIT_CONFIG, result.stderr);
    assertOneClearLine(result.stderr, dataDir, 'not readable and writable', `uid ${NOBODY}`);
    assert.deepEqual(snapshot(dataDir), before);
  } finally {
    removeDataDir(dataDir);
  }
});

test('a data directory that is a file: one line, exit 78, the file untouched', async () => {
  const dir = newDataDir();
  try {
    const notADirectory = join(dir, 'data');
    writeFileSync(notADirectory, 'my notes\n');
    mkdirSync(join(dir, 'other'));
    const before = snapshot(dir);
    const result = await runHail(['serve', '--port', '0', '--data-dir', notADirectory]);
    assert.equal(result.code, EXIT_CONFIG, result.stderr);
    assertOneClearLine(result.stderr, notADirectory, 'not a directory');
    assert.deepEqual(snapshot(dir), before);
  } finally {
    removeDataDir(dir);
  }
});
