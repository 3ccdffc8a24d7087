import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runHail } from './helpers/cli.js';
import { slackWorkspace, ts, zipSlack } from './helpers/slack-export.js';
import { newDataDir, removeDataDir } from './helpers/server.js';
import { startWorld } from './helpers/world.js';

const at = (minutes: number) => Math.floor(Number(ts(minutes)) * 1000);

test('a Slack export imports into one team: channels, threads, reactions, conversations; missing files are listed, notices dropped; a re-import adds nothing', async () => {
  const world = await startWorld();
  const scratch = newDataDir();
  try {
    const file = join(scratch, 'slack.zip');
    await zipSlack(file, slackWorkspace());
    const run = await runHail(['import', 'slack', file, '--team', 'club', '--data-dir', world.hail.dataDir], 60000);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /general\/2024-06-02\.json #1: file dock\.jpg is not in the export/);
    assert.match(run.stdout, /admin -> admin-imported/);
    assert.match(run.stdout, /notice \(channel_join\)/);
    assert.match(run.stdout, /notice \(bot_message\)/);

    const token = /^ {2}ann \S*\/reset\/([A-Za-z0-9_-]{43})$/m.exec(run.stdout)![1];
    const ann = world.client();
    assert.equal((await ann.post('/api/v1/password-reset', { token, password: 'ann sails fast' })).status, 204);
    assert.equal((await ann.post('/api/v1/auth/login', { username: 'ann', password: 'ann sails fast' })).status, 200);
    const channels = (await ann.get('/api/v1/channels')).body.channels as { id: string; name: string; type: string; archived: boolean }[];
    assert.deepEqual(
      channels
        .filter((channel) => channel.name)
        .map((channel) => channel.name)
        .sort(),
      ['board', 'general', 'racing', 'winter-2023'],
    );
    const byName = (name: string) => channels.find((channel) => channel.name === name)!;

    const general = (await ann.get(`/api/v1/channels/${byName('general').id}/posts`)).body.posts;
    const welcome = general.find((post: { rootId: string | null }) => post.rootId === null);
    assert.equal(welcome.message, 'Welcome @bob! Tide tables: [here](https://example.org/tides) & more');
    assert.equal(welcome.createdAt, at(1));
    assert.deepEqual(
      welcome.reactions.map((reaction: { emoji: string; userIds: string[] }) => [reaction.emoji, reaction.userIds.length]),
      [['wave', 2]],
    );
    const thread = (await ann.get(`/api/v1/posts/${welcome.id}/thread`)).body.posts;
    assert.deepEqual(
      thread.map((post: { message: string }) => post.message),
      [welcome.message, 'Thanks!'],
    );
    assert.ok(
      general.some((post: { message: string }) => post.message === 'Photo of the new dock'),
      'the text of a post whose file is missing is kept',
    );
    assert.ok(
      general.some((post: { message: string }) => post.message === 'Selling my old jib'),
      "a deactivated member's history is kept",
    );

    const racing = (await ann.get(`/api/v1/channels/${byName('racing').id}/posts`)).body.posts;
    assert.deepEqual(
      racing.map((post: { message: string; createdAt: number }) => [post.message, post.createdAt]),
      [['Start at 14:00 @channel', at(5)]],
    );
    assert.equal((await ann.get(`/api/v1/channels/${byName('winter-2023').id}`)).body.channel.archived, true);
    assert.equal((await ann.get(`/api/v1/channels/${byName('winter-2023').id}/posts`)).body.posts[0].message, 'Winter storage list');
    assert.equal(channels.filter((channel) => channel.type === 'direct').length, 1);
    assert.equal(channels.filter((channel) => channel.type === 'group').length, 1);

    const users = (await world.admin.get('/api/v1/users')).body.users as { username: string; active: boolean; role: string }[];
    assert.equal(users.find((user) => user.username === 'olaf')?.active, false);
    assert.equal(users.find((user) => user.username === 'cat')?.role, 'guest');

    const again = await runHail(['import', 'slack', file, '--team', 'club', '--data-dir', world.hail.dataDir], 60000);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Imported from .*: nothing new\./);
  } finally {
    await world.dispose();
    removeDataDir(scratch);
  }
});
