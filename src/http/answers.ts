/**
 * Writing answers. An answer is JSON (a `Reply`, or whatever a handler returns), or a
 * `StreamReply` (a download, a backup) written with the socket's backpressure. Cookies a
 * handler set go out with either.
 */
import type { HttpResponse } from 'uWebSockets.js';
import { encodeJson } from './compression.js';

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

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  201: '201 Created',
  204: '204 No Content',
  206: '206 Partial Content',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  409: '409 Conflict',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  416: '416 Range Not Satisfiable',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
  507: '507 Insufficient Storage',
};

export interface Incoming {
  readonly res: HttpResponse;
  /** The response may no longer be used: it was sent, or the client went away. */
  aborted: boolean;
  readonly cookies: string[];
  /** Woken when the client goes away, so nothing waits forever for a socket that is gone. */
  readonly abortListeners: (() => void)[];
  /** The request's Accept-Encoding, for compressing the JSON answer (compression.ts). */
  readonly acceptEncoding: string;
}

export function sendJson(incoming: Incoming, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (incoming.aborted) return;
  incoming.aborted = true;
  incoming.res.cork(() => {
    incoming.res.writeStatus(STATUS_TEXT[status] ?? `${status}`);
    incoming.res.writeHeader('Content-Type', 'application/json; charset=utf-8');
    incoming.res.writeHeader('Cache-Control', 'no-store');
    incoming.res.writeHeader('X-Content-Type-Options', 'nosniff');
    for (const [name, value] of Object.entries(headers)) incoming.res.writeHeader(name, value);
    incoming.res.writeHeader('Vary', 'Accept-Encoding');
    for (const cookie of incoming.cookies) incoming.res.writeHeader('Set-Cookie', cookie);
    if (status === 204) return void incoming.res.end();
    const encoded = encodeJson(JSON.stringify(body), incoming.acceptEncoding);
    if (encoded.encoding) incoming.res.writeHeader('Content-Encoding', encoded.encoding);
    incoming.res.end(encoded.body);
  });
}

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
export async function sendStream(incoming: Incoming, reply: StreamReply): Promise<void> {
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
      if (reply.length === undefined)
        await writable(incoming, () => true); // write() kept the whole chunk
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
