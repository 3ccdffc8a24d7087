/**
 * The box's settings: one TOML file, HAIL_* variables and flags, in that order of strength.
 * A wrong value never gets as far as the data: the server says which key is wrong, in one
 * line, and exits with the status the systemd unit does not restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runHail } from './helpers/cli.js';
import { Client, newDataDir, removeDataDir, startHail } from './helpers/server.js';

const EXIT_CONFIG = 78;

/** The single line a failed start prints: no stack trace, no JSON log. */
function assertOneClearLine(stderr: string, ...mentions: string[]): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0]!, /^hail: /);
  assert.doesNotMatch(stderr, /\n\s+at |Error:/);
  for (const mention of mentions) assert.ok(lines[0]!.includes(mention), `"${lines[0]}" should mention ${mention}`);
}

test('the file, the environment and the flags each set a setting, the stronger one winning', async () => {
  const dir = newDataDir();
  try {
    const file = join(dir, 'hail.toml');
    writeFileSync(file, 'port = 1111\npost_burst = 7\nlog_level = "warn"\nlogins_per_minute = 3\n');
    const result = await runHail(['config', 'check', '--config', file, '--port', '3333'], 30000, {
      env: { HAIL_PORT: '2222', HAIL_POST_BURST: '8' },
    });
    assert.equal(result.code, 0, result.stderr);
    const setting = (key: string) =>
      result.stdout
        .split('\n')
        .find((line) => line.trim().startsWith(`${key} `))
        ?.trim()
        .split(/\s+/);
    assert.deepEqual(setting('port'), ['port', '3333', '--port']);
    assert.deepEqual(setting('post_burst'), ['post_burst', '8', 'HAIL_POST_BURST']);
    assert.deepEqual(setting('log_level'), ['log_level', '"warn"', 'file']);
    assert.deepEqual(setting('max_body_bytes'), ['max_body_bytes', '262144', 'default']);
  } finally {
    removeDataDir(dir);
  }
});

test('a relative data_dir in the file is relative to the file, not to where the server starts', async () => {
  const dir = newDataDir();
  try {
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(dir, 'etc', 'hail.toml'), 'data_dir = "../state"\n');
    const result = await runHail(['config', 'check', '--config', join(dir, 'etc', 'hail.toml')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`data_dir\\s+"${join(dir, 'state')}"\\s+file`));
  } finally {
    removeDataDir(dir);
  }
});

test('the server obeys its configuration file', async () => {
  const dir = newDataDir();
  const file = join(dir, 'hail.toml');
  writeFileSync(file, '# a small box\nmax_body_bytes = 2048\n');
  const hail = await startHail({ args: ['--config', file] });
  try {
    const response = await new Client(hail.url).post('/api/v1/auth/login', { username: 'skipper', password: 'x'.repeat(3000) });
    assert.equal(response.status, 413);
  } finally {
    await hail.stop();
    removeDataDir(hail.dataDir);
    removeDataDir(dir);
  }
});

test('the shipped template for /etc/hail/hail.toml is valid', async () => {
  const result = await runHail(['config', 'check', '--config', 'systemd/hail.toml']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /data_dir\s+"\/var\/lib\/hail"\s+file/);
});

const MALFORMED: { name: string; file?: string; env?: Record<string, string>; args?: string[]; mentions: string[] }[] = [
  { name: 'a port out of range in the file', file: 'port = 70000\n', mentions: ['hail.toml: port', '65535', '70000'] },
  {
    name: 'a number written as text in the file',
    file: 'max_body_bytes = "big"\n',
    mentions: ['hail.toml: max_body_bytes', 'expected integer', '"big"'],
  },
  { name: 'an unknown key in the file', file: 'prot = 8080\n', mentions: ['hail.toml: prot', 'unknown setting', 'port'] },
  { name: 'a file that is not TOML', file: 'port = 80a\n', mentions: ['hail.toml:1:', 'numeric literal'] },
  { name: 'a log level that does not exist', file: 'log_level = "loud"\n', mentions: ['log_level', 'must be one of', 'info', '"loud"'] },
  { name: 'a certificate without its key', file: 'tls_cert = "cert.pem"\n', mentions: ['tls_cert', 'tls_key'] },
  { name: 'a variable that is not a number', env: { HAIL_POSTS_PER_SECOND: 'fast' }, mentions: ['HAIL_POSTS_PER_SECOND', '"fast"'] },
  { name: 'a flag below its minimum', args: ['--post-burst', '0'], mentions: ['--post-burst', 'greater or equal to 1', '0'] },
  { name: 'a mistyped flag', args: ['--prot', '80'], mentions: ['unknown option --prot'] },
  {
    name: 'a configuration file that does not exist',
    args: ['--config', '/nonexistent/hail.toml'],
    mentions: ['/nonexistent/hail.toml', 'ENOENT'],
  },
];

for (const { name, file, env, args, mentions } of MALFORMED) {
  test(`${name}: one line naming the key, exit 78, and the data directory untouched`, async () => {
    const dir = newDataDir();
    try {
      const dataDir = join(dir, 'data');
      const configArgs = file === undefined ? [] : ['--config', join(dir, 'hail.toml')];
      if (file !== undefined) writeFileSync(join(dir, 'hail.toml'), file);
      // A flag would win over the file's port: leave it out where the file's port is the point.
      const portArgs = file?.startsWith('port') ? [] : ['--port', '0'];
      const result = await runHail(['serve', ...portArgs, '--data-dir', dataDir, ...configArgs, ...(args ?? [])], 30000, { env });
      assert.equal(result.code, EXIT_CONFIG, result.stderr);
      assertOneClearLine(result.stderr, ...mentions);
      assert.equal(result.stdout, '');
      assert.equal(existsSync(dataDir), false, 'nothing may be created');
      assert.deepEqual(readdirSync(dir), file === undefined ? [] : ['hail.toml']);
    } finally {
      removeDataDir(dir);
    }
  });
}
