/**
 * Registers the route table (./route.ts) on the uWebSockets.js app. For each request it copies
 * what it needs from the request while that is valid, reads the body (./bodies.ts),
 * authenticates (./authentication.ts), refuses cross-site cookie writes, validates body and
 * query, runs the handler, and answers (./answers.ts), or answers the error (./errors.ts).
 */
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { ApiError, forbidden, unauthorized } from '../core/errors.js';
import { validate, validateQuery } from '../core/validate.js';
import { Reply, sendJson, sendStream, StreamReply, type Incoming } from './answers.js';
import { authenticate, sameOrigin } from './authentication.js';
import { parseJson, RawBody, readBody } from './bodies.js';
import { errorBody, fail } from './errors.js';
import type { RequestContext, Route } from './route.js';
import type { Services } from './services.js';
import { decodePathParameter, parseQuery } from './guard.js';

/** `secure`: `app` is the HTTPS server. */
export function registerRoutes(app: TemplatedApp, services: Services, routes: readonly Route[], secure: boolean): void {
  for (const route of routes) {
    const names = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
    app[route.method](route.path, (res: HttpResponse, req: HttpRequest) => {
      const incoming: Incoming = { res, aborted: false, cookies: [], abortListeners: [], acceptEncoding: req.getHeader('accept-encoding') };
      res.onAborted(() => {
        incoming.aborted = true;
        for (const listener of incoming.abortListeners.splice(0)) listener();
      });
      // HttpRequest is only valid during this call: copy what the handler needs now.
      const params = Object.fromEntries(names.map((name, index) => [name, decodePathParameter(req.getParameter(index) ?? '')]));
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
      // Returned so the guard (guard.ts) knows the request is under way until it is answered.
      return handle(
        incoming,
        route,
        services,
        { params, rawQuery, cookieHeader, authorization, contentType, declaredLength, origin, host, range, ip, secure },
        rawBody,
      ).catch((error: unknown) => {
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
  secure: boolean;
}

async function handle(
  incoming: Incoming,
  route: Route,
  services: Services,
  head: RequestHead,
  rawBody: RawBody | undefined,
): Promise<void> {
  const hasBody = route.method !== 'get' && route.method !== 'del' && !rawBody;
  const bytes = hasBody ? await readBody(incoming, head.declaredLength, services.config.maxBodyBytes) : Buffer.alloc(0);
  const session = authenticate(services, head.cookieHeader, head.authorization, head.secure);
  if (route.method !== 'get' && session?.kind === 'cookie' && !sameOrigin(head.origin, head.host)) {
    throw forbidden('cross_origin', 'This request came from another site.');
  }
  if (route.access !== 'public' && !session) throw unauthorized();
  if (route.access === 'admin' && session?.user.role !== 'admin') throw forbidden('admin_only', 'Only an administrator can do that.');
  if (route.method !== 'get') services.disk.requireWriteRoom();
  const json = hasBody ? parseJson(bytes, head.contentType) : undefined;
  const body = route.body ? validate(route.body, json, 'body') : json;
  const queryPairs = parseQuery(head.rawQuery);
  const query = route.query ? validateQuery(route.query, queryPairs) : {};
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
    secure: head.secure,
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
  app.any('/*', (res) =>
    sendJson(
      { res, aborted: false, cookies: [], abortListeners: [], acceptEncoding: '' },
      404,
      errorBody(new ApiError(404, 'not_found', 'No such endpoint.')),
    ),
  );
}
