/**
 * Routes are data: method, path, who may call, the schemas of body and query, a summary, and
 * a handler. The same list registers the uWebSockets.js handlers (./router.ts) and writes
 * docs/API.md, so the reference cannot drift from what is served.
 *
 * A handler parses nothing itself: by the time it runs, the body and query have passed their
 * schemas, the caller is authenticated as the route requires, and cross-site writes with a
 * cookie are refused. It builds ops, calls commit, and shapes the answer (./answers.ts).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { UserRow } from '../store/read/users.js';
import type { Session } from './sessions.js';
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
  /** The request came over HTTPS: its session cookie is the Secure one (./cookies.ts). */
  readonly secure: boolean;
  readonly headers: { readonly contentType: string; readonly contentLength: number; readonly range: string };
  /** The body's chunks as they arrive; only routes with `rawBody` have one. */
  readonly rawBody: AsyncIterable<Buffer>;
  setCookie(cookie: string): void;
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
