/**
 * Nothing a client sends may end the process. uWebSockets.js calls our handlers from native
 * code: an exception that escapes one (a malformed percent escape in a path, a bug in a frame
 * handler) is uncaught, and Node exits, taking every crew member's connection with it. One
 * cross-site `<img src=".../%ZZ">` was enough.
 *
 * `guardApp` wraps an app so that every handler registered on it, HTTP or WebSocket, runs
 * inside a guard: an ApiError thrown early (bad input) answers with its status and code, any
 * other error is logged and answers 500, and a handler's rejected promise is treated the same.
 * Registering through the guarded app is the only way routes, pages and sockets are served, so
 * no handler can be added without it. The guard also knows which requests are under way
 * (RequestTracker), so that stopping answers them before anything closes.
 */
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import { STATUS_CODES } from 'node:http';
import { ApiError } from '../core/errors.js';
import type { Log } from '../log.js';

const HTTP_METHODS = new Set(['get', 'post', 'options', 'del', 'patch', 'put', 'head', 'connect', 'trace', 'any']);
const CLOSE_INTERNAL_ERROR = 1011;

/**
 * A path parameter as text. uWS hands it over still percent-encoded; an escape that is not
 * valid UTF-8 (`%ZZ`, a cut `%E0%A4%A`, the overlong `%C0%AF`) is the client's mistake: 400.
 */
export function decodePathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, 'invalid_path', 'The address holds a malformed percent escape (%XX): encode it as UTF-8.');
  }
}

/**
 * The query string as name-value pairs, decoded as a form would be. URLSearchParams passes a
 * malformed escape through as text, so `q=%ZZ` would search for "%ZZ": refuse it instead, as
 * a path parameter is refused.
 */
export function parseQuery(raw: string): Record<string, string> {
  const pairs = new URLSearchParams(raw);
  for (const part of raw.split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new ApiError(400, 'invalid_query', 'The query string holds a malformed percent escape (%XX): encode it as UTF-8.');
    }
  }
  return Object.fromEntries(pairs);
}

const internal = () => new ApiError(500, 'internal', 'Something went wrong on the server. It has been logged.');

/** Answers a request whose handler failed, if the answer has not been sent already. */
function answerFailure(res: HttpResponse, log: Log, error: unknown): void {
  const known = error instanceof ApiError ? error : undefined;
  if (!known) log.error({ err: error }, 'request failed outside its handler');
  const answer = known ?? internal();
  try {
    res.cork(() => {
      res.writeStatus(`${answer.status} ${STATUS_CODES[answer.status] ?? ''}`.trim());
      res.writeHeader('Content-Type', 'application/json; charset=utf-8');
      res.writeHeader('Cache-Control', 'no-store');
      res.end(JSON.stringify({ error: { code: answer.code, message: answer.message } }));
    });
  } catch {
    // The response was already sent or the client went away: there is no one to answer.
  }
}

type HttpHandler = (res: HttpResponse, req: HttpRequest) => void | Promise<void>;

/**
 * The requests under way, so a stop answers each before the app and the database close: a
 * post saved by the last group commit must get its 201, or a retry after the restart finds it
 * saved but its sender never heard. A handler that returns a promise is under way until it
 * settles. Once closing, a new request is answered 503 at once: it is not saved, and the
 * client sends it again once the server is back.
 */
export class RequestTracker {
  private readonly pending = new Set<Promise<unknown>>();
  private idle: (() => void) | undefined;
  closing = false;

  track(request: Promise<unknown>): void {
    this.pending.add(request);
    const done = () => {
      this.pending.delete(request);
      if (this.pending.size === 0) this.idle?.();
    };
    request.then(done, done);
  }

  /** Refuses new requests and resolves once those under way are answered, or after `timeoutMs`. */
  close(timeoutMs: number): Promise<void> {
    this.closing = true;
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

const shuttingDown = () => new ApiError(503, 'shutting_down', 'The server is stopping; send it again in a moment.');

/**
 * The callbacks a handler leaves on the response (body chunks, the client going away, the
 * socket writable again) are called from native code later, outside the handler's own try:
 * each is guarded the same way.
 */
function guardResponse(res: HttpResponse, log: Log): void {
  const guarded =
    <Args extends unknown[], Result>(callback: (...args: Args) => Result, fallback: Result) =>
    (...args: Args): Result => {
      try {
        return callback(...args);
      } catch (error) {
        answerFailure(res, log, error);
        return fallback;
      }
    };
  const { onData, onAborted, onWritable } = res;
  Object.assign(res, {
    onData: (callback: Parameters<HttpResponse['onData']>[0]) => onData.call(res, guarded(callback, undefined)),
    onAborted: (callback: Parameters<HttpResponse['onAborted']>[0]) => onAborted.call(res, guarded(callback, undefined)),
    // true: stop asking, the answer has failed.
    onWritable: (callback: Parameters<HttpResponse['onWritable']>[0]) => onWritable.call(res, guarded(callback, true)),
  });
}

function guardHttp(log: Log, requests: RequestTracker, handler: HttpHandler): HttpHandler {
  return (res, req) => {
    if (requests.closing) return answerFailure(res, log, shuttingDown());
    guardResponse(res, log);
    try {
      const result = handler(res, req);
      if (result instanceof Promise) requests.track(result.catch((error: unknown) => answerFailure(res, log, error)));
    } catch (error) {
      answerFailure(res, log, error);
    }
  };
}

/** Runs a socket callback; a failure is logged, and `recover` (if any) tells the client. */
function guardCall<Args extends unknown[]>(
  log: Log,
  what: string,
  callback: (...args: Args) => unknown,
  recover?: (...args: Args) => void,
) {
  const failed = (args: Args, error: unknown) => {
    log.error({ err: error }, `socket ${what} failed`);
    try {
      recover?.(...args);
    } catch {
      // The socket is gone: nothing to tell.
    }
  };
  return (...args: Args): void => {
    try {
      const result = callback(...args);
      if (result instanceof Promise) result.catch((error: unknown) => failed(args, error));
    } catch (error) {
      failed(args, error);
    }
  };
}

function guardSocket<UserData>(log: Log, requests: RequestTracker, behavior: WebSocketBehavior<UserData>): WebSocketBehavior<UserData> {
  const guarded: WebSocketBehavior<UserData> = { ...behavior };
  const closeSocket = (socket: WebSocket<UserData>) => socket.end(CLOSE_INTERNAL_ERROR, 'server error');
  const tellFrame = (socket: WebSocket<UserData>) => {
    const error = new ApiError(500, 'internal', 'Something went wrong on the server.');
    socket.send(JSON.stringify({ type: 'error', error: { code: error.code, message: error.message } }));
  };
  if (behavior.upgrade) {
    const upgrade = behavior.upgrade;
    guarded.upgrade = (res, req, context) => guardHttp(log, requests, (r, q) => upgrade(r, q, context))(res, req);
  }
  if (behavior.open) guarded.open = guardCall(log, 'open', behavior.open, closeSocket);
  if (behavior.message) guarded.message = guardCall(log, 'message', behavior.message, tellFrame);
  if (behavior.dropped) guarded.dropped = guardCall(log, 'dropped', behavior.dropped);
  if (behavior.drain) guarded.drain = guardCall(log, 'drain', behavior.drain, closeSocket);
  if (behavior.close) guarded.close = guardCall(log, 'close', behavior.close);
  if (behavior.ping) guarded.ping = guardCall(log, 'ping', behavior.ping);
  if (behavior.pong) guarded.pong = guardCall(log, 'pong', behavior.pong);
  if (behavior.subscription) guarded.subscription = guardCall(log, 'subscription', behavior.subscription);
  return guarded;
}

/** The same app, with every HTTP and WebSocket handler registered on it guarded, and its requests tracked. */
export function guardApp(app: TemplatedApp, log: Log, requests: RequestTracker): TemplatedApp {
  const guarded: TemplatedApp = new Proxy(app, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (typeof name === 'string' && HTTP_METHODS.has(name)) {
        return (pattern: string, handler: HttpHandler) => {
          value.call(target, pattern, guardHttp(log, requests, handler));
          return guarded;
        };
      }
      if (name === 'ws') {
        return (pattern: string, behavior: WebSocketBehavior<unknown>) => {
          value.call(target, pattern, guardSocket(log, requests, behavior));
          return guarded;
        };
      }
      return value.bind(target);
    },
  });
  return guarded;
}
