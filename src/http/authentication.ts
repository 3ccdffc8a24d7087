/** Who is calling, for REST requests and WebSocket upgrades alike. */
import { cookieValue, sessionCookieName } from './cookies.js';
import { resolveSession, type Session } from './sessions.js';
import type { Services } from './services.js';

/**
 * Resolves the caller from the session cookie or an `Authorization: Bearer` token. `secure`: the
 * request came over HTTPS, where only the Secure cookie counts (./cookies.ts).
 */
export function authenticate(services: Services, cookieHeader: string, authorization: string, secure: boolean): Session | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const token = bearer ?? cookieValue(cookieHeader, sessionCookieName(secure));
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
