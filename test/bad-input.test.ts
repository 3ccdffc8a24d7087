/**
 * Bad input never crashes the server and never loses data: every endpoint answers malformed
 * bodies with a 4xx and a machine-readable code, oversized bodies with 413, and WebSocket
 * frames of every wrong kind with an error frame or a clean close.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startWorld, type World } from './helpers/world.js';
import { ROUTES } from '../src/http/routes/index.js';

const GARBAGE_BODIES = [
  '{',
  '[]',
  'null',
  '"text"',
  '42',
  '{"unknown":1}',
  '{"message":{"$gt":""}}',
  JSON.stringify({ message: 'x'.repeat(20000) }),
  '{"id":"../../etc/passwd"}',
  '\u0000\u0001binary',
];

describe('bad input', () => {
  let world: World;
  let channelId: string;
  let postId: string;

  before(async () => {
    world = await startWorld({ env: { HAIL_MAX_BODY_BYTES: '65536' } });
    channelId = world.team.defaultChannelId;
    postId = (await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: 'must survive' })).body.post.id;
  });

  after(async () => {
    await world?.dispose();
  });

  test('every endpoint answers garbage with a 4xx error code, never a 5xx', async () => {
    const ids: Record<string, string> = { id: channelId, userId: '00000000-0000-0000-0000-000000000000', emoji: 'thumbsup', token: 'nope' };
    const bot = (await world.admin.post('/api/v1/me/tokens', { name: 'fuzzer' })).body.token as string;
    // Logging out would end the fuzzer's own session halfway through.
    for (const route of ROUTES.filter((candidate) => candidate.path !== '/api/v1/auth/logout')) {
      const method = route.method === 'del' ? 'DELETE' : route.method.toUpperCase();
      for (const params of [ids, { id: 'not-an-id', userId: '%00', emoji: '<script>', token: '' }]) {
        const path = route.path.replace(/:(\w+)/g, (_match, name: string) => encodeURIComponent(params[name] ?? 'x'));
        const bodies = method === 'GET' || method === 'DELETE' ? [undefined] : GARBAGE_BODIES;
        for (const body of bodies) {
          const response = await fetch(world.hail.url + path + (method === 'GET' ? '?limit=abc&before=zz' : ''), {
            method,
            headers: { authorization: `Bearer ${bot}`, 'content-type': 'application/json' },
            body,
          });
          const text = await response.text();
          assert.ok(response.status < 500, `${method} ${path} with ${String(body).slice(0, 30)} gave ${response.status} ${text}`);
          if (response.status >= 400) assert.match(JSON.parse(text).error.code, /^[a-z_]+$/, `${method} ${path}`);
        }
      }
    }
    const health = await fetch(`${world.hail.url}/healthz`);
    assert.equal(health.status, 200);
  });

  test('malformed JSON is 400 invalid_json and an unknown field is 400 invalid_body', async () => {
    const malformed = await world.admin.request('POST', `/api/v1/channels/${channelId}/posts`, '{"message":');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'invalid_json');
    const unknown = await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: 'hi', sneaky: true });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'invalid_body');
    assert.match(unknown.body.error.message, /sneaky|additional/i);
  });

  test('a JSON body that is not valid UTF-8 is 400 invalid_utf8 and stores nothing', async () => {
    const before = (await world.admin.get(`/api/v1/channels/${channelId}/posts`)).body.posts.length;
    const json = (message: Buffer) => Buffer.concat([Buffer.from('{"message":"'), message, Buffer.from('"}')]);
    // A stray continuation byte, a truncated sequence, an overlong "/", a UTF-16 surrogate written as UTF-8.
    for (const bad of [[0x80], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]]) {
      const response = await fetch(`${world.hail.url}/api/v1/channels/${channelId}/posts`, {
        method: 'POST',
        headers: { cookie: world.admin.cookie, 'content-type': 'application/json' },
        body: json(Buffer.from([0x61, ...bad, 0x62])),
      });
      const answer = (await response.json()) as { error: { code: string } };
      assert.equal(response.status, 400, `${bad}: ${JSON.stringify(answer)}`);
      assert.equal(answer.error.code, 'invalid_utf8');
    }
    assert.equal((await world.admin.get(`/api/v1/channels/${channelId}/posts`)).body.posts.length, before);
  });

  test('a body that is not JSON is 415, and one over the size limit is 413', async () => {
    const form = await world.admin.request('POST', `/api/v1/channels/${channelId}/posts`, 'message=hi', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(form.status, 415);
    assert.equal(form.body.error.code, 'unsupported_media_type');
    const huge = await world.admin.request('POST', `/api/v1/channels/${channelId}/posts`, JSON.stringify({ message: 'x'.repeat(100_000) }));
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'body_too_large');
  });

  test('a cookie-authenticated write from another origin is refused', async () => {
    const response = await world.admin.request(
      'POST',
      `/api/v1/channels/${channelId}/posts`,
      { message: 'csrf' },
      { origin: 'http://evil.example' },
    );
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, 'cross_origin');
  });

  test('bad WebSocket frames get an error frame and the socket keeps working', async () => {
    const socket = await world.admin.socket();
    await socket.resume((await socket.next('hello')).feedSeq);
    for (const frame of [
      'not json',
      '{"type":"resume"}',
      '{"type":"nope"}',
      '[]',
      '{"type":"resume","since":-1}',
      '{"type":"typing","channelId":"x"}',
    ]) {
      socket.send(frame);
      const error = await socket.next('error');
      assert.match(error.error.code, /^invalid_(json|frame)$/, frame);
    }
    await world.admin.post(`/api/v1/channels/${channelId}/posts`, { message: 'still live' });
    await socket.until((frames) => frames.some((frame) => frame.event?.data?.message === 'still live'));
    await socket.close();
  });

  test('a binary frame closes the socket with 1003 and an oversized frame closes it too', async () => {
    // uWS drops an oversized frame's connection at once; whether a 1009 close frame gets out first depends on timing.
    for (const [payload, codes] of [
      [Buffer.from([1, 2, 3]), [1003]],
      ['x'.repeat(64 * 1024), [1006, 1009]],
    ] as const) {
      const ws = new WebSocket(world.hail.url.replace('http', 'ws') + '/api/v1/ws', { headers: { cookie: world.admin.cookie } });
      await new Promise((done) => ws.once('open', done));
      const closed = new Promise<number>((done) => ws.once('close', (closeCode) => done(closeCode)));
      ws.send(payload);
      assert.ok((codes as readonly number[]).includes(await closed));
    }
  });

  test('after all of that, the server still serves and nothing was lost', async () => {
    const page = await world.admin.get(`/api/v1/channels/${channelId}/posts`);
    assert.equal(page.status, 200);
    assert.ok(page.body.posts.some((post: { id: string; message: string }) => post.id === postId && post.message === 'must survive'));
    assert.equal(world.hail.child.exitCode, null);
  });
});
