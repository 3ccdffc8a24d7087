// The Debian package: scripts/deb/build makes the amd64 .deb from the dist/ this suite was built
// from, and its control data, files and sizes are what the package promises; lintian finds no
// error. Installing it on a fresh Debian 13 root is `npm run deb:install-test` (mmdebstrap takes
// some 90 s: too slow for this suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const found = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const skip =
  process.getuid?.() !== 0
    ? 'needs root (dpkg-deb --root-owner-group, and the build runs in scripts/debian13)'
    : !found('dpkg-deb')
      ? 'dpkg-deb is missing (apt-get install dpkg)'
      : false;
const abi = process.versions.modules;

test('the amd64 .deb', { skip, timeout: 300_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'hail-deb-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const build = ['--reuse-dist', '--out', out, 'amd64'];
  const deb = execFileSync('scripts/deb/build', build, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const control = (field: string): string => execFileSync('dpkg-deb', ['--field', deb, field], { encoding: 'utf8' }).trim();
  const listing = execFileSync('dpkg-deb', ['--contents', deb], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [mode, , size, , , ...path] = line.split(/\s+/);
      return {
        mode,
        size: Number(size),
        path: path
          .join(' ')
          .replace(/^\.\//, '/')
          .replace(/ -> .*$/, ''),
      };
    });
  const paths = new Set(listing.map((entry) => entry.path));

  await t.test("is named and described for amd64 on Debian's Node 20", () => {
    assert.match(deb, /\/hail_\d+\.\d+\.\d+_amd64\.deb$/);
    assert.equal(control('Architecture'), 'amd64');
    assert.match(control('Depends'), /(^|, )nodejs \(>= 20\)(,|$)/);
    assert.match(control('Depends'), new RegExp(`(^|, )libnode${abi}(,|$)`));
  });

  await t.test('installs the command, the unit, the user, the state directory and the settings as a conffile', () => {
    for (const path of [
      '/usr/bin/hail',
      '/usr/lib/systemd/system/hail.service',
      '/usr/lib/sysusers.d/hail.conf',
      '/usr/lib/tmpfiles.d/hail.conf',
      '/etc/hail/hail.toml',
      '/opt/hail/dist/hail.js',
      '/opt/hail/package.json',
      '/usr/share/doc/hail/copyright',
      '/usr/share/doc/hail/changelog.gz',
    ])
      assert.ok(paths.has(path), `${path} is in the package`);
    assert.match(listing.find((entry) => entry.path === '/usr/bin/hail')?.mode ?? '', /^-rwxr-xr-x/);
    const conffiles = execFileSync('sh', ['-c', `dpkg-deb --ctrl-tarfile "$1" | tar -xO ./conffiles`, 'sh', deb], { encoding: 'utf8' });
    assert.equal(conffiles.trim(), '/etc/hail/hail.toml');
    const scripts = execFileSync('dpkg-deb', ['--info', deb], { encoding: 'utf8' });
    for (const script of ['postinst', 'prerm', 'postrm']) {
      assert.match(scripts, new RegExp(`\\s${script}\\s`), `${script} is in the package`);
    }
  });

  await t.test('ships production dependencies only, with one uWebSockets.js binary and no better-sqlite3 sources', () => {
    const natives = [...paths].filter((path) => path.endsWith('.node')).sort();
    assert.deepEqual(natives, [
      '/opt/hail/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      `/opt/hail/node_modules/uWebSockets.js/uws_linux_x64_${abi}.node`,
    ]);
    for (const gone of ['better-sqlite3/src/', 'better-sqlite3/deps/', 'typescript/', 'esbuild/', 'playwright-core/', '@types/']) {
      assert.ok(![...paths].some((path) => path.startsWith(`/opt/hail/node_modules/${gone}`)), `no ${gone} in /opt/hail`);
    }
  });

  await t.test('keeps /opt/hail under 40 MB on disk', () => {
    // Each file rounded up to a 4 KiB block, as ext4 stores it (du): most of node_modules is small files.
    const bytes = listing
      .filter((entry) => entry.path.startsWith('/opt/hail/'))
      .reduce((sum, entry) => sum + Math.ceil(entry.size / 4096) * 4096, 0);
    t.diagnostic(`/opt/hail: ${(bytes / 1e6).toFixed(1)} MB on disk`);
    assert.ok(bytes <= 40e6, `/opt/hail is ${bytes} bytes`);
  });

  await t.test('passes lintian with no error', { skip: found('lintian') ? false : 'lintian is missing (apt-get install lintian)' }, () => {
    const lint = spawnSync('lintian', ['--fail-on', 'error', deb], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  });
});
