/** Invite links: whether one can still be used. Shared by registration and the admin list. */
import { sql, type Db } from '../store/database.js';

export interface InviteRow {
  id: string;
  token_hash: string;
  team_id: string;
  role: 'admin' | 'member' | 'guest';
  expires_at: number | null;
  max_uses: number | null;
  created_by: string;
  created_at: number;
  revoked: number;
}

export const findInvite = (db: Db, id: string): InviteRow | undefined =>
  sql<[string], InviteRow>(db, 'SELECT * FROM invites WHERE id = ?').get(id);

export const findInviteByTokenHash = (db: Db, tokenHash: string): InviteRow | undefined =>
  sql<[string], InviteRow>(db, 'SELECT * FROM invites WHERE token_hash = ?').get(tokenHash);

export const inviteUses = (db: Db, id: string): number =>
  sql<[string], { n: number }>(db, 'SELECT count(*) AS n FROM users WHERE invite_id = ?').get(id)!.n;

/** Why the invite cannot be used at `now`, as an error code; undefined when it can. */
export function inviteProblem(db: Db, invite: InviteRow | undefined, now: number): string | undefined {
  if (!invite || invite.revoked === 1) return 'invite_invalid';
  if (invite.expires_at !== null && invite.expires_at <= now) return 'invite_expired';
  if (invite.max_uses !== null && inviteUses(db, invite.id) >= invite.max_uses) return 'invite_used_up';
  return undefined;
}
