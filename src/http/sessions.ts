/**
 * Sessions and bot tokens. Both are local to this box (not replicated): a random secret is
 * handed to the client once, and only its SHA-256 is stored, so a copy of the database does
 * not hold usable credentials. Browser sessions ride in a cookie (./cookies.ts) and slide
 * forward on use; bot tokens live until revoked. A session is only as good as its user:
 * a deactivated account is refused even before its rows are deleted.
 */
import { sql, type Db } from '../store/database.js';
import { findUser } from '../core/permissions.js';
import type { UserRow } from '../store/read/users.js';
import { hashSecret, newId, newSecret } from '../core/ids.js';
import type { FeedEntry } from '../core/commit.js';
import type { Hub } from '../realtime/hub.js';

export const SESSION_DAYS = 30;
const DAY = 24 * 60 * 60 * 1000;

export type SessionKind = 'cookie' | 'token';

export interface Session {
  readonly id: string;
  readonly user: UserRow;
  readonly kind: SessionKind;
}

export function createSession(db: Db, userId: string, kind: SessionKind, name: string | null, now: number): { id: string; token: string } {
  const token = newSecret();
  const id = newId();
  const expires = kind === 'cookie' ? now + SESSION_DAYS * DAY : null;
  sql(
    db,
    'INSERT INTO sessions (token_hash, id, user_id, kind, name, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(hashSecret(token), id, userId, kind, name, now, now, expires);
  return { id, token };
}

interface SessionRow {
  id: string;
  user_id: string;
  kind: SessionKind;
  last_used_at: number;
  expires_at: number | null;
}

export function resolveSession(db: Db, token: string, now: number): Session | undefined {
  const tokenHash = hashSecret(token);
  const row = sql<[string], SessionRow>(db, 'SELECT id, user_id, kind, last_used_at, expires_at FROM sessions WHERE token_hash = ?').get(
    tokenHash,
  );
  if (!row) return undefined;
  if (row.expires_at !== null && row.expires_at <= now) {
    sql(db, 'DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
    return undefined;
  }
  const user = findUser(db, row.user_id);
  if (!user || user.active !== 1) return undefined;
  // Writing on every request would cost an fsync each; an hour's precision is plenty.
  if (now - row.last_used_at > 60 * 60 * 1000) {
    const expires = row.kind === 'cookie' ? now + SESSION_DAYS * DAY : null;
    sql(db, 'UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE token_hash = ?').run(now, expires, tokenHash);
  }
  return { id: row.id, user, kind: row.kind };
}

/**
 * The box learned that its clock was `deltaMs` behind (core/box-time.ts): sessions stamped by
 * the wrong clock move with it, so they do not all expire at once.
 */
export function shiftSessionTimes(db: Db, deltaMs: number, beforeMs: number): void {
  sql(
    db,
    'UPDATE sessions SET created_at = created_at + @delta, last_used_at = last_used_at + @delta, expires_at = expires_at + @delta WHERE last_used_at <= @before',
  ).run({ delta: deltaMs, before: beforeMs });
}

export const deleteSession = (db: Db, id: string, userId: string): boolean =>
  sql(db, 'DELETE FROM sessions WHERE id = ? AND user_id = ?').run(id, userId).changes > 0;

/** Deletes every session and token of the user but `keepId` (the one that changed the password). */
export const deleteUserSessions = (db: Db, userId: string, keepId = ''): void => {
  sql(db, 'DELETE FROM sessions WHERE user_id = ? AND id != ?').run(userId, keepId);
};

/** The same, for the running server: their open sockets close too. */
export function endUserSessions(db: Db, hub: Hub, userId: string, keepId = ''): void {
  deleteUserSessions(db, userId, keepId);
  hub.closeSessions(userId, (sessionId) => sessionId !== keepId);
}

export const listTokens = (db: Db, userId: string) =>
  sql<[string], { id: string; name: string | null; created_at: number; last_used_at: number }>(
    db,
    "SELECT id, name, created_at, last_used_at FROM sessions WHERE user_id = ? AND kind = 'token' ORDER BY created_at, id",
  )
    .all(userId)
    .map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at }));

/** Ends a deactivated user's sessions once the deactivation is durable. */
export function endSessionsOfDeactivated(db: Db): (entries: readonly FeedEntry[]) => void {
  return (entries) => {
    for (const { op } of entries) {
      if (op.type === 'user.active-set' && (op.body as { active: boolean }).active === false) deleteUserSessions(db, op.entity);
    }
  };
}
