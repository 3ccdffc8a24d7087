/**
 * Imported accounts: made without a password anyone knows (a random scrypt hash, so the login
 * route treats them like any account, and no password works until the owner sets one through
 * a one-time link), and with a username that fits Hail's rules and is free on this box. A
 * username taken by another account gets `-imported` (then a number) appended: the same
 * export on the same box maps the same way, and every mapping is listed to the operator.
 */
import { randomBytes } from 'node:crypto';
import { usernameTaken } from '../core/ops/user-created.js';
import type { Db } from '../store/database.js';

export const unusablePasswordHash = (): string =>
  `scrypt$16384$8$1$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}`;

const MAX_USERNAME = 32;

/** Lower-case, only the characters Hail allows, 2 to 32 long. */
export function fittedName(name: string, maxLength: number, fallback: string): string {
  const fitted = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, maxLength);
  return fitted.length >= 2 ? fitted : fallback;
}

export function freeUsername(db: Db, wanted: string): string {
  const base = fittedName(wanted, MAX_USERNAME, 'user');
  for (let attempt = 0; ; attempt++) {
    const suffix = attempt === 0 ? '' : attempt === 1 ? '-imported' : `-imported${attempt}`;
    const candidate = base.slice(0, MAX_USERNAME - suffix.length) + suffix;
    if (!usernameTaken(db, candidate)) return candidate;
  }
}
