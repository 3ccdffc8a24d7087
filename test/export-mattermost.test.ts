import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { test } from 'node:test';
import { runHail } from './helpers/cli.js';
import { flotillaLines, zipExport } from './helpers/mattermost-export.js';
import { Client, newDataDir, removeDataDir, startHail } from './helpers/server.js';
import { startWorld } from './helpers/world.js';

/** What a club would check after moving: the team's channels, members, posts, threads, reactions and files, and the conversations. */
function snapshot(dataDir: string) {
  const db = new Database(join(dataDir, 'hail.db'), { readonly: true });
  try {
    const conversationName = `(SELECT group_concat(username, '+') FROM (SELECT u.username FROM channel_members m JOIN users u ON u.id = m.user_id WHERE m.channel_id = c.id ORDER BY 1))`;
    const place = `CASE WHEN c.team_id IS NULL THEN ${conversationName} ELSE t.name || '/' || c.name END`;
    const scope = "(t.name = 'flotilla' OR c.team_id IS NULL)";
    return {
      channels: db
        .prepare(
          `SELECT ${place} AS place, c.type, c.display_name, c.header, c.purpose, c.archived FROM channels c LEFT JOIN teams t ON t.id = c.team_id WHERE ${scope} ORDER BY 1`,
        )
        .all(),
      teamMembers: db
        .prepare(
          "SELECT u.username FROM team_members m JOIN teams t ON t.id = m.team_id JOIN users u ON u.id = m.user_id WHERE t.name = 'flotilla' AND m.active = 1 ORDER BY 1",
        )
        .all(),
      channelMembers: db
        .prepare(
          `SELECT ${place} AS place, u.username FROM channel_members m JOIN channels c ON c.id = m.channel_id LEFT JOIN teams t ON t.id = c.team_id JOIN users u ON u.id = m.user_id WHERE m.active = 1 AND ${scope} ORDER BY 1, 2`,
        )
        .all(),
      users: db
        .prepare("SELECT username, display_name, role, active FROM users WHERE username NOT IN ('admin', 'keeper') ORDER BY 1")
        .all(),
      posts: db
        .prepare(
          `SELECT ${place} AS place, u.username, p.message, substr(p.created_hlc, 1, 12) AS time, (SELECT message FROM posts r WHERE r.id = p.root_id) AS root,
           (SELECT group_concat(hash || ':' || name) FROM post_files f WHERE f.post_id = p.id) AS files,
           (SELECT group_concat(x, ' ') FROM (SELECT ru.username || ':' || r.emoji AS x FROM reactions r JOIN users ru ON ru.id = r.user_id WHERE r.post_id = p.id AND r.active = 1 ORDER BY 1)) AS reactions,
           (SELECT pinned FROM pins WHERE post_id = p.id) AS pinned
         FROM posts p JOIN channels c ON c.id = p.channel_id LEFT JOIN teams t ON t.id = c.team_id JOIN users u ON u.id = p.user_id
         WHERE p.deleted = 0 AND ${scope} ORDER BY 1, 4, 3`,
        )
        .all(),
    };
  } finally {
    db.close();
  }
}

test('export then import into an empty box gives the same teams, channels, members, posts, threads, reactions and files', async () => {
  const world = await startWorld();
  const scratch = newDataDir();
  const other = await startHail();
  try {
    const source = join(scratch, 'mattermost.zip');
    await zipExport(source, flotillaLines());
    assert.equal((await runHail(['import', 'mattermost', source, '--data-dir', world.hail.dataDir], 60000)).code, 0);
    const exported = join(scratch, 'hail-export.zip');
    const made = await runHail(['export', exported, '--data-dir', world.hail.dataDir], 60000);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /wrote .*: 10 posts and 1 files/);

    const keeper = new Client(other.url);
    const setup = await keeper.post('/api/v1/setup', {
      code: other.setupCode(),
      username: 'keeper',
      password: 'correct horse battery',
      displayName: 'Keeper',
      teamName: 'shore',
      teamDisplayName: 'Shore',
    });
    assert.equal(setup.status, 201);
    const imported = await runHail(['import', 'mattermost', exported, '--data-dir', other.dataDir], 60000);
    assert.equal(imported.code, 0, imported.stderr);
    assert.doesNotMatch(imported.stderr, /^hail:/m, 'the export has no line the import finds wrong');

    const before = snapshot(world.hail.dataDir);
    const after = snapshot(other.dataDir);
    assert.ok(before.posts.length === 10 && before.channelMembers.length > 5, 'the snapshot holds the history');
    assert.deepEqual(after, before);
  } finally {
    await world.dispose();
    await other.stop();
    removeDataDir(other.dataDir);
    removeDataDir(scratch);
  }
});

test('an admin downloads the export from the admin screen; others may not, and a bad filter is a 4xx', async () => {
  const world = await startWorld();
  const scratch = newDataDir();
  try {
    const source = join(scratch, 'mattermost.zip');
    await zipExport(source, flotillaLines());
    assert.equal((await runHail(['import', 'mattermost', source, '--data-dir', world.hail.dataDir], 60000)).code, 0);
    const response = await fetch(`${world.hail.url}/api/v1/admin/export?team=flotilla`, { headers: { cookie: world.admin.cookie } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/zip');
    const downloaded = join(scratch, 'download.zip');
    writeFileSync(downloaded, Buffer.from(await response.arrayBuffer()));
    const names = await zipEntries(downloaded);
    assert.ok(names.includes('export.jsonl'), names.join(', '));
    assert.ok(
      names.some((name) => /^data\/files\/[0-9a-f]{64}\/tomorrow\.grb$/.test(name)),
      names.join(', '),
    );
    const { client: member } = await world.join('deckhand');
    assert.equal((await member.get('/api/v1/admin/export')).status, 403);
    assert.equal((await world.admin.get('/api/v1/admin/export?since=someday')).body.error.code, 'invalid_query');
    assert.equal((await world.admin.get('/api/v1/admin/export?team=pirates')).body.error.code, 'team_not_found');
  } finally {
    await world.dispose();
    removeDataDir(scratch);
  }
});

function zipEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: false }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => names.push(entry.fileName));
      zip.once('end', () => resolve(names));
      zip.once('error', reject);
    }),
  );
}
