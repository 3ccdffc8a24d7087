/**
 * The API's JSON comes compressed when the client accepts it and the answer is big enough to
 * gain: brotli before gzip, nothing for a refused (q=0) or unnamed encoding, nothing for small
 * answers; the bytes decompress to exactly the JSON sent uncompressed.
 */
import assert from 'node:assert/strict';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { after, before, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startWorld, type World } from './helpers/world.js';

let world: World;
let postsPath = '';

before(async () => {
  world = await startWorld();
  postsPath = `/api/v1/channels/${world.team.defaultChannelId}/posts?limit=200`;
  for (let n = 1; n <= 60; n++)
    await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/posts`, { message: `the log of the day, entry ${n}` });
});

after(async () => {
  await world?.dispose();
});

/** The bytes as sent, with the admin's session: fetch would undo the encoding this suite checks. */
function raw(path: string, acceptEncoding?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const headers: Record<string, string> = {
    cookie: world.admin.cookie,
    ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }),
  };
  return new Promise((done, fail) => {
    httpGet(world.hail.url + path, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', fail);
  });
}

test('a page of posts comes as brotli, or gzip, as the client accepts, and decodes to the same JSON', async () => {
  const plain = await raw(postsPath);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.body.length > 4096, `${plain.body.length} bytes of JSON`);
  assert.match(String(plain.headers.vary), /Accept-Encoding/i);

  const brotli = await raw(postsPath, 'gzip, deflate, br');
  assert.equal(brotli.headers['content-encoding'], 'br');
  assert.deepEqual(brotliDecompressSync(brotli.body), plain.body);
  const gzip = await raw(postsPath, 'gzip, br;q=0');
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gzip.body), plain.body);
  console.log(`# a page of 60 posts: ${plain.body.length} bytes, ${gzip.body.length} gzip, ${brotli.body.length} brotli`);
  assert.ok(brotli.body.length < plain.body.length / 3 && gzip.body.length < plain.body.length / 3);

  assert.equal((await raw(postsPath, 'deflate, identity')).headers['content-encoding'], undefined);
  assert.equal((await raw(postsPath, 'gzip;q=0')).headers['content-encoding'], undefined);
});

test('a small answer and an error go uncompressed', async () => {
  const me = await raw('/api/v1/me', 'gzip, br');
  assert.equal(me.status, 200);
  assert.equal(me.headers['content-encoding'], undefined);
  assert.ok(me.body.length < 1024);
  const missing = await raw('/api/v1/posts/nothing-here', 'gzip, br');
  assert.equal(missing.headers['content-encoding'], undefined);
  assert.equal(JSON.parse(String(missing.body)).error.code !== undefined, true);
});
