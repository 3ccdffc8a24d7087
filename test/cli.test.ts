/**
 * The `hail` command at the box: the setup code, invite links and password resets made at the
 * console, and `doctor`. Commands that change state commit through the same write path as the
 * server, while it runs, without ever taking an (origin, seq) twice or losing an op.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { runHail } from './helpers/cli.js';
import { Client, newDataDir, removeDataDir, startHail } from './helpers/server.js';
import { startWorld } from './helpers/world.js';

const EXIT_CONFIG = 78;

const inviteToken = (stdout: string): string => /\/invite\/([A-Za-z0-9_-]{43})/.exec(stdout)![1]!;

test('setup-code show prints the code the server made; renew replaces it, and only the new one works', async () => {
  const hail = await startHail();
  try {
    const shown = await runHail(['setup-code', 'show', '--data-dir', hail.dataDir]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.stdout.split('\n')[0], hail.setupCode());
    const old = hail.setupCode();
    const renewed = await runHail(['setup-code', 'renew', '--data-dir', hail.dataDir]);
    assert.equal(renewed.code, 0, renewed.stderr);
    const fresh = renewed.stdout.split('\n')[0]!;
    assert.match(fresh, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.notEqual(fresh, old);
    const setup = (code: string) =>
      new Client(hail.url).post('/api/v1/setup', {
        code,
        username: 'skipper',
        password: 'a long password',
        displayName: 'Skipper',
        teamName: 'crew',
        teamDisplayName: 'Crew',
      });
    assert.equal((await setup(old)).status, 403);
    assert.equal((await setup(fresh)).status, 201);
    const after = await runHail(['setup-code', 'show', '--data-dir', hail.dataDir]);
    assert.equal(after.code, EXIT_CONFIG);
    assert.match(after.stderr, /already has its administrator/);
  } finally {
    await hail.stop();
    removeDataDir(hail.dataDir);
  }
});

test('invite create makes a link that registers a new crew member while the server runs', async () => {
  const world = await startWorld();
  try {
    const made = await runHail(['invite', 'create', '--data-dir', world.hail.dataDir, '--max-uses', '1', '--role', 'guest']);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /Invite to The Crew as guest \(never expires, 1 use\)/);
    const token = inviteToken(made.stdout);
    const register = (username: string) =>
      new Client(world.hail.url).post('/api/v1/register', { token, username, password: 'password of ' + username, displayName: username });
    const first = await register('deckhand');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.user.role, 'guest');
    assert.equal((await register('stowaway')).status, 403, 'the link was for one use');
    const listed = await world.admin.get('/api/v1/invites');
    assert.equal(listed.body.invites[0].createdBy, (await world.admin.get('/api/v1/me')).body.user.id);
  } finally {
    await world.dispose();
  }
});

test('invite create refuses a wrong role, an unknown team and a missing database, in one line each', async () => {
  const world = await startWorld();
  const empty = newDataDir();
  try {
    const wrongRole = await runHail(['invite', 'create', '--data-dir', world.hail.dataDir, '--role', 'captain']);
    assert.equal(wrongRole.code, EXIT_CONFIG);
    assert.match(wrongRole.stderr, /^hail: --role: must be one of member, guest, admin/);
    const wrongTeam = await runHail(['invite', 'create', '--data-dir', world.hail.dataDir, '--team', 'pirates']);
    assert.equal(wrongTeam.code, EXIT_CONFIG);
    assert.match(wrongTeam.stderr, /there is no team "pirates"; teams: crew/);
    const nowhere = await runHail(['invite', 'create', '--data-dir', empty]);
    assert.equal(nowhere.code, EXIT_CONFIG);
    assert.match(nowhere.stderr, /there is no Hail database in/);
    assert.equal(existsSync(join(empty, 'hail.db')), false, 'no stray database is made');
  } finally {
    await world.dispose();
    removeDataDir(empty);
  }
});

test('a mistyped flag is refused by every command, in one line, before it touches any data directory', async () => {
  const dataDir = newDataDir();
  try {
    // Were --data-dri ignored, these would work on HAIL_DATA_DIR (the commands' default here).
    for (const args of [
      ['admin', 'reset-password', 'bob', '--data-dri', '/elsewhere'],
      ['rebuild', '--verfy'],
      ['invite', 'create', '--max-use', '3'],
      ['restore', 'box.tar', '--data-dri', '/elsewhere'],
    ]) {
      const result = await runHail(args, 30000, { env: { HAIL_DATA_DIR: dataDir } });
      assert.equal(result.code, EXIT_CONFIG, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^hail: unknown option --(data-dri|verfy|max-use); see hail help for the settings\n$/);
      assert.deepEqual(readdirSync(dataDir), [], `${args.join(' ')} left the data directory alone`);
    }
  } finally {
    removeDataDir(dataDir);
  }
});

test('rebuild pointed at a directory with no database says so in one line and leaves no database there', async () => {
  const empty = newDataDir();
  try {
    for (const args of [['rebuild'], ['rebuild', '--verify']]) {
      const result = await runHail([...args, '--data-dir', empty]);
      assert.equal(result.code, EXIT_CONFIG, result.stderr);
      assert.match(result.stderr, /^hail: there is no Hail database in /);
      assert.deepEqual(readdirSync(empty), [], `${args.join(' ')} made nothing`);
    }
  } finally {
    removeDataDir(empty);
  }
});

test("root may not make the setup code or the TLS keys in a data directory of the service's user, even before the first start", async () => {
  const parent = newDataDir();
  try {
    chownSync(parent, 1000, 1000);
    const dataDir = join(parent, 'data');
    for (const args of [
      ['setup-code', 'show'],
      ['tls', 'init'],
    ]) {
      const result = await runHail([...args, '--data-dir', dataDir]);
      assert.equal(result.code, EXIT_CONFIG, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /belongs to uid 1000; run this as that user/);
      assert.deepEqual(readdirSync(parent), [], `${args.join(' ')} made nothing`);
    }
  } finally {
    removeDataDir(parent);
  }
});

test('admin reset-password sets a new password, the old one stops working, and the sessions end', async () => {
  const world = await startWorld();
  try {
    const reset = await runHail(['admin', 'reset-password', 'admin', '--data-dir', world.hail.dataDir]);
    assert.equal(reset.code, 0, reset.stderr);
    const password = /New password for admin: (\S+)/.exec(reset.stdout)![1]!;
    assert.equal((await world.admin.get('/api/v1/me')).status, 401, 'the old session ended');
    const login = (secret: string) => new Client(world.hail.url).post('/api/v1/auth/login', { username: 'admin', password: secret });
    assert.equal((await login('correct horse battery')).status, 401);
    assert.equal((await login(password)).status, 200);

    const chosen = await runHail(['admin', 'reset-password', 'admin', '--password-stdin', '--data-dir', world.hail.dataDir], 30000, {
      input: 'chosen at the console\n',
    });
    assert.equal(chosen.code, 0, chosen.stderr);
    assert.doesNotMatch(chosen.stdout, /chosen at the console/);
    assert.equal((await login('chosen at the console')).status, 200);

    const tooShort = await runHail(['admin', 'reset-password', 'admin', '--password-stdin', '--data-dir', world.hail.dataDir], 30000, {
      input: 'short\n',
    });
    assert.equal(tooShort.code, EXIT_CONFIG);
    assert.match(tooShort.stderr, /8 to 256 characters/);
    const nobody = await runHail(['admin', 'reset-password', 'nobody', '--data-dir', world.hail.dataDir]);
    assert.equal(nobody.code, EXIT_CONFIG);
    assert.match(nobody.stderr, /no user "nobody"/);
  } finally {
    await world.dispose();
  }
});

test(
  'the CLI writing while the server takes posts: no (origin, seq) twice, no op lost, live sockets hear both',
  { timeout: 120000 },
  async () => {
    const world = await startWorld({ env: { HAIL_POSTS_PER_SECOND: '100000', HAIL_POST_BURST: '100000' } });
    try {
      await world.join('bosun');
      const socket = await world.admin.socket();
      await socket.resume(0);
      const acknowledged: string[] = [];
      const failures: string[] = [];
      let writing = true;
      const lane = async () => {
        while (writing) {
          const id = uuidv7();
          const response = await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { id, message: `lane ${id}` });
          if (response.status === 201 || response.status === 200) acknowledged.push(id);
          else failures.push(`${response.status} ${JSON.stringify(response.body)}`);
        }
      };
      const lanes = Array.from({ length: 4 }, lane);
      const invites: string[] = [];
      for (let round = 0; round < 4; round++) {
        const made = await Promise.all([0, 1].map(() => runHail(['invite', 'create', '--data-dir', world.hail.dataDir])));
        for (const result of made) {
          assert.equal(result.code, 0, result.stderr);
          invites.push(inviteToken(result.stdout));
        }
      }
      const reset = await runHail(['admin', 'reset-password', 'bosun', '--password-stdin', '--data-dir', world.hail.dataDir], 30000, {
        input: 'a new password for the bosun\n',
      });
      assert.equal(reset.code, 0, reset.stderr);
      writing = false;
      await Promise.all(lanes);
      assert.deepEqual(failures, []);

      const db = new Database(join(world.hail.dataDir, 'hail.db'), { readonly: true });
      try {
        const origin = (db.prepare("SELECT value FROM meta WHERE key = 'origin'").get() as { value: string }).value;
        const { n, top, uniq } = db
          .prepare('SELECT count(*) AS n, max(seq) AS top, count(DISTINCT seq) AS uniq FROM ops WHERE origin = ?')
          .get(origin) as { n: number; top: number; uniq: number };
        assert.equal(n, top, 'seq is dense: 1..max with no gap');
        assert.equal(uniq, n, 'no seq twice');
        const posts = new Set((db.prepare('SELECT id FROM posts').all() as { id: string }[]).map((row) => row.id));
        assert.deepEqual(
          acknowledged.filter((id) => !posts.has(id)),
          [],
        );
        assert.equal(
          (db.prepare("SELECT count(*) AS n FROM ops WHERE type = 'invite.created'").get() as { n: number }).n,
          invites.length + 1,
          "the console's and bosun's",
        );
        const hlcs = (db.prepare('SELECT hlc FROM ops WHERE origin = ? ORDER BY seq').all(origin) as { hlc: string }[]).map(
          (row) => row.hlc,
        );
        assert.deepEqual(hlcs, [...hlcs].sort(), 'the hybrid clock only moves forward across both writers');
      } finally {
        db.close();
      }
      // The CLI's ops reach live sockets with the server's next commit, in feed order.
      await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { id: uuidv7(), message: 'after the console' });
      await socket.until(
        (frames) => frames.filter((frame) => frame.type === 'event' && frame.event.type === 'invite.created').length === invites.length + 1,
      );
      const feedSeqs = socket.events().map((frame) => frame.feedSeq);
      assert.deepEqual(
        feedSeqs,
        [...feedSeqs].sort((a, b) => a - b),
      );
      assert.equal(new Set(feedSeqs).size, feedSeqs.length);
      await socket.close();
    } finally {
      await world.dispose();
    }
  },
);

test('doctor on a healthy box: a line per check, exit 0, also while the server runs', async () => {
  const hail = await startHail();
  try {
    const result = await runHail(['doctor', '--data-dir', hail.dataDir, '--host', '127.0.0.1', '--port', String(hail.port)]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.deepEqual(
      lines.map((line) => line.split(/\s+/)[1]),
      ['glibc', 'config', 'data', 'database', 'disk', 'clock', 'port', 'sync', 'certificate'],
    );
    assert.ok(
      lines.every((line) => line.startsWith('ok ')),
      result.stdout,
    );
    assert.match(result.stdout, /served by a running Hail/);
  } finally {
    await hail.stop();
    removeDataDir(hail.dataDir);
  }
});

test('doctor fails, naming the problem, when the port is held by another program', async () => {
  const other = createServer();
  await new Promise<void>((listening) => other.listen(0, '127.0.0.1', listening));
  const port = (other.address() as { port: number }).port;
  const dir = newDataDir();
  try {
    const result = await runHail(['doctor', '--data-dir', dir, '--host', '127.0.0.1', '--port', String(port)]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, new RegExp(`^FAIL\\s+port\\s+cannot listen on 127.0.0.1:${port}: the port is in use`, 'm'));
  } finally {
    other.close();
    removeDataDir(dir);
  }
});

test('doctor checks the configured certificate: valid, not matching its key, or not a certificate', async () => {
  const dir = newDataDir();
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const certificate = (name: string, days: string) =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      days,
      '-subj',
      '/CN=boat.local',
      '-addext',
      'subjectAltName=DNS:boat.local',
    );
  try {
    certificate('good', '400');
    certificate('other', '400');
    const doctor = (cert: string, key: string) =>
      runHail(['doctor', '--data-dir', join(dir, 'data'), '--port', '0', '--tls-cert', join(dir, cert), '--tls-key', join(dir, key)]);
    const good = await doctor('good.crt', 'good.key');
    assert.equal(good.code, 0, good.stdout);
    assert.match(good.stdout, /^ok\s+certificate\s+DNS:boat.local: valid for 399 more days, and the key matches/m);
    const mismatched = await doctor('good.crt', 'other.key');
    assert.equal(mismatched.code, 1);
    assert.match(mismatched.stdout, /^FAIL\s+certificate\s+the key .*other.key does not belong to the certificate/m);
    writeFileSync(join(dir, 'garbage.crt'), 'not a certificate');
    const garbage = await doctor('garbage.crt', 'good.key');
    assert.equal(garbage.code, 1);
    assert.match(garbage.stdout, /^FAIL\s+certificate\s+cannot read the certificate/m);
    assert.ok(readFileSync(join(dir, 'good.crt'), 'utf8').includes('BEGIN CERTIFICATE'));
  } finally {
    removeDataDir(dir);
  }
});
