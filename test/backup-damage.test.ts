/**
 * Backups and downloads when a file is damaged on the box's disk (a failing SD card, a
 * truncated copy): the damaged file is named and never served or archived as if whole, and a
 * restore brings back everything else and lists what is lost. The copy of the database a
 * backup makes on the way is private to its user and removed when the backup is interrupted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHail } from './helpers/cli.js';
import { HAIL, newDataDir, removeDataDir, startHail } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

const blobPath = (dataDir: string, hash: string) => join(dataDir, 'files', hash.slice(0, 2), hash);

describe('a file damaged on disk', () => {
  let world: World;
  let scratch: string;
  let cookie: string;
  const wind = Buffer.alloc(200_000, 'GRIB wind ');
  const tides = Buffer.alloc(100_000, 'tide table ');
  const hashes = { wind: '', tides: '' };

  const upload = async (name: string, bytes: Buffer) => {
    const response = await fetch(`${world.hail.url}/api/v1/files?name=${name}`, { method: 'POST', headers: { cookie }, body: bytes });
    return (await response.json()) as { hash: string };
  };
  const download = (hash: string) => fetch(`${world.hail.url}/api/v1/files/${hash}`, { headers: { cookie } });

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'hail-backup-damage-'));
    world = await startWorld();
    const alice = await world.join('alice');
    cookie = alice.client.cookie;
    hashes.wind = (await upload('wind.grb', wind)).hash;
    hashes.tides = (await upload('tides.pdf', tides)).hash;
    const channel = world.team.defaultChannelId;
    const posted = await alice.client.post(`/api/v1/channels/${channel}/posts`, {
      message: 'forecast and tides',
      files: [
        { hash: hashes.wind, name: 'wind.grb', type: 'application/octet-stream', size: wind.length },
        { hash: hashes.tides, name: 'tides.pdf', type: 'application/pdf', size: tides.length },
      ],
    });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    // The card loses the end of one file.
    truncateSync(blobPath(world.hail.dataDir, hashes.wind), 150_000);
  });

  after(async () => {
    await world.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('its download never serves the damaged bytes; a whole file still downloads', async () => {
    const damaged = await download(hashes.wind);
    assert.equal(damaged.status, 500);
    assert.equal(((await damaged.json()) as { error: { code: string } }).error.code, 'file_damaged');
    const whole = await download(hashes.tides);
    assert.equal(whole.status, 200);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), tides);
  });

  test('hail backup names the damaged file and fails; restoring its archive brings back the rest and lists the file as lost', async () => {
    const archive = join(scratch, 'cli.tar');
    const backup = await runHail(['backup', archive, '--data-dir', world.hail.dataDir]);
    assert.equal(backup.code, 1, backup.stdout + backup.stderr);
    assert.match(backup.stdout, /wrote .*cli\.tar/);
    assert.match(backup.stderr, new RegExp(`damaged on disk.*\\n\\s+wind\\.grb \\(${hashes.wind}\\)`));
    const target = join(scratch, 'restored-cli');
    const restore = await runHail(['restore', archive, '--data-dir', target]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /the database and 1 files/);
    assert.match(restore.stdout, new RegExp(`1 file\\(s\\) the posts refer to are not in it.*\\n\\s+wind\\.grb \\(${hashes.wind}\\)`));
    assert.deepEqual(readFileSync(blobPath(target, hashes.tides)), tides);
    assert.ok(!existsSync(blobPath(target, hashes.wind)));
  });

  test("the admin endpoint's backup leaves the damaged file out, and names it in the archive", async () => {
    const response = await fetch(`${world.hail.url}/api/v1/admin/backup`, { headers: { cookie: world.admin.cookie } });
    assert.equal(response.status, 200);
    const archive = Buffer.from(await response.arrayBuffer());
    assert.ok(archive.includes(Buffer.from('hail-damaged.json')));
    assert.ok(archive.includes(Buffer.from(`"name":"wind.grb"`)));
    assert.ok(!archive.includes(Buffer.from(`files/${hashes.wind.slice(0, 2)}/${hashes.wind}`)), 'the damaged bytes are not archived');
  });

  test('an archive carrying a file that fails its hash: restore refuses and says how to restore the rest; --skip-damaged does, naming the file', async () => {
    // An archive made before backups checked hashes, of a box whose file was already damaged.
    const archive = join(scratch, 'old.tar');
    const response = await fetch(`${world.hail.url}/api/v1/admin/backup`, { headers: { cookie: world.admin.cookie } });
    const bytes = Buffer.from(await response.arrayBuffer());
    const at = bytes.indexOf(tides.subarray(0, 64));
    bytes[at + 10] = 0x21;
    writeFileSync(archive, bytes);
    const refused = await runHail(['restore', archive, '--data-dir', join(scratch, 'never')]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /does not match its hash; run hail restore again with --skip-damaged/);
    const target = join(scratch, 'restored-skip');
    const restored = await runHail(['restore', archive, '--data-dir', target, '--skip-damaged']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /the database and 0 files/);
    assert.match(restored.stdout, /2 file\(s\) the posts refer to are not in it/);
    assert.match(restored.stdout, /tides\.pdf/);
    assert.match(restored.stdout, /wind\.grb/);
    assert.equal(new Database(join(target, 'hail.db'), { readonly: true }).pragma('integrity_check', { simple: true }), 'ok');
  });

  test('uploading the same file again repairs it', async () => {
    assert.equal((await upload('wind.grb', wind)).hash, hashes.wind);
    const repaired = await download(hashes.wind);
    assert.equal(repaired.status, 200);
    assert.deepEqual(Buffer.from(await repaired.arrayBuffer()), wind);
  });
});

test('the copy of the database a backup makes is readable by its user only, and an interrupted backup removes it', async () => {
  const hail = await startHail();
  await hail.stop();
  const dataDir = hail.dataDir;
  const out = newDataDir();
  try {
    // Enough pages that the copy is still being made when it is looked at.
    const db = new Database(join(dataDir, 'hail.db'));
    db.exec('CREATE TABLE ballast (bytes BLOB)');
    const insert = db.prepare('INSERT INTO ballast VALUES (?)');
    db.transaction(() => {
      for (let n = 0; n < 400; n++) insert.run(Buffer.alloc(512 * 1024, n));
    })();
    db.close();
    const child = spawn(process.execPath, [HAIL, 'backup', join(out, 'box.tar'), '--data-dir', dataDir], { stdio: 'ignore' });
    const exited = new Promise((done) => child.once('exit', done));
    let copies: string[] = [];
    const deadline = Date.now() + 20_000;
    while (copies.length === 0 && Date.now() < deadline) {
      copies = readdirSync(out).filter((name) => name.includes('snapshot'));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.ok(copies.length > 0, 'the copy was seen');
    for (const name of copies) {
      const path = join(out, name);
      const mode = statSync(path).mode & 0o777;
      if (statSync(path).isDirectory()) {
        assert.equal(mode, 0o700, `${name} is private`);
        for (const inner of readdirSync(path)) assert.equal(statSync(join(path, inner)).mode & 0o077, 0, `${name}/${inner} is private`);
      } else {
        assert.equal(mode & 0o077, 0, `${name} is private`);
      }
    }
    child.kill('SIGTERM');
    await exited;
    assert.deepEqual(readdirSync(out), [], 'nothing is left behind');
  } finally {
    removeDataDir(dataDir);
    removeDataDir(out);
  }
});
