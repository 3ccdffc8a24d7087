/**
 * Serves the web client built into dist/web (scripts/build-web.mjs).
 *
 * Files whose names carry a content hash never change: they are cached for a year as
 * immutable. index.html and sw.js keep fixed names, so they are served with `no-cache` and an
 * ETag: a phone always learns of a new version on its next visit, and a service worker update
 * is never held back by the HTTP cache. Every file was compressed at build time; the answer is
 * the .br or .gz sibling the browser accepts, so a Pi never compresses per request.
 *
 * The app's own paths (/, /c/<channel>, /invite/<token>, ...) answer index.html; the client
 * routes them. Everything else falls through to the routes registered after this one.
 * The whole folder is read once at start: it is a few hundred kilobytes.
 *
 * The app page carries a strict Content-Security-Policy: scripts, styles, images, media and
 * connections only from the box itself, and no framing by other sites. Images especially: a
 * post's remote image would tell its server who read the post and when, so the page may not
 * load one (the markdown renderer shows it as a link instead).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { acceptedEncodings } from './compression.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const HASHED = /-[A-Z0-9]{8}\.[a-z]+$/;
/** Paths the client app routes itself (first segment); others belong to the server. */
const APP_PATHS = new Set(['', 'c', 'invite', 'reset', 'settings', 'search', 'mentions', 'admin', 'setup', 'login']);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

interface Asset {
  readonly type: string;
  readonly cacheControl: string;
  readonly etag: string;
  readonly identity: Buffer;
  readonly gzip: Buffer | undefined;
  readonly brotli: Buffer | undefined;
}

/**
 * dist/web sits beside the bundle's entry (dist/hail.js); this module may be bundled into it
 * or into a chunk one folder down (dist/chunks/), so both places are tried.
 */
export function findWebRoot(): string | undefined {
  for (const candidate of ['./web', '../web']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

export function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const names = readdirSync(root, { recursive: true }).map(String);
  for (const name of names) {
    const file = join(root, name);
    if (name.endsWith('.gz') || name.endsWith('.br') || !statSync(file).isFile()) continue;
    const identity = readFileSync(file);
    const sibling = (suffix: string) => (existsSync(file + suffix) ? readFileSync(file + suffix) : undefined);
    assets.set('/' + relative(root, file).split(sep).join('/'), {
      type: TYPES[extname(name)] ?? 'application/octet-stream',
      cacheControl: HASHED.test(name) ? IMMUTABLE : 'no-cache',
      etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`,
      identity,
      gzip: sibling('.gz'),
      brotli: sibling('.br'),
    });
  }
  return assets;
}

/** Picks the smallest encoding the client accepts (a q=0 refuses one). */
function encodingFor(asset: Asset, acceptEncoding: string): ['br' | 'gzip' | undefined, Buffer] {
  const accepted = acceptedEncodings(acceptEncoding);
  if (asset.brotli && accepted.has('br')) return ['br', asset.brotli];
  if (asset.gzip && accepted.has('gzip')) return ['gzip', asset.gzip];
  return [undefined, asset.identity];
}

/**
 * The app page's policy. blob: images and media are the page's own previews of files about to
 * be sent. The WebSocket's URLs are named as well as 'self': Safari before 15.4 does not count
 * ws: and wss: as 'self'. A Host header that is not a plain host[:port] adds nothing.
 */
export function appPolicy(host: string): string {
  const sockets = /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const isHtml = (asset: Asset): boolean => asset.type.startsWith('text/html');

function send(res: HttpResponse, asset: Asset, acceptEncoding: string, ifNoneMatch: string, host: string): void {
  res.cork(() => {
    if (ifNoneMatch === asset.etag) {
      res.writeStatus('304 Not Modified').writeHeader('ETag', asset.etag).writeHeader('Cache-Control', asset.cacheControl).end();
      return;
    }
    const [encoding, body] = encodingFor(asset, acceptEncoding);
    res.writeStatus('200 OK');
    res.writeHeader('Content-Type', asset.type);
    res.writeHeader('Cache-Control', asset.cacheControl);
    res.writeHeader('ETag', asset.etag);
    res.writeHeader('Vary', 'Accept-Encoding');
    res.writeHeader('X-Content-Type-Options', 'nosniff');
    if (isHtml(asset)) res.writeHeader('Content-Security-Policy', appPolicy(host));
    if (encoding) res.writeHeader('Content-Encoding', encoding);
    res.end(body);
  });
}

/** Registers the web client on `app`; does nothing when the client was not built. */
export function registerStatic(app: TemplatedApp, root: string | undefined = findWebRoot()): void {
  if (!root) return;
  const assets = loadAssets(root);
  const index = assets.get('/index.html');
  if (!index) return;
  app.get('/*', (res: HttpResponse, req: HttpRequest) => {
    const path = req.getUrl();
    const asset = assets.get(path) ?? (APP_PATHS.has(path.split('/')[1] ?? '') ? index : undefined);
    if (!asset) {
      req.setYield(true); // not ours: the API's not-found answer (or a later route) takes it
      return;
    }
    send(res, asset, req.getHeader('accept-encoding'), req.getHeader('if-none-match'), req.getHeader('host'));
  });
}
