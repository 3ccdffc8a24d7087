/** Users as the users table holds them, and as the API shows them: never a password hash. */
import { sql, type Db } from '../database.js';
import { hlcMillis } from '../../core/hlc.js';

export type Role = 'admin' | 'member' | 'guest';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  active: number;
  created_ver: string;
  picture_large: string | null;
  picture_small: string | null;
}

export const presentUser = (row: UserRow) => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  active: row.active === 1,
  createdAt: hlcMillis(row.created_ver),
  /** The hashes of the profile picture's sizes (GET /api/v1/users/:id/picture/:hash), or null for none. */
  picture: row.picture_large && row.picture_small ? { large: row.picture_large, small: row.picture_small } : null,
});

export type PresentedUser = ReturnType<typeof presentUser>;

/**
 * The people a user can see: everyone for members and admins; for a guest, only those who
 * share a channel with it. `search` matches the start of a username or display name.
 */
export function listUsers(db: Db, viewer: UserRow, search: string, limit: number, offset: number): PresentedUser[] {
  const pattern = `${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
  const rows = sql<[{ pattern: string; role: string; me: string; limit: number; offset: number }], UserRow>(
    db,
    `SELECT * FROM users u
     WHERE (u.username LIKE @pattern ESCAPE '\\' OR u.display_name LIKE @pattern ESCAPE '\\')
       AND (@role != 'guest' OR u.id = @me OR EXISTS (
         SELECT 1 FROM channel_members mine JOIN channel_members theirs ON theirs.channel_id = mine.channel_id
         WHERE mine.user_id = @me AND mine.active = 1 AND theirs.user_id = u.id AND theirs.active = 1))
     ORDER BY u.username LIMIT @limit OFFSET @offset`,
  ).all({ pattern, role: viewer.role, me: viewer.id, limit, offset });
  return rows.map(presentUser);
}

export function canSeeUser(db: Db, viewer: UserRow, userId: string): boolean {
  if (viewer.role !== 'guest' || viewer.id === userId) return true;
  return (
    sql(
      db,
      `SELECT 1 FROM channel_members mine JOIN channel_members theirs ON theirs.channel_id = mine.channel_id
       WHERE mine.user_id = ? AND mine.active = 1 AND theirs.user_id = ? AND theirs.active = 1 LIMIT 1`,
    ).get(viewer.id, userId) !== undefined
  );
}
