/**
 * docs/OPERATIONS.md "Pairing boxes", "Try it on one machine", step by step as a new user
 * follows it: two servers on loopback with their own data directory, port, sync port and name,
 * the CLI run beside each with only `--data-dir` (so it must learn from the database where the
 * server listens and its name), a post on each while the other is stopped, and the same history
 * on both.
 */
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { runHail } from './helpers/cli.js';
import { Client, newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';
import { eventually, freePort } from './helpers/eventually.js';

const PASSWORD = 'a long password';
const dirs = { first: newDataDir(), second: newDataDir() };
const running = new Set<HailProcess>();
const syncPorts: Record<string, number> = {};

after(async () => {
  await Promise.all([...running].map((box) => box.stop()));
  for (const dir of Object.values(dirs)) removeDataDir(dir);
});

async function start(which: 'first' | 'second'): Promise<HailProcess> {
  // A fixed sync port, as the docs say: the other box dials it after a restart.
  syncPorts[which] ??= await freePort();
  const box = await startHail({ dataDir: dirs[which], args: ['--sync-port', String(syncPorts[which])], env: { HAIL_BOX_NAME: which } });
  running.add(box);
  return box;
}

async function stop(box: HailProcess): Promise<void> {
  assert.equal(await box.stop(), 0);
  running.delete(box);
}

async function login(box: HailProcess): Promise<Client | undefined> {
  const client = new Client(box.url);
  return (await client.post('/api/v1/auth/login', { username: 'skipper', password: PASSWORD })).status === 200 ? client : undefined;
}

test('two boxes on one machine, paired with the CLI beside their servers, converge after each wrote while the other was stopped', async () => {
  let first = await start('first');
  let second = await start('second');
  const admin = new Client(first.url);
  const setup = await admin.post('/api/v1/setup', {
    code: first.setupCode(),
    username: 'skipper',
    password: PASSWORD,
    displayName: 'Skipper',
    teamName: 'crew',
    teamDisplayName: 'Crew',
  });
  assert.equal(setup.status, 201);
  const channelId = (await admin.get('/api/v1/teams')).body.teams[0].defaultChannelId as string;

  // The servers listen on 127.0.0.1 (test/helpers/server.ts); the commands are not told so.
  const invite = await runHail(['peer', 'invite', '--data-dir', dirs.first]);
  assert.equal(invite.code, 0, invite.stderr);
  const invitation = /hail1:\S+/.exec(invite.stdout)![0];
  const added = await runHail(['peer', 'add', invitation, '--data-dir', dirs.second]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /paired with first/);
  await eventually("the first box's accounts on the second", () => login(second));

  const page = async (client: Client) =>
    ((await client.get(`/api/v1/channels/${channelId}/posts?limit=100`)).body.posts as { message: string }[])
      .map((post) => post.message)
      .sort()
      .join('\n');
  await stop(second);
  assert.equal((await (await login(first))!.post(`/api/v1/channels/${channelId}/posts`, { message: 'written on first' })).status, 201);
  second = await start('second');
  await stop(first);
  assert.equal((await (await login(second))!.post(`/api/v1/channels/${channelId}/posts`, { message: 'written on second' })).status, 201);
  first = await start('first');
  const [onFirst, onSecond] = [(await login(first))!, (await login(second))!];
  await eventually('the same history on both', async () => {
    const [a, b] = [await page(onFirst), await page(onSecond)];
    return a.includes('written on second') && b.includes('written on first') && a === b;
  });
  const list = await runHail(['peer', 'list', '--data-dir', dirs.second]);
  assert.match(list.stdout, /^this box: second, id [0-9a-f]{32}, fingerprint [0-9a-f]{64}$/m, list.stdout);
  assert.match(
    list.stdout,
    /^first \(id [0-9a-f]{32}\)\n {2}link {9}up, last contact \d+ s ago\n {2}ops waiting {2}0 to send, 0 to receive$/m,
    list.stdout,
  );
  assert.match(list.stdout, /^ {2}today {8}[\d.]+ k?B sent, [\d.]+ k?B received$/m, list.stdout);
  assert.match(list.stdout, /^ {2}addresses {4}127\.0\.0\.1:\d+$/m, 'the second box dials the first where it listens');
  assert.match(list.stdout, /^ {2}forks {8}none$/m, list.stdout);

  // hail doctor shows sync: where it listens, the peers and their last contact; a warning once stopped.
  const doctor = await runHail(['doctor', '--data-dir', dirs.first, '--port', '0']);
  assert.match(
    doctor.stdout,
    new RegExp(`^ok\\s+sync\\s+listening on 127\\.0\\.0\\.1:${syncPorts.first}; 1 paired: second \\(last contact \\d+ s ago\\)$`, 'm'),
    doctor.stdout,
  );
  await stop(first);
  const stopped = await runHail(['doctor', '--data-dir', dirs.first, '--port', '0']);
  assert.match(
    stopped.stdout,
    /^warn\s+sync\s+nothing answers on 127\.0\.0\.1:\d+, where the server last listened for sync \(is it running\?\)/m,
    stopped.stdout,
  );
  assert.equal(stopped.code, 0);
});
