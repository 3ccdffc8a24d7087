/**
 * Names that must be unique (usernames and team names on the server, channel names in a team) can still
 * clash when two boxes create the same name during a partition. The schema cannot refuse the
 * second one (the op already happened elsewhere), so the fold settles it the same way on
 * every box: among the rows that asked for a name, the one created first (by op version)
 * keeps it and each later one gets a suffix from its own id. Locally, a taken name is refused
 * before it becomes an op, so this only ever acts on merged histories.
 */
import { sql, type Db } from './database.js';

const suffixed = (name: string, id: string): string => `${name}-${id.replace(/-/g, '').slice(-6)}`;

/** The first claimant by creation keeps the name; every later one gets its suffix. */
function settle(db: Db, table: 'users' | 'teams' | 'channels', column: 'username' | 'name', requested: string, claimants: { id: string }[]): void {
  claimants.forEach(({ id }, index) => {
    sql(db, `UPDATE ${table} SET ${column} = ? WHERE id = ?`).run(index === 0 ? requested : suffixed(requested, id), id);
  });
}

export function settleUsername(db: Db, requested: string): void {
  const claimants = sql<[string], { id: string }>(db, 'SELECT id FROM users WHERE requested_username = ? ORDER BY created_ver').all(requested);
  settle(db, 'users', 'username', requested, claimants);
}

export function settleChannelName(db: Db, teamId: string, requested: string): void {
  const claimants = sql<[string, string], { id: string }>(
    db,
    'SELECT id FROM channels WHERE team_id = ? AND requested_name = ? ORDER BY created_ver',
  ).all(teamId, requested);
  settle(db, 'channels', 'name', requested, claimants);
}

export function settleTeamName(db: Db, requested: string): void {
  const claimants = sql<[string], { id: string }>(db, 'SELECT id FROM teams WHERE requested_name = ? ORDER BY created_ver').all(requested);
  settle(db, 'teams', 'name', requested, claimants);
}
