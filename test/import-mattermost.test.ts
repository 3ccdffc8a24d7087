import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runHail } from './helpers/cli.js';
import { flotillaLines, GRIB, minutes, zipExport } from './helpers/mattermost-export.js';
import { Client, HAIL, newDataDir, removeDataDir } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

const EXIT_CONFIG = 78;

async function importInto(world: World, file: string, ...flags: string[]) {
  return runHail(['import', 'mattermost', file, '--data-dir', world.hail.dataDir, ...flags], 60000);
}

function resetLink(stdout: string, username: string): string {
  const match = new RegExp(`^  ${username} \\S*/reset/([A-Za-z0-9_-]{43})$`, 'm').exec(stdout);
  assert.ok(match, `a link for ${username} in:\n${stdout}`);
  return match[1]!;
}

async function logInThroughLink(world: World, stdout: string, username: string): Promise<Client> {
  const client = world.client();
  const reset = await client.post('/api/v1/password-reset', {
    token: resetLink(stdout, username),
    password: `new password of ${username}`,
  });
  assert.equal(reset.status, 204, JSON.stringify(reset.body));
  const login = await client.post('/api/v1/auth/login', { username, password: `new password of ${username}` });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return client;
}

test('a Mattermost export imports with one command; an imported user logs in through the one-time link and sees the history', async () => {
  const world = await startWorld();
  const scratch = newDataDir();
  try {
    const file = join(scratch, 'export.zip');
    await zipExport(file, flotillaLines());
    const run = await importInto(world, file);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stderr, /line 12: not valid JSON/, 'the corrupt line is reported with its number');
    assert.match(run.stderr, /attachment weather\/chart-that-was-not-exported\.png is not in the export/);
    assert.match(run.stdout, /admin -> admin-imported/, 'the clashing username is mapped and listed');
    assert.match(run.stdout, /1 emoji/, 'custom emoji are reported as not imported');

    const ann = await logInThroughLink(world, run.stdout, 'ann');
    const channels = (await ann.get('/api/v1/channels')).body.channels as { id: string; name: string; type: string; displayName: string }[];
    const named = (name: string) => channels.find((channel) => channel.name === name)!;
    assert.deepEqual(
      channels
        .filter((channel) => channel.type !== 'direct' && channel.type !== 'group')
        .map((channel) => channel.name)
        .sort(),
      ['general', 'skippers', 'weather'],
    );
    assert.equal(channels.filter((channel) => channel.type === 'direct').length, 1);
    assert.equal(channels.filter((channel) => channel.type === 'group').length, 1);

    const square = (await ann.get(`/api/v1/channels/${named('general').id}/posts`)).body.posts;
    const welcome = square.find((post: { message: string }) => post.message === 'Welcome aboard, everyone');
    assert.equal(welcome.createdAt, minutes(1), 'the original time is kept');
    assert.equal(welcome.pinned, true);
    assert.deepEqual(welcome.reactions.map((reaction: { emoji: string }) => reaction.emoji).sort(), ['thumbsup', 'wave']);
    const thread = (await ann.get(`/api/v1/posts/${welcome.id}/thread`)).body.posts;
    assert.deepEqual(
      thread.map((post: { message: string; createdAt: number }) => [post.message, post.createdAt]),
      [
        ['Welcome aboard, everyone', minutes(1)],
        ['Glad to be here', minutes(3)],
        ['See you at the marina', minutes(5)],
      ],
    );

    const weather = (await ann.get(`/api/v1/channels/${named('weather').id}/posts`)).body.posts;
    assert.deepEqual(
      weather.map((post: { message: string }) => post.message),
      ["Tomorrow's GRIB", 'And the chart'],
    );
    const grib = weather[0].files[0];
    assert.equal(grib.name, 'tomorrow.grb');
    const download = await fetch(`${world.hail.url}/api/v1/files/${grib.hash}`, { headers: { cookie: ann.cookie } });
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), GRIB);

    const skippers = (await ann.get(`/api/v1/channels/${named('skippers').id}/posts`)).body.posts;
    assert.deepEqual(
      skippers.map((post: { message: string }) => post.message),
      ['Skippers meet at 18:00', 'I will be late'],
    );
    const skipperMembers = (await ann.get(`/api/v1/channels/${named('skippers').id}/members`)).body;
    assert.equal(JSON.stringify(skipperMembers).includes('"bob"'), false, 'bob, added only to write his old post, is removed again');

    const direct = (await ann.get(`/api/v1/channels/${channels.find((channel) => channel.type === 'direct')!.id}/posts`)).body.posts;
    assert.deepEqual(
      direct.map((post: { message: string }) => post.message),
      ['Can I borrow your spare impeller?', 'Yes, come by'],
    );

    const users = (await world.admin.get('/api/v1/users')).body.users as { username: string; active: boolean }[];
    assert.equal(users.find((user) => user.username === 'dave')?.active, false, 'an account deactivated in Mattermost stays deactivated');
    assert.equal(
      (await world.client().post('/api/v1/auth/login', { username: 'bob', password: 'anything at all' })).status,
      401,
      'no password works before the link is used',
    );
  } finally {
    await world.dispose();
    removeDataDir(scratch);
  }
});

test('importing the same export again adds nothing; a later export adds only its new posts', async () => {
  const world = await startWorld();
  const scratch = newDataDir();
  try {
    const file = join(scratch, 'export.zip');
    await zipExport(file, flotillaLines());
    assert.equal((await importInto(world, file)).code, 0);
    const again = await importInto(world, file);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Imported from .*: nothing new\./);
    const later = join(scratch, 'later.zip');
    await zipExport(later, [
      ...flotillaLines(),
      JSON.stringify({
        type: 'post',
        post: { team: 'flotilla', channel: 'weather', user: 'bob', message: 'Wind is up', create_at: minutes(30) },
      }),
    ]);
    const third = await importInto(world, later);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /Imported from .*: 1 post\.created\./);
    const verify = await runHail(['rebuild', '--verify', '--data-dir', world.hail.dataDir], 60000);
    assert.equal(verify.code, 0, `replaying the imported ops gives the same state: ${verify.stdout}`);
  } finally {
    await world.dispose();
    removeDataDir(scratch);
  }
});

test('--strict refuses an export with a corrupt line and imports nothing of it', async () => {
  const world = await startWorld();
  const scratch = newDataDir();
  try {
    const file = join(scratch, 'export.zip');
    await zipExport(file, flotillaLines());
    const run = await importInto(world, file, '--strict');
    assert.equal(run.code, EXIT_CONFIG, run.stderr);
    assert.match(run.stderr, /line 12: not valid JSON; nothing was imported \(--strict\)/);
    const teams = (await world.admin.get('/api/v1/teams')).body.teams as { name: string }[];
    assert.deepEqual(
      teams.map((team) => team.name),
      ['crew'],
    );
  } finally {
    await world.dispose();
    removeDataDir(scratch);
  }
});

test('a bare .jsonl export finds its attachments in the data folder beside it', async () => {
  const world = await startWorld();
  const scratch = newDataDir();
  try {
    mkdirSync(join(scratch, 'data', 'weather'), { recursive: true });
    writeFileSync(join(scratch, 'data', 'weather', 'tomorrow.grb'), GRIB);
    const file = join(scratch, 'export.jsonl');
    writeFileSync(file, flotillaLines().join('\n') + '\n');
    const run = await importInto(world, file);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /10 post\.created/);
    const ann = await logInThroughLink(world, run.stdout, 'ann');
    const weather = (await ann.get('/api/v1/channels')).body.channels.find((channel: { name: string }) => channel.name === 'weather');
    const posts = (await ann.get(`/api/v1/channels/${weather.id}/posts`)).body.posts;
    const download = await fetch(`${world.hail.url}/api/v1/files/${posts[0].files[0].hash}`, { headers: { cookie: ann.cookie } });
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), GRIB);
  } finally {
    await world.dispose();
    removeDataDir(scratch);
  }
});

test('an import killed part-way leaves whole chunks; the re-run completes it, and no post is written twice', async () => {
  const world = await startWorld();
  const scratch = newDataDir();
  try {
    const posts = 30000;
    const lines = [
      JSON.stringify({ type: 'version', version: 1 }),
      JSON.stringify({ type: 'team', team: { name: 'big', display_name: 'Big' } }),
      JSON.stringify({ type: 'user', user: { username: 'writer', teams: [{ name: 'big', channels: [{ name: 'town-square' }] }] } }),
      ...Array.from({ length: posts }, (_, index) =>
        JSON.stringify({
          type: 'post',
          post: { team: 'big', channel: 'town-square', user: 'writer', message: `post ${index}`, create_at: minutes(index) },
        }),
      ),
    ];
    const file = join(scratch, 'big.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    await world.stop();
    const counted = () => {
      const db = new Database(join(world.hail.dataDir, 'hail.db'), { readonly: true });
      try {
        return db
          .prepare("SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM ops WHERE type = 'post.created') AS ops")
          .get() as { posts: number; ops: number };
      } finally {
        db.close();
      }
    };
    const child = spawn(process.execPath, [HAIL, 'import', 'mattermost', file, '--data-dir', world.hail.dataDir], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    // Killed as soon as the first chunks are in, mid-way through the file.
    while (counted().posts < 4000 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGKILL');
    await exited;
    const killed = counted();
    assert.ok(killed.posts < posts, `the kill came before the end (${killed.posts} posts)`);
    assert.equal(killed.posts % 2000, 0, `whole chunks of 2,000 lines only (${killed.posts} posts)`);
    const rerun = await runHail(['import', 'mattermost', file, '--data-dir', world.hail.dataDir], 120000);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.deepEqual(counted(), { posts, ops: posts });
  } finally {
    await world.dispose();
    removeDataDir(scratch);
  }
});
