/**
 * One-time password reset links, made by an admin for a user who forgot, local to this box
 * like sessions: only the token's SHA-256 is stored, it works once, and it expires after a day.
 */
import { sql, type Db } from '../store/database.js';
import { hashSecret, newSecret } from '../core/ids.js';

const LIFETIME_MS = 24 * 60 * 60 * 1000;

export function createPasswordReset(db: Db, userId: string, adminId: string, now: number): { token: string; expiresAt: number } {
  const token = newSecret();
  const expiresAt = now + LIFETIME_MS;
  sql(db, 'DELETE FROM password_resets WHERE user_id = ?').run(userId);
  sql(db, 'INSERT INTO password_resets (token_hash, user_id, created_by, expires_at) VALUES (?, ?, ?, ?)').run(
    hashSecret(token),
    userId,
    adminId,
    expiresAt,
  );
  return { token, expiresAt };
}

/** The user the token resets, consuming it; undefined when unknown, used or expired. */
export function consumePasswordReset(db: Db, token: string, now: number): string | undefined {
  const tokenHash = hashSecret(token);
  const row = sql<[string], { user_id: string; expires_at: number }>(
    db,
    'SELECT user_id, expires_at FROM password_resets WHERE token_hash = ?',
  ).get(tokenHash);
  if (!row) return undefined;
  sql(db, 'DELETE FROM password_resets WHERE token_hash = ?').run(tokenHash);
  return row.expires_at > now ? row.user_id : undefined;
}
