/** The session cookie: HttpOnly, SameSite=Lax, and read back from the Cookie header. */
import { SESSION_DAYS } from './sessions.js';

export const SESSION_COOKIE = 'hail_session';

export function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

// Not Secure: one session serves the box by IP over plain HTTP and by name over HTTPS.
export const sessionCookie = (token: string): string =>
  `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_DAYS * 24 * 60 * 60}`;

export const clearedSessionCookie = (): string => `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
