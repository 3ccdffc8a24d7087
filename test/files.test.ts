/**
 * Files over real HTTP: uploads streamed to disk (and everything wrong with them), attaching
 * uploads to posts, downloads with ranges and safe headers, the no-leak rule for private
 * channels, and the disk guard that stops files long before it stops text.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Client, newDataDir, removeDataDir, startHail, type ApiResponse } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

const MAX_FILE_BYTES = 1024 * 1024;

function assertError(response: ApiResponse, status: number, code: string): void {
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status} ${JSON.stringify(response.body)}`);
  assert.equal(response.body?.error?.code, code);
  assert.equal(typeof response.body.error.message, 'string');
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Bytes nobody else uploads, so each test owns its blobs. */
let unique = 0;
const someBytes = (size: number): Buffer => {
  const bytes = Buffer.alloc(size, `file ${++unique} `);
  bytes.writeUInt32BE(unique, 0);
  return bytes;
};

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('not really a picture, but it starts like one'),
]);

async function upload(
  client: Client,
  name: string,
  bytes: Buffer,
  options: { type?: string; sha256?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const query = new URLSearchParams({ name, ...(options.sha256 ? { sha256: options.sha256 } : {}) });
  const response = await fetch(`${client.baseUrl}/api/v1/files?${query}`, {
    method: 'POST',
    headers: {
      'content-type': options.type ?? 'application/octet-stream',
      ...(client.cookie ? { cookie: client.cookie } : {}),
      ...options.headers,
    },
    body: bytes,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function download(client: Client, hash: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${client.baseUrl}/api/v1/files/${hash}`, {
    headers: { ...(client.cookie ? { cookie: client.cookie } : {}), ...headers },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes, json: () => JSON.parse(bytes.toString()) };
}

/** The blobs a data directory holds, by hash, and the temp files of uploads in progress. */
const blobsOn = (dataDir: string): string[] => {
  const root = join(dataDir, 'files');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => name.length === 2)
    .flatMap((folder) => readdirSync(join(root, folder)));
};
const tempFiles = (dataDir: string): string[] =>
  existsSync(join(dataDir, 'files', 'tmp')) ? readdirSync(join(dataDir, 'files', 'tmp')) : [];

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('files', () => {
  let world: World;
  let alice: { client: Client; id: string };
  let bob: { client: Client; id: string };
  let gus: { client: Client; id: string };
  let counter = 0;

  before(async () => {
    world = await startWorld({ env: { HAIL_MAX_FILE_BYTES: String(MAX_FILE_BYTES) } });
    alice = await world.join('alice');
    bob = await world.join('bob');
    gus = await world.join('gus', 'guest');
  });
  after(async () => {
    await world.dispose();
  });

  const freshChannel = async (type: 'public' | 'private' = 'public'): Promise<string> => {
    const made = await alice.client.post('/api/v1/channels', {
      teamId: world.team.id,
      type,
      name: `hold-${++counter}`,
      displayName: `Hold ${counter}`,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return made.body.channel.id;
  };
  const uploaded = async (client: Client, name: string, bytes: Buffer, type?: string) => {
    const answer = await upload(client, name, bytes, type ? { type } : {});
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body as { hash: string; size: number; name: string; type: string };
  };
  const postFiles = (client: Client, channelId: string, files: unknown[], message = '') =>
    client.post(`/api/v1/channels/${channelId}/posts`, { message, files });

  describe('uploading', () => {
    test('an upload answers 201 with its hash, size, name and type, and the bytes are on disk under their hash', async () => {
      const bytes = someBytes(5000);
      const answer = await upload(alice.client, 'wind.grb', bytes, { type: 'application/x-grib; charset=binary' });
      assert.equal(answer.status, 201);
      assert.deepEqual(answer.body, { hash: sha256(bytes), size: 5000, name: 'wind.grb', type: 'application/x-grib' });
      const stored = join(world.hail.dataDir, 'files', sha256(bytes).slice(0, 2), sha256(bytes));
      assert.deepEqual(readFileSync(stored), bytes);
    });

    test('the same bytes are stored once: a repeat answers 200, another uploader 201, one blob on disk', async () => {
      const bytes = someBytes(3000);
      assert.equal((await upload(alice.client, 'a.bin', bytes)).status, 201);
      assert.equal((await upload(alice.client, 'again.bin', bytes)).status, 200);
      assert.equal((await upload(bob.client, 'b.bin', bytes)).status, 201);
      assert.equal(blobsOn(world.hail.dataDir).filter((hash) => hash === sha256(bytes)).length, 1);
    });

    test('an upload streamed without a length (chunked) is stored like any other', async () => {
      const bytes = someBytes(200_000);
      const answer = await rawUpload(world.hail.port, alice.client.cookie, 'chunked.bin', [
        bytes.subarray(0, 70_000),
        bytes.subarray(70_000),
      ]);
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      assert.equal(answer.body.hash, sha256(bytes));
      assert.deepEqual((await download(alice.client, sha256(bytes))).bytes, bytes);
    });

    test('with sha256 given, matching bytes are accepted and damaged ones refused with hash_mismatch, leaving nothing', async () => {
      const bytes = someBytes(4000);
      assert.equal((await upload(alice.client, 'ok.bin', bytes, { sha256: sha256(bytes) })).status, 201);
      const damaged = someBytes(4000);
      assertError(await upload(alice.client, 'bad.bin', damaged, { sha256: sha256(bytes) }), 400, 'hash_mismatch');
      assert.ok(!blobsOn(world.hail.dataDir).includes(sha256(damaged)));
      assert.deepEqual(tempFiles(world.hail.dataDir), []);
    });

    test('a malformed sha256 is invalid_file_hash, and a missing name invalid_file_name', async () => {
      assertError(await upload(alice.client, 'x.bin', someBytes(10), { sha256: 'ABC' }), 400, 'invalid_file_hash');
      const response = await fetch(`${world.hail.url}/api/v1/files`, {
        method: 'POST',
        headers: { cookie: alice.client.cookie },
        body: someBytes(10),
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as any).error.code, 'invalid_file_name');
    });

    test('a zero-byte file is refused with empty_file', async () => {
      assertError(await upload(alice.client, 'empty.txt', Buffer.alloc(0)), 400, 'empty_file');
      assert.deepEqual(tempFiles(world.hail.dataDir), []);
    });

    test('a file over the limit is refused with 413 file_too_large, by its declared length and while streaming', async () => {
      const big = someBytes(MAX_FILE_BYTES + 1);
      assertError(await upload(alice.client, 'big.bin', big), 413, 'file_too_large');
      const streamed = await rawUpload(world.hail.port, alice.client.cookie, 'big.bin', [big.subarray(0, 600_000), big.subarray(600_000)]);
      assert.equal(streamed.status, 413);
      assert.equal(streamed.body.error.code, 'file_too_large');
      assert.ok(!blobsOn(world.hail.dataDir).includes(sha256(big)));
      await eventually(() => tempFiles(world.hail.dataDir).length === 0, 'the refused upload leaves no temp file');
      assert.equal((await alice.client.get('/api/v1/me')).status, 200, 'the server still answers');
    });

    test('an upload cut off mid-body stores nothing and leaves no temp file', async () => {
      const bytes = someBytes(300_000);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(world.hail.port, '127.0.0.1', () => {
          socket.write(
            `POST /api/v1/files?name=cut.bin HTTP/1.1\r\nHost: 127.0.0.1:${world.hail.port}\r\nCookie: ${alice.client.cookie}\r\n` +
              `Content-Type: application/octet-stream\r\nContent-Length: ${bytes.length}\r\n\r\n`,
          );
          socket.write(bytes.subarray(0, 150_000), () => setTimeout(() => socket.destroy(), 100));
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
      await eventually(() => tempFiles(world.hail.dataDir).length === 0, 'the cut upload leaves no temp file');
      assert.ok(!blobsOn(world.hail.dataDir).includes(sha256(bytes)));
      // Had any row been recorded, attaching the bytes would work.
      const attach = await postFiles(alice.client, await freshChannel(), [
        { hash: sha256(bytes), name: 'cut.bin', type: 'application/octet-stream', size: bytes.length },
      ]);
      assertError(attach, 400, 'file_not_uploaded');
    });

    test('path tricks in the name are refused with invalid_file_name', async () => {
      for (const name of ['../../etc/passwd', 'a/b.txt', '..', '.', 'c:\\windows\\x.txt', 'bell\u0007.txt', 'line\nbreak.txt', '']) {
        assertError(await upload(alice.client, name, someBytes(10)), 400, 'invalid_file_name');
      }
    });

    test('uploading needs a login, and a cookie from another site is refused', async () => {
      assertError(await upload(world.client(), 'anon.bin', someBytes(10)), 401, 'unauthorized');
      assertError(
        await upload(alice.client, 'csrf.bin', someBytes(10), { headers: { origin: 'http://evil.example' } }),
        403,
        'cross_origin',
      );
    });
  });

  describe('attaching', () => {
    test("a post with files shows them, with an image's size and thumbnail", async () => {
      const channel = await freshChannel();
      const picture = await uploaded(alice.client, 'bay.png', Buffer.concat([PNG, someBytes(1000)]), 'image/png');
      const thumbnail = await uploaded(alice.client, 'bay-thumb.png', Buffer.concat([PNG, someBytes(100)]), 'image/png');
      const grib = await uploaded(alice.client, 'wind.grb', someBytes(2000), 'application/x-grib');
      const files = [
        {
          hash: picture.hash,
          name: 'bay.png',
          type: 'image/png',
          size: picture.size,
          width: 640,
          height: 480,
          thumbnailHash: thumbnail.hash,
        },
        { hash: grib.hash, name: 'wind.grb', type: 'application/x-grib', size: grib.size },
      ];
      const sent = await postFiles(alice.client, channel, files);
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const expected = [
        { ...files[0], width: 640, height: 480 },
        { ...files[1], width: null, height: null, thumbnailHash: null },
      ];
      assert.deepEqual(sent.body.post.files, expected);
      assert.equal(sent.body.post.message, '');
      assert.deepEqual((await alice.client.get(`/api/v1/posts/${sent.body.post.id}`)).body.post.files, expected);
      const page = await bob.client.get(`/api/v1/channels/${channel}/posts`);
      assert.deepEqual(page.body.posts.at(-1).files, expected);
    });

    test('a post without files shows an empty list', async () => {
      const sent = await alice.client.post(`/api/v1/channels/${await freshChannel()}/posts`, { message: 'just text' });
      assert.deepEqual(sent.body.post.files, []);
    });

    test('more than ten files are refused with too_many_files', async () => {
      const file = await uploaded(alice.client, 'one.bin', someBytes(100));
      const eleven = Array.from({ length: 11 }, (_, index) => ({
        hash: file.hash,
        name: `copy-${index}.bin`,
        type: 'application/octet-stream',
        size: file.size,
      }));
      assertError(await postFiles(alice.client, await freshChannel(), eleven), 400, 'too_many_files');
      assert.equal((await postFiles(alice.client, await freshChannel(), eleven.slice(0, 10))).status, 201);
    });

    test('an unknown hash, or bytes someone else uploaded, is file_not_uploaded', async () => {
      const channel = await freshChannel();
      const never = { hash: 'a'.repeat(64), name: 'ghost.bin', type: 'application/octet-stream', size: 10 };
      assertError(await postFiles(alice.client, channel, [never]), 400, 'file_not_uploaded');
      const bobs = await uploaded(bob.client, 'bobs.bin', someBytes(100));
      assertError(
        await postFiles(alice.client, channel, [{ hash: bobs.hash, name: 'bobs.bin', type: 'application/octet-stream', size: bobs.size }]),
        400,
        'file_not_uploaded',
      );
      const mine = await uploaded(alice.client, 'mine.png', Buffer.concat([PNG, someBytes(10)]));
      const withGhostThumbnail = { hash: mine.hash, name: 'mine.png', type: 'image/png', size: mine.size, thumbnailHash: 'b'.repeat(64) };
      assertError(await postFiles(alice.client, channel, [withGhostThumbnail]), 400, 'file_not_uploaded');
    });

    test('a wrong size is file_size_mismatch, a path in the name invalid_file_name, a bad hash invalid_file_hash', async () => {
      const channel = await freshChannel();
      const file = await uploaded(alice.client, 'log.txt', someBytes(300));
      const ref = { hash: file.hash, name: 'log.txt', type: 'text/plain', size: file.size };
      assertError(await postFiles(alice.client, channel, [{ ...ref, size: 299 }]), 400, 'file_size_mismatch');
      for (const name of ['../log.txt', 'logs/log.txt', '..', 'nul\u0000.txt'])
        assertError(await postFiles(alice.client, channel, [{ ...ref, name }]), 400, 'invalid_file_name');
      assertError(await postFiles(alice.client, channel, [{ ...ref, hash: 'not-a-hash' }]), 400, 'invalid_file_hash');
    });
  });

  describe('downloading', () => {
    test('the bytes come back whole, as an attachment with the stored name, with headers that stop a browser running them', async () => {
      const channel = await freshChannel();
      const bytes = someBytes(700_000);
      const file = await uploaded(alice.client, 'x.bin', bytes);
      const name = 'météo "7 days" ☀.grb';
      assert.equal(
        (await postFiles(alice.client, channel, [{ hash: file.hash, name, type: 'application/x-grib', size: file.size }])).status,
        201,
      );
      const got = await download(bob.client, file.hash);
      assert.equal(got.status, 200);
      assert.deepEqual(got.bytes, bytes);
      assert.equal(got.headers.get('content-type'), 'application/octet-stream');
      assert.equal(got.headers.get('content-length'), String(bytes.length));
      assert.equal(
        got.headers.get('content-disposition'),
        `attachment; filename="m_t_o _7 days_ _.grb"; filename*=UTF-8''${encodeURIComponent(name)}`,
      );
      assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(got.headers.get('content-security-policy'), "sandbox; default-src 'none'");
      assert.equal(got.headers.get('accept-ranges'), 'bytes');
    });

    test('PNG, JPEG, GIF and WebP are shown inline as images; HTML, SVG and a fake image are plain attachments', async () => {
      const channel = await freshChannel();
      const cases: [string, Buffer, string, string][] = [
        ['p.png', Buffer.concat([PNG, someBytes(20)]), 'image/png', 'image/png'],
        ['j.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), someBytes(20)]), 'image/jpeg', 'image/jpeg'],
        ['g.gif', Buffer.concat([Buffer.from('GIF89a'), someBytes(20)]), 'image/gif', 'image/gif'],
        [
          'w.webp',
          Buffer.concat([Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ', 'latin1'), someBytes(20)]),
          'image/webp',
          'image/webp',
        ],
        ['page.html', Buffer.from(`<html><script>alert(${++unique})</script></html>`), 'text/html', 'application/octet-stream'],
        [
          'logo.svg',
          Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(${++unique})</script></svg>`),
          'image/svg+xml',
          'application/octet-stream',
        ],
        ['fake.png', Buffer.from(`<script>alert(${++unique})</script>`), 'image/png', 'application/octet-stream'],
      ];
      for (const [name, bytes, declared, served] of cases) {
        const file = await uploaded(alice.client, name, bytes, declared);
        assert.equal((await postFiles(alice.client, channel, [{ hash: file.hash, name, type: declared, size: file.size }])).status, 201);
        const got = await download(bob.client, file.hash);
        assert.equal(got.headers.get('content-type'), served, name);
        assert.match(got.headers.get('content-disposition')!, served === 'application/octet-stream' ? /^attachment;/ : /^inline;/, name);
        assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
      }
    });

    test('one byte range is answered with 206 and Content-Range; several ranges get the whole file', async () => {
      const bytes = someBytes(10_000);
      const file = await uploaded(alice.client, 'r.bin', bytes);
      const middle = await download(alice.client, file.hash, { range: 'bytes=100-199' });
      assert.equal(middle.status, 206);
      assert.equal(middle.headers.get('content-range'), 'bytes 100-199/10000');
      assert.deepEqual(middle.bytes, bytes.subarray(100, 200));
      const tail = await download(alice.client, file.hash, { range: 'bytes=9990-' });
      assert.deepEqual([tail.status, tail.bytes], [206, bytes.subarray(9990)]);
      const suffix = await download(alice.client, file.hash, { range: 'bytes=-5' });
      assert.deepEqual(
        [suffix.status, suffix.headers.get('content-range'), suffix.bytes],
        [206, 'bytes 9995-9999/10000', bytes.subarray(9995)],
      );
      const beyondEnd = await download(alice.client, file.hash, { range: 'bytes=9000-20000' });
      assert.deepEqual([beyondEnd.status, beyondEnd.bytes], [206, bytes.subarray(9000)]);
      const several = await download(alice.client, file.hash, { range: 'bytes=0-1,5-6' });
      assert.deepEqual([several.status, several.bytes.length], [200, 10_000]);
    });

    test('a range that starts past the end is 416 with the size in Content-Range', async () => {
      const file = await uploaded(alice.client, 'short.bin', someBytes(50));
      const got = await download(alice.client, file.hash, { range: 'bytes=50-' });
      assert.equal(got.status, 416);
      assert.equal(got.headers.get('content-range'), 'bytes */50');
      assert.equal(got.json().error.code, 'range_not_satisfiable');
    });

    test('a download abandoned halfway does not disturb the server', async () => {
      const file = await uploaded(alice.client, 'long.bin', someBytes(MAX_FILE_BYTES));
      await new Promise<void>((resolve) => {
        const request = httpRequest(
          `${world.hail.url}/api/v1/files/${file.hash}`,
          { headers: { cookie: alice.client.cookie } },
          (response) => {
            response.once('data', () => {
              request.destroy();
              resolve();
            });
          },
        );
        request.on('error', () => resolve());
        request.end();
      });
      assert.deepEqual((await download(alice.client, file.hash)).bytes.length, MAX_FILE_BYTES);
    });
  });

  describe('who may download', () => {
    let secret: string;
    let file: { hash: string; size: number };
    let thumbnail: { hash: string; size: number };
    let postId: string;

    before(async () => {
      secret = await freshChannel('private');
      file = await uploaded(alice.client, 'chart.png', Buffer.concat([PNG, someBytes(500)]), 'image/png');
      thumbnail = await uploaded(alice.client, 'chart-thumb.png', Buffer.concat([PNG, someBytes(50)]), 'image/png');
      const sent = await postFiles(alice.client, secret, [
        { hash: file.hash, name: 'chart.png', type: 'image/png', size: file.size, width: 10, height: 10, thumbnailHash: thumbnail.hash },
      ]);
      assert.equal(sent.status, 201);
      postId = sent.body.post.id;
    });

    test("a non-member gets 404 for a private channel's file and for its thumbnail, as for a file that does not exist", async () => {
      for (const hash of [file.hash, thumbnail.hash, 'c'.repeat(64), 'not-a-hash']) {
        const got = await download(bob.client, hash);
        assert.equal(got.status, 404, hash);
        assert.equal(got.json().error.code, 'file_not_found');
      }
    });

    test('a guest outside the channel gets 404; once added, the file and thumbnail download', async () => {
      assert.equal((await download(gus.client, file.hash)).status, 404);
      assert.equal((await download(gus.client, thumbnail.hash)).status, 404);
      assert.equal((await alice.client.post(`/api/v1/channels/${secret}/members`, { userId: gus.id })).status, 204);
      assert.equal((await download(gus.client, file.hash)).status, 200);
      assert.equal((await download(gus.client, thumbnail.hash)).status, 200);
      assert.equal((await alice.client.delete(`/api/v1/channels/${secret}/members/${gus.id}`)).status, 204);
      assert.equal((await download(gus.client, file.hash)).status, 404, 'leaving the channel ends access');
    });

    test('nobody logged out downloads anything', async () => {
      assert.equal((await download(world.client(), file.hash)).status, 401);
    });

    test('an upload not yet posted is readable by its uploader only', async () => {
      const draft = await uploaded(bob.client, 'draft.bin', someBytes(64));
      assert.equal((await download(bob.client, draft.hash)).status, 200);
      assert.equal((await download(alice.client, draft.hash)).status, 404);
    });

    test('once its post is deleted, a file is reachable only by its uploader', async () => {
      assert.equal((await alice.client.post(`/api/v1/channels/${secret}/members`, { userId: bob.id })).status, 204);
      assert.equal((await download(bob.client, file.hash)).status, 200);
      assert.equal((await alice.client.delete(`/api/v1/posts/${postId}`)).status, 204);
      assert.equal((await download(bob.client, file.hash)).status, 404);
      assert.equal((await download(bob.client, thumbnail.hash)).status, 404);
      assert.equal((await download(alice.client, file.hash)).status, 200);
    });
  });

  test('the admin status shows the disk, its floors, and what files and the database take', async () => {
    const status = await world.admin.get('/api/v1/status');
    assert.equal(status.status, 200);
    const { disk, filesBytes, databaseBytes } = status.body;
    assert.ok(disk.freeBytes > 0);
    assert.deepEqual([disk.uploadFloorBytes, disk.writeFloorBytes], [1024 * 1024 * 1024, 64 * 1024 * 1024]);
    assert.equal(disk.uploadsAllowed, disk.freeBytes >= disk.uploadFloorBytes);
    assert.equal(disk.writesAllowed, disk.freeBytes >= disk.writeFloorBytes);
    const onDisk = blobsOn(world.hail.dataDir).reduce(
      (total, hash) => total + readFileSync(join(world.hail.dataDir, 'files', hash.slice(0, 2), hash)).length,
      0,
    );
    assert.equal(filesBytes, onDisk);
    assert.ok(databaseBytes > 0);
  });
});

describe('the disk guard', () => {
  test('under the upload floor files are refused with 507 while text still posts; under the write floor every write is refused', async () => {
    const dataDir = newDataDir();
    const huge = String(1024 ** 5);
    const world = await startWorld({ dataDir, env: { HAIL_UPLOAD_FLOOR_BYTES: huge } });
    const channel = world.team.defaultChannelId;
    try {
      const refused = await upload(world.admin, 'weather.grb', someBytes(1000));
      assertError(refused, 507, 'insufficient_storage');
      assert.match(refused.body.error.message, /disk/);
      assert.equal((await world.admin.post(`/api/v1/channels/${channel}/posts`, { message: 'text still works' })).status, 201);
      const status = (await world.admin.get('/api/v1/status')).body;
      assert.deepEqual([status.disk.uploadsAllowed, status.disk.writesAllowed, status.disk.uploadFloorBytes], [false, true, Number(huge)]);
    } finally {
      await world.stop();
    }
    const hail = await startHail({ dataDir, env: { HAIL_WRITE_FLOOR_BYTES: huge } });
    try {
      const admin = new Client(hail.url);
      admin.cookie = world.admin.cookie;
      assertError(await admin.post(`/api/v1/channels/${channel}/posts`, { message: 'no room' }), 507, 'insufficient_storage');
      const history = await admin.get(`/api/v1/channels/${channel}/posts`);
      assert.equal(history.status, 200, 'reading still works');
      assert.ok(history.body.posts.some((post: { message: string }) => post.message === 'text still works'));
      assert.equal((await admin.get('/api/v1/status')).body.disk.writesAllowed, false);
    } finally {
      await hail.stop();
      removeDataDir(dataDir);
    }
  });
});

/** A raw upload with Transfer-Encoding: chunked (no length up front), the chunks sent as given. */
function rawUpload(port: number, cookie: string, name: string, chunks: Buffer[]): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/files?name=${encodeURIComponent(name)}`,
        headers: { cookie, 'content-type': 'application/octet-stream' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode!, body: text ? JSON.parse(text) : undefined, headers: new Headers() }),
        );
      },
    );
    request.on('error', reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}
