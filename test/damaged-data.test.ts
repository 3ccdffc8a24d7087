/**
 * Damage on disk: a node key, setup code or database that a power cut, a failing SD card or a
 * careless hand left empty or garbled. Every command names the file, says what to do, and exits
 * 78 (the unit does not loop on it); nothing is silently replaced by a new, empty box.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runHail, type CliResult } from './helpers/cli.js';
import { Client, removeDataDir, startHail } from './helpers/server.js';

const EXIT_CONFIG = 78;
const NOBODY = 65534;

/** One line on stderr, no stack trace, naming `file` and pointing at a way out. */
function assertClearRefusal(result: CliResult, file: string, ...phrases: string[]): void {
  assert.equal(result.code, EXIT_CONFIG, result.stdout + result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(lines[0]!.includes(file), `names ${file}: ${lines[0]}`);
  for (const phrase of phrases) assert.ok(lines[0]!.includes(phrase), `says "${phrase}": ${lines[0]}`);
}

/** A data directory of a box that has run once and stopped. */
async function stoppedBox(): Promise<string> {
  const hail = await startHail();
  await hail.stop();
  return hail.dataDir;
}

const serve = (dataDir: string, options = {}) =>
  runHail(['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir], 30000, options);

for (const [damage, bytes] of [
  ['empty', ''],
  ['garbage', 'not a key at all\n'],
] as const) {
  test(`node.key ${damage === 'empty' ? 'left empty' : 'overwritten with garbage'} stops the server with one line naming it, exit 78, and the key file is left as it was`, async () => {
    const dataDir = await stoppedBox();
    try {
      const keyFile = join(dataDir, 'node.key');
      writeFileSync(keyFile, bytes);
      assertClearRefusal(await serve(dataDir), keyFile, 'damaged', 'move it aside');
      assert.equal(readFileSync(keyFile, 'utf8'), bytes);
    } finally {
      removeDataDir(dataDir);
    }
  });
}

test('a garbled hail.db: serve, rebuild --verify and backup each name the file and say to restore, exit 78; doctor reports it and every other check', async () => {
  const dataDir = await stoppedBox();
  try {
    const database = join(dataDir, 'hail.db');
    rmSync(`${database}-wal`, { force: true });
    rmSync(`${database}-shm`, { force: true });
    writeFileSync(database, Buffer.alloc(64 * 1024, 'the card lost this page '));
    assertClearRefusal(await serve(dataDir), database, 'damaged', 'hail restore');
    assertClearRefusal(await runHail(['rebuild', '--verify', '--data-dir', dataDir]), database, 'damaged', 'hail restore');
    assertClearRefusal(
      await runHail(['backup', join(dataDir, '..', `${process.pid}-never.tar`), '--data-dir', dataDir]),
      database,
      'damaged',
      'hail restore',
    );
    const doctor = await runHail(['doctor', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0']);
    assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr);
    assert.equal(doctor.stderr, '', 'no stack trace');
    assert.match(doctor.stdout, new RegExp(`^FAIL\\s+database\\s+the database ${database} is damaged`, 'm'));
    assert.deepEqual(
      doctor.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[1]),
      ['glibc', 'config', 'data', 'database', 'disk', 'clock', 'port', 'sync', 'certificate'],
    );
  } finally {
    removeDataDir(dataDir);
  }
});

for (const loss of ['missing', 'empty'] as const) {
  test(`hail.db ${loss} beside the box's node.key and files: the server refuses to start a new empty box and says how to restore or start afresh`, async () => {
    const dataDir = await stoppedBox();
    try {
      const database = join(dataDir, 'hail.db');
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
      if (loss === 'empty') writeFileSync(database, '');
      const before = readdirSync(dataDir).sort();
      assertClearRefusal(await serve(dataDir), database, loss, 'hail restore', 'start afresh on purpose, move node.key and files/');
      assert.deepEqual(readdirSync(dataDir).sort(), before, 'nothing made');
      if (loss === 'empty') assert.equal(statSync(database).size, 0);
    } finally {
      removeDataDir(dataDir);
    }
  });
}

test('an empty setup-code file is replaced by a new code, which is logged and lets the first administrator in', async () => {
  const dataDir = await stoppedBox();
  writeFileSync(join(dataDir, 'setup-code'), '\n');
  const hail = await startHail({ dataDir });
  try {
    const code = hail.setupCode();
    assert.match(code, /\S{4}/);
    assert.ok(
      hail.logs.some((line) => line.includes(code)),
      'the new code is in the log',
    );
    const client = new Client(hail.url);
    const setup = (code: string) =>
      client.post('/api/v1/setup', {
        code,
        username: 'skipper',
        password: 'correct horse battery',
        displayName: 'Skipper',
        teamName: 'crew',
        teamDisplayName: 'Crew',
      });
    assert.equal((await setup('-')).status, 403, 'a code with nothing in it never works');
    const accepted = await setup(code);
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  } finally {
    await hail.stop();
    removeDataDir(dataDir);
  }
});

test("run as a user other than the service's, on its 0700 directory, every command says to run it as the service user", async () => {
  const dataDir = await stoppedBox();
  try {
    chmodSync(dataDir, 0o700);
    const commands = [
      ['invite', 'create'],
      ['admin', 'reset-password', 'skipper'],
      ['rebuild', '--verify'],
      ['backup', '/tmp/never.tar'],
      ['setup-code', 'show'],
      ['tls', 'init'],
    ];
    for (const args of commands) {
      const result = await runHail([...args, '--data-dir', dataDir], 30000, { uid: NOBODY, gid: NOBODY });
      assertClearRefusal(result, dataDir, 'run it as the service user: sudo -u');
    }
  } finally {
    removeDataDir(dataDir);
  }
});
