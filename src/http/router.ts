/**
 * Routes are data: method, path, who may call, the schemas of body and query, a summary, and
 * a handler. The same list registers the uWebSockets.js handlers and writes docs/API.md, so
 * the reference cannot drift from what is served.
 *
 * A handler parses nothing itself: by the time it runs, the body and query have passed their
 * schemas, the caller is authenticated as the route requires, and cross-site writes with a
 * cookie are refused. It builds ops, calls commit, and shapes the answer.
 *
 * Bodies are JSON, except for routes marked `rawBody` (file uploads): their handler reads the
 * bytes chunk by chunk as they arrive, so a 50 MB file is never held in memory. An answer is
 * JSON, or a `StreamReply` (a download, a backup) written with the socket's backpressure.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { ApiError, forbidden, unauthorized } from '../core/errors.js';
import { validate, validateQuery } from '../core/validate.js';
import type { UserRow } from '../core/permissions.js';
import { encodeJson } from './compression.js';
import { cookieValue, resolveSession, SESSION_COOKIE, type Session } from './sessions.js';
import type { Services } from './services.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'del';
export type Access = 'public' | 'user' | 'admin';

export interface RequestContext<Body, Query> {
  readonly services: Services;
  readonly params: Readonly<Record<string, string>>;
  readonly body: Body;
  readonly query: Query;
  readonly session: Session | undefined;
  /** The caller; routes with access `user` or `admin` always have one. */
  readonly user: UserRow;
  readonly ip: string;
  readonly headers: { readonly contentType: string; readonly contentLength: number; readonly range: string };
  /** The body's chunks as they arrive; only routes with `rawBody` have one. */
  readonly rawBody: AsyncIterable<Buffer>;
  setCookie(cookie: string): void;
}

export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** An answer streamed from an async source; `length` when known up front (else chunked). */
export class StreamReply {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: AsyncIterable<Buffer>,
    readonly length?: number,
  ) {}
}

export interface Route<BS extends TSchema = TSchema, QS extends TSchema = TSchema> {
  readonly method: Method;
  readonly path: string;
  readonly summary: string;
  readonly access: Access;
  readonly body?: BS;
  readonly query?: QS;
  /** The body is raw bytes, not JSON; this sentence describes it in docs/API.md. */
  readonly rawBody?: string;
  readonly handle: (context: RequestContext<Static<BS>, Static<QS>>) => unknown;
}

export const defineRoute = <BS extends TSchema = TSchema, QS extends TSchema = TSchema>(route: Route<BS, QS>): Route =>
  route as unknown as Route;

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK', 201: '201 Created', 204: '204 No Content', 206: '206 Partial Content', 400: '400 Bad Request', 401: '401 Unauthorized',
  403: '403 Forbidden', 404: '404 Not Found', 409: '409 Conflict', 413: '413 Payload Too Large', 415: '415 Unsupported Media Type',
  416: '416 Range Not Satisfiable', 429: '429 Too Many Requests', 500: '500 Internal Server Error', 503: '503 Service Unavailable',
  507: '507 Insufficient Storage',
};

interface Incoming {
  readonly res: HttpResponse;
  /** The response may no longer be used: it was sent, or the client went away. */
  aborted: boolean;
  readonly cookies: string[];
  /** Woken when the client goes away, so nothing waits forever for a socket that is gone. */
  readonly abortListeners: (() => void)[];
  /** The request's Accept-Encoding, for compressing the JSON answer (compression.ts). */
  readonly acceptEncoding: string;
}

function sendJson(incoming: Incoming, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (incoming.aborted) return;
  incoming.aborted = true;
  incoming.res.cork(() => {
    incoming.res.writeStatus(STATUS_TEXT[status] ?? `${status}`);
    incoming.res.writeHeader('Content-Type', 'application/json; charset=utf-8');
    incoming.res.writeHeader('Cache-Control', 'no-store');
    incoming.res.writeHeader('X-Content-Type-Options', 'nosniff');
    incoming.res.writeHeader('Vary', 'Accept-Encoding');
    for (const [name, value] of Object.entries(headers)) incoming.res.writeHeader(name, value);
    for (const cookie of incoming.cookies) incoming.res.writeHeader('Set-Cookie', cookie);
    if (status === 204) return void incoming.res.end();
    const encoded = encodeJson(JSON.stringify(body), incoming.acceptEncoding);
    if (encoded.encoding) incoming.res.writeHeader('Content-Encoding', encoded.encoding);
    incoming.res.end(encoded.body);
  });
}

export const errorBody = (error: ApiError) => ({ error: { code: error.code, message: error.message } });

/** Resolves once the socket can take more (after a write met backpressure), or the client is gone. */
function writable(incoming: Incoming, retry: (offset: number) => boolean): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = () => {
      settled = true;
      const at = incoming.abortListeners.indexOf(settle);
      if (at >= 0) incoming.abortListeners.splice(at, 1);
      resolve();
    };
    incoming.abortListeners.push(settle);
    incoming.res.onWritable((offset) => {
      if (settled) return true;
      const ok = retry(offset);
      if (ok) settle();
      return ok;
    });
  });
}

/**
 * Streams a reply. The status and headers go out with the first chunk, so a source that fails
 * before producing anything still gets a JSON error; one that fails later cuts the connection,
 * and the client sees a truncated answer rather than a complete-looking wrong one.
 */
async function sendStream(incoming: Incoming, reply: StreamReply): Promise<void> {
  const { res } = incoming;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeStatus(STATUS_TEXT[reply.status] ?? `${reply.status}`);
    for (const [name, value] of Object.entries(reply.headers)) res.writeHeader(name, value);
    for (const cookie of incoming.cookies) res.writeHeader('Set-Cookie', cookie);
  };
  // tryEnd with the known length; once it reports the response complete, res is gone.
  const tryEnd = (chunk: Buffer, length: number): boolean => {
    const [ok, done] = res.tryEnd(chunk, length);
    if (done) incoming.aborted = true;
    return ok || done;
  };
  try {
    for await (const chunk of reply.body) {
      if (incoming.aborted) return;
      let ok: boolean = true;
      const offset = res.getWriteOffset();
      res.cork(() => {
        start();
        ok = reply.length === undefined ? res.write(chunk) : tryEnd(chunk, reply.length);
      });
      if (ok) continue;
      if (reply.length === undefined) await writable(incoming, () => true); // write() kept the whole chunk
      else await writable(incoming, (drained) => tryEnd(chunk.subarray(drained - offset), reply.length!));
    }
  } catch (error) {
    if (!started) throw error;
    if (!incoming.aborted) {
      incoming.aborted = true;
      res.close();
    }
    throw error;
  }
  if (incoming.aborted) return;
  incoming.aborted = true;
  res.cork(() => {
    start();
    if (reply.length === undefined || reply.length === 0) res.end();
    else res.close(); // the source ended before the length it promised
  });
}

/**
 * A raw body as an async iterable. uWS lends each chunk only for the duration of its callback,
 * so chunks are copied; when the reader falls behind (a slow SD card) the socket is paused.
 * uWebSockets.js 20.56 honours a pause reliably only until the first resume (measured: data
 * keeps arriving after later pauses), so on a link faster than the disk an upload can still
 * gather up to the file size limit in memory; on a box's Wi-Fi the disk is the faster side.
 */
class RawBody implements AsyncIterable<Buffer> {
  private static readonly HIGH_WATER = 256 * 1024;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private paused = false;
  private dropped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly incoming: Incoming) {
    incoming.res.onData((chunk, isLast) => {
      if (!this.dropped) {
        this.chunks.push(Buffer.from(chunk.slice(0)));
        this.buffered += chunk.byteLength;
        if (this.buffered > RawBody.HIGH_WATER && !this.paused && !incoming.aborted) {
          this.paused = true;
          incoming.res.pause();
        }
      }
      if (isLast) this.ended = true;
      this.wakeReader();
    });
    incoming.abortListeners.push(() => this.wakeReader());
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Throws `upload_incomplete` when the client goes away before the body ends. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) {
        this.buffered -= chunk.byteLength;
        yield chunk;
        continue;
      }
      if (this.ended) return;
      if (this.incoming.aborted) throw new ApiError(400, 'upload_incomplete', 'The connection closed before the whole body arrived; send it again.');
      this.resume();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The answer was given before the body was read: let the rest arrive and drop it. */
  discard(): void {
    this.dropped = true;
    this.chunks.length = 0;
    this.resume();
  }

  private resume(): void {
    if (!this.paused || this.incoming.aborted) return;
    this.paused = false;
    this.incoming.res.resume();
  }
}

/** Reads the whole body up to `limit` bytes; rejects with 413 past it. */
function readBody(incoming: Incoming, declaredLength: number, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (declaredLength > limit) return reject(tooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.res.onData((chunk, isLast) => {
      if (size < 0) return;
      size += chunk.byteLength;
      if (size > limit) {
        size = -1;
        return reject(tooLarge(limit));
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) resolve(Buffer.concat(chunks));
    });
  });
}

const tooLarge = (limit: number) => new ApiError(413, 'body_too_large', `The request body is larger than ${limit} bytes.`);

function parseJson(bytes: Buffer, contentType: string): unknown {
  if (bytes.length === 0) return {};
  if (!/^application\/json\s*(;|$)/i.test(contentType)) throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

/** Resolves the caller from the session cookie or an `Authorization: Bearer` token. */
export function authenticate(services: Services, cookieHeader: string, authorization: string): Session | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const token = bearer ?? cookieValue(cookieHeader, SESSION_COOKIE);
  return token ? resolveSession(services.db, token, services.now()) : undefined;
}

/**
 * A write that carries a browser cookie must come from a page of this box: the Origin header,
 * when present, must name the host the request was sent to (CSRF defence beside SameSite).
 */
export function sameOrigin(origin: string, host: string): boolean {
  if (origin === '') return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function registerRoutes(app: TemplatedApp, services: Services, routes: readonly Route[]): void {
  for (const route of routes) {
    const names = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
    app[route.method](route.path, (res: HttpResponse, req: HttpRequest) => {
      const incoming: Incoming = { res, aborted: false, cookies: [], abortListeners: [], acceptEncoding: req.getHeader('accept-encoding') };
      res.onAborted(() => {
        incoming.aborted = true;
        for (const listener of incoming.abortListeners.splice(0)) listener();
      });
      // HttpRequest is only valid during this call: copy what the handler needs now.
      const params = Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(req.getParameter(index) ?? '')]));
      const rawQuery = req.getQuery() ?? '';
      const cookieHeader = req.getHeader('cookie');
      const authorization = req.getHeader('authorization');
      const contentType = req.getHeader('content-type');
      const declaredLength = Number(req.getHeader('content-length') || 0);
      const origin = req.getHeader('origin');
      const host = req.getHeader('host');
      const range = req.getHeader('range');
      const ip = Buffer.from(res.getRemoteAddressAsText()).toString();
      // Chunks can arrive as soon as this callback returns: a raw body must be listening by then.
      const rawBody = route.rawBody ? new RawBody(incoming) : undefined;
      handle(incoming, route, services, { params, rawQuery, cookieHeader, authorization, contentType, declaredLength, origin, host, range, ip }, rawBody)
        .catch((error: unknown) => {
          rawBody?.discard();
          fail(incoming, services, error);
        });
    });
  }
}

interface RequestHead {
  params: Record<string, string>;
  rawQuery: string;
  cookieHeader: string;
  authorization: string;
  contentType: string;
  declaredLength: number;
  origin: string;
  host: string;
  range: string;
  ip: string;
}

async function handle(incoming: Incoming, route: Route, services: Services, head: RequestHead, rawBody: RawBody | undefined): Promise<void> {
  const hasBody = route.method !== 'get' && route.method !== 'del' && !rawBody;
  const bytes = hasBody ? await readBody(incoming, head.declaredLength, services.config.maxBodyBytes) : Buffer.alloc(0);
  const session = authenticate(services, head.cookieHeader, head.authorization);
  if (route.method !== 'get' && session?.kind === 'cookie' && !sameOrigin(head.origin, head.host)) {
    throw forbidden('cross_origin', 'This request came from another site.');
  }
  if (route.access !== 'public' && !session) throw unauthorized();
  if (route.access === 'admin' && session?.user.role !== 'admin') throw forbidden('admin_only', 'Only an administrator can do that.');
  if (route.method !== 'get') services.disk.requireWriteRoom();
  const json = hasBody ? parseJson(bytes, head.contentType) : undefined;
  const body = route.body ? validate(route.body, json, 'body') : json;
  const query = route.query ? validateQuery(route.query, Object.fromEntries(new URLSearchParams(head.rawQuery))) : {};
  const context: RequestContext<unknown, unknown> = {
    services,
    params: head.params,
    body,
    query,
    session,
    get user() {
      if (!session) throw unauthorized();
      return session.user;
    },
    ip: head.ip,
    headers: { contentType: head.contentType, contentLength: head.declaredLength, range: head.range },
    get rawBody() {
      if (!rawBody) throw new Error(`${route.path} reads a raw body but is not marked rawBody`);
      return rawBody;
    },
    setCookie: (cookie) => incoming.cookies.push(cookie),
  };
  const result = await route.handle(context);
  rawBody?.discard();
  if (result instanceof Reply) sendJson(incoming, result.status, result.body, result.headers);
  else if (result instanceof StreamReply) await sendStream(incoming, result);
  else if (result === undefined) sendJson(incoming, 204, undefined);
  else sendJson(incoming, 200, result);
}

/** Anything no route matched: a JSON 404, like every other error. */
export function registerNotFound(app: TemplatedApp): void {
  app.any('/*', (res) => sendJson({ res, aborted: false, cookies: [], abortListeners: [], acceptEncoding: '' }, 404, errorBody(new ApiError(404, 'not_found', 'No such endpoint.'))));
}

function fail(incoming: Incoming, services: Services, error: unknown): void {
  if (error instanceof ApiError) {
    const headers: Record<string, string> = error.status === 429 ? { 'Retry-After': String((error.details as { retryAfter?: number })?.retryAfter ?? 1) } : {};
    sendJson(incoming, error.status, errorBody(error), headers);
    return;
  }
  services.log.error({ err: error }, 'request failed');
  sendJson(incoming, 500, errorBody(new ApiError(500, 'internal', 'Something went wrong on the server. It has been logged.')));
}
