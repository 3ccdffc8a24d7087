/**
 * The server serves the built web client: hashed files cached forever and precompressed,
 * index.html and the service worker never stale, the app's paths answered with the app, and
 * the API's and other pages' paths left alone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { after, before, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { removeDataDir, startHail, type HailProcess } from './helpers/server.js';

let hail: HailProcess;
const index = readFileSync('dist/web/index.html', 'utf8');
const entry = /src="(\/app-[A-Z0-9]{8}\.js)"/.exec(index)![1]!;

before(async () => {
  hail = await startHail();
});
after(async () => {
  await hail.stop();
  removeDataDir(hail.dataDir);
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(hail.url + path, { headers });

/** The bytes as sent: fetch would undo the content encoding this suite checks. */
function raw(path: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((done, fail) => {
    httpGet(hail.url + path, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', fail);
  });
}

test('a hashed script is immutable and comes as brotli when the browser accepts it', async () => {
  const response = await raw(entry, { 'accept-encoding': 'gzip, br' });
  assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(response.headers['content-encoding'], 'br');
  assert.match(response.headers['content-type']!, /javascript/);
  assert.deepEqual(brotliDecompressSync(response.body), readFileSync(`dist/web${entry}`));
});

test('gzip is chosen when brotli is not accepted, and nothing when neither is', async () => {
  const gzipped = await raw(entry, { 'accept-encoding': 'gzip' });
  assert.equal(gzipped.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gzipped.body), readFileSync(`dist/web${entry}`));
  const plain = await raw(entry, { 'accept-encoding': 'identity' });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers.vary, 'Accept-Encoding');
  assert.deepEqual(plain.body, readFileSync(`dist/web${entry}`));
});

test('index.html and the service worker are revalidated on every visit', async () => {
  for (const path of ['/', '/sw.js']) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('cache-control'), 'no-cache', path);
    const etag = response.headers.get('etag')!;
    assert.equal((await get(path, { 'if-none-match': etag })).status, 304, path);
  }
});

test('the app answers its own paths; the API, health and unknown paths are not taken', async () => {
  for (const path of [
    '/',
    '/c/0190a1b2-0000-7000-8000-000000000000',
    '/invite/abc',
    '/reset/abc',
    '/settings',
    '/search',
    '/mentions',
    '/admin',
  ]) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.match(await response.text(), /<div id="app">/, path);
  }
  const api = await get('/api/v1/nothing-here');
  assert.equal(api.status, 404);
  assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'not_found');
  assert.deepEqual(await (await get('/healthz')).json(), { ok: true });
  assert.equal((await get('/wp-admin/setup.php')).status, 404);
  assert.equal(((await (await get('/api/v1/setup')).json()) as { needed: boolean }).needed, true);
});

test('every HTML page sends a strict Content-Security-Policy: only the box, no framing', async () => {
  for (const path of ['/', '/index.html', '/c/0190a1b2-0000-7000-8000-000000000000', '/settings', '/join', '/trust']) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get('content-type')!, /^text\/html/, path);
    const policy = new Map(
      (response.headers.get('content-security-policy') ?? '').split(';').map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name!, values] as const;
      }),
    );
    assert.deepEqual(policy.get('default-src'), ["'none'"], path);
    assert.deepEqual(policy.get('frame-ancestors'), ["'none'"], path);
    // Images from the box only (and, on the app page, its own blob: previews of files being sent).
    for (const source of policy.get('img-src') ?? [])
      assert.ok(["'self'", 'blob:', 'data:'].includes(source) || source.startsWith("'sha256-"), `${path}: img-src ${source}`);
    for (const directive of ['script-src', 'style-src', 'connect-src']) {
      for (const source of policy.get(directive) ?? [])
        assert.doesNotMatch(source, /unsafe|\*|^https?:$/, `${path}: ${directive} ${source}`);
    }
  }
  const app = (await get('/')).headers.get('content-security-policy')!;
  const host = new URL(hail.url).host;
  assert.match(app, new RegExp(`connect-src 'self' ws://${host} wss://${host}(;|$)`));
  assert.match(app, /img-src 'self' blob:(;|$)/);
});

test('every icon the manifest and the page name is served, PNGs at the size they claim', async () => {
  const manifest = (await (await get('/manifest.webmanifest')).json()) as { icons: { src: string; sizes: string; type: string }[] };
  const appleIcon = /<link rel="apple-touch-icon" href="([^"]+)">/.exec(index)?.[1];
  assert.ok(appleIcon, 'index.html names an apple-touch-icon');
  const icons = [...manifest.icons, { src: appleIcon, sizes: '180x180', type: 'image/png' }];
  assert.ok(
    icons.some((icon) => icon.type === 'image/png' && icon.sizes === '512x512'),
    'a 512 px PNG for launchers that take no SVG',
  );
  for (const icon of icons) {
    const response = await get(icon.src);
    assert.equal(response.status, 200, icon.src);
    assert.equal(response.headers.get('content-type'), icon.type, icon.src);
    if (icon.type !== 'image/png') continue;
    // A PNG's IHDR chunk holds its width and height at bytes 16 and 20.
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`, icon.sizes, icon.src);
  }
});
