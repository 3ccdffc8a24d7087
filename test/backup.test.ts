/**
 * Backup and restore, end to end: backups taken (by the admin endpoint and by `hail backup`)
 * while people keep posting, restored with `hail restore` into empty directories, checked
 * with SQLite's integrity check, and served again by a new server that is a new box.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHail } from './helpers/cli.js';
import { Client, newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

const WRITERS = 3;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The restored database, read directly: what a restore wrote, before any server touches it. */
function inspect(dataDir: string) {
  const db = new Database(join(dataDir, 'hail.db'), { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      origin: (db.prepare("SELECT value FROM meta WHERE key = 'origin'").get() as { value: string }).value,
      postIds: new Set((db.prepare('SELECT id FROM posts').all() as { id: string }[]).map((row) => row.id)),
      sessions: (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

describe('backup and restore', () => {
  let world: World;
  let alice: { client: Client; id: string };
  let scratch: string;
  let channel: string;
  let fileBytes: Buffer;
  let fileHash: string;
  let originalOrigin: string;
  let originalNodeId: string;
  const archives = { endpoint: '', cli: '' };
  const ackedBefore = { endpoint: [] as string[], cli: [] as string[] };
  const restored = { endpoint: '', cli: '' };

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'hail-backup-test-'));
    world = await startWorld();
    alice = await world.join('alice');
    const status = (await world.admin.get('/api/v1/status')).body;
    [originalOrigin, originalNodeId] = [status.origin, status.nodeId];
    channel = (
      await alice.client.post('/api/v1/channels', { teamId: world.team.id, type: 'private', name: 'logbook', displayName: 'Logbook' })
    ).body.channel.id;
    fileBytes = Buffer.alloc(300_000, 'GRIB wind and waves ');
    const upload = await fetch(`${world.hail.url}/api/v1/files?name=wind.grb`, {
      method: 'POST',
      headers: { cookie: alice.client.cookie },
      body: fileBytes,
    });
    fileHash = ((await upload.json()) as { hash: string }).hash;
    const withFile = await alice.client.post(`/api/v1/channels/${channel}/posts`, {
      message: 'forecast attached',
      files: [{ hash: fileHash, name: 'wind.grb', type: 'application/octet-stream', size: fileBytes.length }],
    });
    assert.equal(withFile.status, 201, JSON.stringify(withFile.body));

    // Several writers post without pause while both backups are taken.
    const acknowledged: string[] = [withFile.body.post.id];
    let writing = true;
    const writers = Array.from({ length: WRITERS }, async (_, writer) => {
      for (let n = 0; writing; n++) {
        const sent = await alice.client.post(`/api/v1/channels/${channel}/posts`, { message: `position report ${writer}.${n}` });
        assert.equal(sent.status, 201);
        acknowledged.push(sent.body.post.id);
      }
    });
    try {
      await until(() => acknowledged.length > 60, 'writes are flowing');
      ackedBefore.endpoint = [...acknowledged];
      archives.endpoint = join(scratch, 'endpoint.tar');
      const response = await fetch(`${world.hail.url}/api/v1/admin/backup`, { headers: { cookie: world.admin.cookie } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/x-tar');
      writeFileSync(archives.endpoint, Buffer.from(await response.arrayBuffer()));

      const afterFirst = acknowledged.length;
      await until(() => acknowledged.length > afterFirst + 60, 'more writes have been acknowledged');
      ackedBefore.cli = [...acknowledged];
      archives.cli = join(scratch, 'cli.tar');
      const cli = await runHail(['backup', archives.cli, '--data-dir', world.hail.dataDir]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /wrote .*cli\.tar/);
      await until(() => acknowledged.length > ackedBefore.cli.length + 20, 'writes go on after the backups');
    } finally {
      writing = false;
      await Promise.all(writers);
    }
  });

  after(async () => {
    await world.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('a backup leaves no copy of the database behind, in the data directory or beside the archive', () => {
    assert.deepEqual(readdirSync(join(world.hail.dataDir, 'files', 'tmp')), []);
    assert.deepEqual(readdirSync(scratch).sort(), ['cli.tar', 'endpoint.tar']);
  });

  for (const kind of ['endpoint', 'cli'] as const) {
    test(`a backup by ${kind === 'cli' ? 'hail backup' : 'the admin endpoint'} restores to a sound database holding every message acknowledged before it began, under a new origin`, async () => {
      restored[kind] = join(scratch, `restored-${kind}`);
      const result = await runHail(['restore', archives[kind], '--data-dir', restored[kind]]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /restored .* 1 files, as a new box/);
      const database = inspect(restored[kind]);
      assert.equal(database.integrity, 'ok');
      const missing = ackedBefore[kind].filter((id) => !database.postIds.has(id));
      assert.deepEqual(missing, [], `${missing.length} acknowledged posts are missing`);
      assert.notEqual(database.origin, originalOrigin);
      assert.match(database.origin, /^[0-9a-f]{32}$/);
      assert.equal(database.sessions, 0, 'sessions do not travel');
      assert.ok(!existsSync(join(restored[kind], 'node.key')), 'the node key does not travel');
      assert.deepEqual(readFileSync(join(restored[kind], 'files', fileHash.slice(0, 2), fileHash)), fileBytes);
    });
  }

  test('a server started on the restored directory is a new box that serves the posts and files', async () => {
    const hail: HailProcess = await startHail({ dataDir: restored.cli });
    try {
      const stale = new Client(hail.url);
      stale.cookie = alice.client.cookie;
      assert.equal((await stale.get('/api/v1/me')).status, 401, 'the old session is gone');
      const client = new Client(hail.url);
      assert.equal((await client.post('/api/v1/auth/login', { username: 'alice', password: 'password of alice' })).status, 200);
      const messages: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await client.get(`/api/v1/channels/${channel}/posts?limit=200${before ? `&before=${before}` : ''}`);
        assert.equal(page.status, 200);
        messages.unshift(...page.body.posts.map((post: { message: string }) => post.message));
        if (!page.body.hasMore) break;
        before = page.body.posts[0].id;
      }
      assert.equal(messages[0], 'forecast attached');
      assert.ok(messages.length >= ackedBefore.cli.length);
      const file = await fetch(`${hail.url}/api/v1/files/${fileHash}`, { headers: { cookie: client.cookie } });
      assert.equal(file.status, 200);
      assert.deepEqual(Buffer.from(await file.arrayBuffer()), fileBytes);
      const admin = new Client(hail.url);
      await admin.post('/api/v1/auth/login', { username: 'admin', password: 'correct horse battery' });
      const status = (await admin.get('/api/v1/status')).body;
      assert.notEqual(status.origin, originalOrigin);
      assert.notEqual(status.nodeId, originalNodeId, 'a new node key was made');
      assert.equal(
        (await client.get('/api/v1/me')).body.origin,
        status.origin,
        'people see the new origin too: their browsers drop what they cached from the old database',
      );
      const posted = await client.post(`/api/v1/channels/${channel}/posts`, { message: 'back in business' });
      assert.equal(posted.status, 201, 'the restored box writes under its own origin');
    } finally {
      await hail.stop();
    }
  });

  test('restore refuses a directory that is not empty, and changes nothing in it', async () => {
    const before = readdirSync(world.hail.dataDir).sort();
    const result = await runHail(['restore', archives.cli, '--data-dir', world.hail.dataDir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /is not empty; restore only into an empty or new directory/);
    assert.deepEqual(readdirSync(world.hail.dataDir).sort(), before);
  });

  test('a cut-short archive is refused and leaves the directory empty', async () => {
    const archive = readFileSync(archives.cli);
    const cut = join(scratch, 'cut.tar');
    writeFileSync(cut, archive.subarray(0, Math.floor(archive.length / 2)));
    const target = newDataDir();
    try {
      const result = await runHail(['restore', cut, '--data-dir', target]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /The backup cannot be restored: .*Nothing was restored/);
      assert.deepEqual(readdirSync(target), []);
    } finally {
      removeDataDir(target);
      rmSync(cut);
    }
  });

  test('an archive whose file does not match its hash is refused', async () => {
    const archive = Buffer.from(readFileSync(archives.cli));
    const at = archive.indexOf(fileBytes.subarray(0, 64));
    assert.ok(at > 0);
    archive[at + 10] = 0x21;
    const tampered = join(scratch, 'tampered.tar');
    writeFileSync(tampered, archive);
    const target = join(scratch, 'never');
    try {
      const result = await runHail(['restore', tampered, '--data-dir', target]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /does not match its hash/);
      assert.deepEqual(readdirSync(target), []);
    } finally {
      rmSync(target, { recursive: true, force: true });
      rmSync(tampered);
    }
  });

  test('something that is not a Hail backup is refused', async () => {
    const bogus = join(scratch, 'bogus.tar');
    writeFileSync(bogus, 'this is not a tar archive at all'.repeat(40));
    const target = join(scratch, 'bogus-target');
    try {
      const result = await runHail(['restore', bogus, '--data-dir', target]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /The backup cannot be restored/);
    } finally {
      rmSync(target, { recursive: true, force: true });
      rmSync(bogus);
    }
  });

  test('hail backup says so when the directory holds no database', async () => {
    const empty = newDataDir();
    try {
      const result = await runHail(['backup', join(scratch, 'nothing.tar'), '--data-dir', empty]);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /no Hail database/);
      assert.ok(!existsSync(join(scratch, 'nothing.tar')));
    } finally {
      removeDataDir(empty);
    }
  });

  test('only an administrator can download a backup', async () => {
    const response = await alice.client.get('/api/v1/admin/backup');
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'admin_only');
  });
});
