/**
 * A disk filled to the last byte (photos and GRIB files on an SD card, or another program's
 * log): the box still starts and serves what it holds, refuses writes with 507, takes them
 * again once space is freed, and `hail doctor` still prints every check. The disk is a small
 * tmpfs mounted for the test (needs root, as the suite does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHail } from './helpers/cli.js';
import { Client, startHail } from './helpers/server.js';
import { startWorld } from './helpers/world.js';

/** Writes until the file system refuses another byte. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (let chunk = block; ;) {
      try {
        writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        if (chunk.length === 1) return;
        chunk = chunk.subarray(0, chunk.length >> 1);
      }
    }
  } finally {
    closeSync(fd);
  }
}

test(
  'on a full disk the server starts, serves reads, answers writes 507, and takes them again once space is freed; doctor prints every check',
  { timeout: 60000 },
  async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'hail-full-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]);
    const dataDir = join(mountPoint, 'data');
    const env = { HAIL_WRITE_FLOOR_BYTES: String(1024 * 1024), HAIL_UPLOAD_FLOOR_BYTES: String(2 * 1024 * 1024) };
    try {
      const world = await startWorld({ dataDir, env });
      const alice = await world.join('alice');
      const channel = world.team.defaultChannelId;
      const before = await alice.client.post(`/api/v1/channels/${channel}/posts`, { message: 'written before the disk filled' });
      assert.equal(before.status, 201);
      await world.stop();

      const filler = join(mountPoint, 'filler');
      fillDisk(filler);
      const hail = await startHail({ dataDir, env });
      try {
        assert.ok(
          hail.logs.some((line) => line.includes('The disk is full')),
          'the log says why writes are refused',
        );
        assert.ok(
          hail.logs.some((line) => line.includes('holds the database alone')),
          'and why hail commands wait',
        );
        const reader = new Client(hail.url);
        reader.cookie = alice.client.cookie;
        const history = await reader.get(`/api/v1/channels/${channel}/posts`);
        assert.equal(history.status, 200, JSON.stringify(history.body));
        assert.ok(JSON.stringify(history.body).includes('written before the disk filled'));
        const refused = await reader.post(`/api/v1/channels/${channel}/posts`, { message: 'no room' });
        assert.equal(refused.status, 507);
        assert.equal(refused.body.error.code, 'insufficient_storage');

        const doctor = await runHail(['doctor', '--data-dir', dataDir, '--port', '0'], 30000, { env });
        assert.equal(doctor.stderr, '', 'no stack trace');
        assert.deepEqual(
          doctor.stdout
            .trim()
            .split('\n')
            .map((line) => line.split(/\s+/)[1]),
          ['glibc', 'config', 'data', 'database', 'disk', 'clock', 'port', 'sync', 'certificate'],
        );
        assert.match(doctor.stdout, /^FAIL\s+disk\s+0 MiB free/m);

        const invite = await runHail(['invite', 'create', '--data-dir', dataDir], 30000, { env });
        assert.equal(invite.code, 78, invite.stderr);
        assert.match(invite.stderr, /^hail: the database .* stayed locked \(a server that started on a full disk holds it alone/);
        assert.doesNotMatch(invite.stderr, /\n\s+at /, 'no stack trace');

        rmSync(filler);
        // The free space is read at most once a second.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const accepted = await reader.post(`/api/v1/channels/${channel}/posts`, { message: 'room again' });
        assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
      } finally {
        await hail.stop();
      }
    } finally {
      execFileSync('umount', [mountPoint]);
      rmdirSync(mountPoint);
    }
  },
);
