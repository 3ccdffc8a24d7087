/**
 * A box restored on new hardware keeps the certificate authority its phones already trust: the
 * backup carries the CA (key and certificate), the restore puts it back, and the restored
 * server serves HTTPS under it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHail } from './helpers/cli.js';
import { newDataDir, removeDataDir, startHail } from './helpers/server.js';

test("backup and restore keep the box's CA, and the restored box serves a certificate it signed", { timeout: 60000 }, async () => {
  const dataDir = newDataDir();
  const scratch = mkdtempSync(join(tmpdir(), 'hail-backup-ca-'));
  try {
    assert.equal((await runHail(['tls', 'init', '--data-dir', dataDir])).code, 0);
    const original = await startHail({ dataDir, args: ['--https-port', '0'] });
    await original.stop();
    const archive = join(scratch, 'box.tar');
    const backup = await runHail(['backup', archive, '--data-dir', dataDir]);
    assert.equal(backup.code, 0, backup.stderr);

    const restored = join(scratch, 'restored');
    const restore = await runHail(['restore', archive, '--data-dir', restored]);
    assert.equal(restore.code, 0, restore.stderr);
    for (const name of ['ca.crt', 'ca.key']) {
      assert.deepEqual(readFileSync(join(restored, 'tls', name)), readFileSync(join(dataDir, 'tls', name)), `${name} restored as it was`);
      assert.equal(statSync(join(restored, 'tls', name)).mode & 0o077, 0, `${name} readable by the server's user only`);
    }

    const hail = await startHail({ dataDir: restored, args: ['--https-port', '0'] });
    try {
      const trusted = Buffer.from(await (await fetch(`${hail.url}/trust/hail-ca.crt`)).arrayBuffer());
      assert.deepEqual(trusted, new X509Certificate(readFileSync(join(dataDir, 'tls', 'ca.crt'))).raw, '/trust offers the same CA');
      const leaf = new X509Certificate(readFileSync(join(restored, 'tls', 'server.crt')));
      assert.ok(leaf.checkIssued(new X509Certificate(trusted)), 'the restored box issued its certificate under the same CA');
    } finally {
      await hail.stop();
    }
  } finally {
    removeDataDir(dataDir);
    rmSync(scratch, { recursive: true, force: true });
  }
});
