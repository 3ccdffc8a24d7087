/**
 * The session cookie: HttpOnly, SameSite=Lax, and read back from the Cookie header.
 *
 * Over HTTPS it is `__Host-hail_session` and Secure; over plain HTTP, `hail_session`. Browsers
 * keep cookies per host, not per port or scheme, so a cookie set on https://box:8443 without
 * Secure would also travel in clear to http://box:8080; and a cookie anyone on the network can
 * plant over plain HTTP must not log a browser in over HTTPS. Each side reads only its own.
 */
import { SESSION_DAYS } from './sessions.js';

export const SESSION_COOKIE = 'hail_session';
/** The browser itself refuses a `__Host-` cookie unless it is Secure, for this host only, on Path=/. */
export const SECURE_SESSION_COOKIE = '__Host-hail_session';

export const sessionCookieName = (secure: boolean): string => (secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE);

export function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

const attributes = (secure: boolean): string => `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

/** `secure`: the request came over HTTPS. */
export const sessionCookie = (token: string, secure: boolean): string =>
  `${sessionCookieName(secure)}=${token}; ${attributes(secure)}; Max-Age=${SESSION_DAYS * 24 * 60 * 60}`;

export const clearedSessionCookie = (secure: boolean): string => `${sessionCookieName(secure)}=; ${attributes(secure)}; Max-Age=0`;
