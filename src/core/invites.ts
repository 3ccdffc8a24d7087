/** Invite links: making one, and whether one can still be used. Shared by the API and the `hail` command. */
import { sql, type Db } from '../store/database.js';
import { hashSecret, newId, newSecret } from './ids.js';
import type { OpDraft } from './op.js';

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

export interface InviteTerms {
  readonly teamId: string;
  readonly role: InviteRow['role'];
  /** Hours from its creation until it stops working; null for never. */
  readonly lifetimeHours: number | null;
  readonly maxUses: number | null;
}

/** A new invite: its id, its token (for the link), and the op that creates it. */
export function newInvite(terms: InviteTerms): { id: string; token: string; draft: OpDraft } {
  const token = newSecret();
  const id = newId();
  // Only the hash travels in the op and is stored: the link itself is shown once, to its maker.
  return { id, token, draft: { type: 'invite.created', entity: id, body: { tokenHash: hashSecret(token), ...terms } } };
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
