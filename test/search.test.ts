/**
 * Search: the query language, ranking, snippets and paging, and the rule that results come
 * only from channels the searching user can read now.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, type World } from './helpers/world.js';
import type { Client } from './helpers/server.js';

describe('search', () => {
  let world: World;
  let alice: { client: Client; id: string };
  let bob: { client: Client; id: string };
  let gus: { client: Client; id: string };
  let general: string;
  let deck: string;
  let secret: string;
  const today = new Date().toISOString().slice(0, 10);

  const search = (client: Client, q: string, extra = '') => client.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
  const messages = (response: { body: { results: { post: { message: string } }[] } }) =>
    response.body.results.map((result) => result.post.message);

  before(async () => {
    world = await startWorld();
    alice = await world.join('alice');
    bob = await world.join('bob');
    gus = await world.join('gus', 'guest');
    general = world.team.defaultChannelId;
    const teamId = world.team.id;
    deck = (await alice.client.post('/api/v1/channels', { teamId, type: 'public', name: 'deck', displayName: 'Deck' })).body.channel.id;
    secret = (await alice.client.post('/api/v1/channels', { teamId, type: 'private', name: 'secret', displayName: 'Secret' })).body.channel
      .id;
    await alice.client.post(`/api/v1/channels/${secret}/members`, { userId: bob.id });
    await alice.client.post(`/api/v1/channels/${deck}/members`, { userId: gus.id });
    await bob.client.post(`/api/v1/channels/${deck}/join`);
    for (const [client, channel, message] of [
      [alice.client, general, 'Gale warning for the north sea tonight'],
      [bob.client, general, 'The gale gale gale is coming, reef the mainsail'],
      [alice.client, deck, 'Galley is open, soup for everyone'],
      [bob.client, deck, 'north wind rising, check the anchor'],
      [alice.client, secret, 'the secret anchorage is behind the gale island'],
    ] as const) {
      assert.equal((await client.post(`/api/v1/channels/${channel}/posts`, { message })).status, 201);
    }
  });

  after(async () => {
    await world?.dispose();
  });

  test('all words must match, in any order', async () => {
    assert.deepEqual(messages(await search(alice.client, 'north gale')), ['Gale warning for the north sea tonight']);
  });

  test('a quoted phrase matches only those words together', async () => {
    assert.deepEqual(messages(await search(alice.client, '"north wind"')), ['north wind rising, check the anchor']);
    assert.deepEqual(messages(await search(alice.client, '"wind north"')), []);
  });

  test('a prefix word matches every word it starts', async () => {
    const found = messages(await search(bob.client, 'gal*')).sort();
    assert.deepEqual(found, [
      'Gale warning for the north sea tonight',
      'Galley is open, soup for everyone',
      'The gale gale gale is coming, reef the mainsail',
      'the secret anchorage is behind the gale island',
    ]);
  });

  test('results are ranked: the post that says it more often comes first', async () => {
    const found = messages(await search(bob.client, 'gale'));
    assert.equal(found[0], 'The gale gale gale is coming, reef the mainsail');
  });

  test('the snippet marks each match as a character range', async () => {
    const response = await search(alice.client, 'warning');
    const { text, marks } = response.body.results[0].snippet;
    assert.equal(marks.length, 1);
    assert.equal(text.slice(marks[0][0], marks[0][1]), 'warning');
  });

  test('in:, from: and on: filter, and combine with words', async () => {
    assert.deepEqual(messages(await search(bob.client, 'anchor* in:deck')), ['north wind rising, check the anchor']);
    assert.deepEqual(messages(await search(bob.client, 'gale from:@alice')).sort(), [
      'Gale warning for the north sea tonight',
      'the secret anchorage is behind the gale island',
    ]);
    assert.equal((await search(bob.client, `gale on:${today}`)).body.results.length, 3);
    assert.equal((await search(bob.client, `gale before:${today}`)).body.results.length, 0);
    assert.equal((await search(bob.client, `gale after:${today}`)).body.results.length, 0);
    assert.deepEqual(messages(await search(alice.client, 'from:bob in:deck')), ['north wind rising, check the anchor']);
  });

  test('results page with offset and say when there are more', async () => {
    const first = await search(bob.client, 'gal*', '&limit=2');
    assert.equal(first.body.results.length, 2);
    assert.equal(first.body.hasMore, true);
    const second = await search(bob.client, 'gal*', '&limit=2&offset=2');
    assert.equal(second.body.results.length, 2);
    assert.equal(second.body.hasMore, false);
    const ids = [...first.body.results, ...second.body.results].map((result: { post: { id: string } }) => result.post.id);
    assert.equal(new Set(ids).size, 4);
  });

  test('a non-member finds nothing of a private channel, and a member stops finding it after leaving', async () => {
    const carol = await world.join('carol');
    assert.deepEqual(messages(await search(carol.client, 'anchorage')), []);
    assert.deepEqual(messages(await search(bob.client, 'anchorage')), ['the secret anchorage is behind the gale island']);
    assert.equal((await bob.client.post(`/api/v1/channels/${secret}/leave`)).status, 204);
    assert.deepEqual(messages(await search(bob.client, 'anchorage')), []);
    assert.deepEqual(messages(await search(bob.client, 'in:secret')), []);
  });

  test('a guest finds only what is in its own channels', async () => {
    assert.deepEqual(messages(await search(gus.client, 'gal*')), ['Galley is open, soup for everyone']);
  });

  test('edited posts are found by their new text and deleted posts not at all', async () => {
    const post = (await alice.client.post(`/api/v1/channels/${general}/posts`, { message: 'barometer falling fast' })).body.post;
    await alice.client.patch(`/api/v1/posts/${post.id}`, { message: 'barometer steady now' });
    assert.deepEqual(messages(await search(alice.client, 'falling')), []);
    assert.deepEqual(messages(await search(alice.client, 'steady')), ['barometer steady now']);
    await alice.client.delete(`/api/v1/posts/${post.id}`);
    assert.deepEqual(messages(await search(alice.client, 'barometer')), []);
  });

  test('file names are searchable, and has:file keeps only posts with files', async () => {
    const upload = await alice.client.request('POST', '/api/v1/files?name=biscay-forecast.grb', 'GRIB bytes', {
      'content-type': 'application/octet-stream',
    });
    assert.equal(upload.status, 201);
    const { hash, size, name, type } = upload.body;
    const sent = await alice.client.post(`/api/v1/channels/${general}/posts`, {
      message: 'tomorrow, see attached',
      files: [{ hash, size, name, type }],
    });
    assert.equal(sent.status, 201);
    assert.deepEqual(messages(await search(bob.client, 'biscay')), ['tomorrow, see attached']);
    assert.deepEqual(messages(await search(bob.client, 'has:file')), ['tomorrow, see attached']);
    assert.deepEqual(messages(await search(bob.client, 'tomorrow has:file from:alice')), ['tomorrow, see attached']);
    assert.deepEqual(messages(await search(bob.client, 'gale has:file')), []);
  });

  test('malformed search syntax is a clear 400, and FTS syntax in the text is only text', async () => {
    for (const q of ['"unclosed', 'on:2026-13-45', 'before:yesterday', 'has:photo', 'in:', '   ', '*']) {
      const response = await search(alice.client, q);
      assert.equal(response.status, 400, q);
      assert.equal(response.body.error.code, 'invalid_search', q);
    }
    for (const q of ['NEAR(gale north)', 'gale OR anchor', '-gale', 'message:gale', '^gale', 'gale AND', '(', '"" gale']) {
      const response = await search(alice.client, q);
      assert.equal(response.status, 200, q);
    }
  });
  test('control characters and every FTS5 operator in the text answer 200 or a clear 400, never 500', async () => {
    const controls = [...Array(32).keys(), 0x7f].map((code) => String.fromCharCode(code));
    const specials = [
      '"',
      '""',
      '"gale',
      'gale"',
      '" "',
      '*',
      '**',
      'gale*',
      '*gale',
      'ga*le',
      '^',
      '^gale',
      'gale^',
      '"^gale"',
      'NEAR',
      'NEAR(',
      'NEAR()',
      'NEAR(gale north)',
      'NEAR(gale north, 2)',
      'NEAR/2',
      'gale NEAR north',
      'AND',
      'OR',
      'NOT',
      'and',
      'gale AND north',
      'gale OR',
      'NOT gale',
      'gale NOT north',
      'AND OR NOT',
      '(',
      ')',
      '()',
      '(gale)',
      '(gale OR north) AND anchor',
      ')gale(',
      'gale)',
      '(((',
      ':',
      '::',
      'gale:',
      ':gale',
      'message:gale',
      '{message}:gale',
      '-message:gale',
      '{message name}:gale',
      'posts_fts:gale',
      '+',
      '-',
      'gale + north',
      'gale - north',
      ',',
      "'",
      '\\',
      '\\"',
      '%',
      '_',
      '\u2028',
      '\ufeff',
      '\u{1F600}',
      '"gale" "north"',
      'gale "north',
      '"a""b"',
      'in:deck NEAR(',
      'from:@',
      'from:"',
      'in:"deck"',
      'has:file*',
    ];
    const queries = [
      ...controls.flatMap((char) => [char, `gale${char}`, `${char}gale`, `gale${char}north`, `"gale${char}north"`, `gale${char}*`]),
      ...specials,
      ...specials.map((special) => `gale ${special}`),
      ...specials.map((special) => `${special}${String.fromCharCode(0)}`),
    ];
    const unclear: string[] = [];
    for (const q of queries) {
      const response = await search(alice.client, q);
      const clear = response.status === 200 || (response.status === 400 && response.body.error.code === 'invalid_search');
      if (!clear) unclear.push(`${JSON.stringify(q)} -> ${response.status} ${JSON.stringify(response.body)}`);
    }
    assert.deepEqual(unclear, []);
    // A control character separates words, as a space does.
    assert.deepEqual(messages(await search(alice.client, `north${String.fromCharCode(0)}gale`)), [
      'Gale warning for the north sea tonight',
    ]);
  });
});
