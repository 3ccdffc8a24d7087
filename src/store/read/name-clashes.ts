/**
 * Names a merge settled (src/store/names.ts): a row whose name differs from the one it asked
 * for lost a clash with a row of another box. Read from the state tables, so there is nothing
 * more to replicate: every box of the fleet derives the same list.
 */
import { sql, type Db } from '../database.js';

export interface NameClash {
  readonly kind: 'user' | 'team' | 'channel';
  readonly id: string;
  /** The name it asked for, which the earlier row of the same name keeps. */
  readonly requested: string;
  /** The name it has now. */
  readonly name: string;
  /** For a channel, its team. */
  readonly teamId?: string;
}

type Row = { kind: NameClash['kind']; id: string; requested: string; name: string; team_id: string | null };

const present = (rows: Row[]): NameClash[] =>
  rows.map(({ team_id, ...clash }) => (team_id === null ? clash : { ...clash, teamId: team_id }));

const CLASHES = `
  SELECT 'user' AS kind, id, requested_username AS requested, username AS name, NULL AS team_id FROM users WHERE username <> requested_username
  UNION ALL SELECT 'team', id, requested_name, name, NULL FROM teams WHERE name <> requested_name AND requested_name <> ''
  UNION ALL SELECT 'channel', id, requested_name, name, team_id FROM channels WHERE name <> requested_name`;

/** Own names first, then teams, then channels. */
const ORDER = "CASE kind WHEN 'user' THEN 0 WHEN 'team' THEN 1 ELSE 2 END, requested";

/** Every settled clash on the box, for administrators. */
export const allNameClashes = (db: Db): NameClash[] => present(sql<[], Row>(db, `SELECT * FROM (${CLASHES}) ORDER BY ${ORDER}`).all());

/** The clashes that concern one person: their own username, and the teams and channels they belong to. */
export const nameClashesOf = (db: Db, userId: string): NameClash[] =>
  present(
    sql<[string, string, string], Row>(
      db,
      `SELECT * FROM (${CLASHES}) AS clash WHERE (kind = 'user' AND id = ?)
         OR (kind = 'team' AND EXISTS (SELECT 1 FROM team_members WHERE team_id = clash.id AND user_id = ? AND active = 1))
         OR (kind = 'channel' AND EXISTS (SELECT 1 FROM channel_members WHERE channel_id = clash.id AND user_id = ? AND active = 1))
       ORDER BY ${ORDER}`,
    ).all(userId, userId, userId),
  );
