/**
 * Names that must be unique (usernames and team names on the server, channel names in a team) can still
 * clash when two boxes create the same name during a partition. The schema cannot refuse the
 * second one (the op already happened elsewhere), so the fold settles it the same way on
 * every box: among the rows that asked for a name, the one created first (by op version)
 * keeps it and each later one gets a suffix from its own id. Locally, a taken name is refused
 * before it becomes an op, so this only ever acts on merged histories.
 *
 * A suffixed name must not be a name someone else asked for (`alice-0000a2`, made on a third
 * box): then, or when two claimants' ids end alike, the whole id is the suffix, and if even
 * that was asked for, the whole id again (names asked for are bounded in length, so this
 * ends). What a row ends up with depends only on the set of rows, never on the order they came
 * in: so a row asking for a name that looks suffixed settles again the names it may be a
 * suffix of.
 */
import { sql, type Db } from './database.js';

const SHORT_SUFFIX = 6;
const SUFFIX = /.-(?:[0-9a-f]{6}|[0-9a-f]{32})$/;
const hex = (id: string): string => id.replace(/-/g, '');

interface Claims {
  /** The rows that asked for this name, first created first. */
  claimants(requested: string): { id: string }[];
  /** Whether any row asked for exactly this name. */
  asked(name: string): boolean;
  give(id: string, name: string): void;
}

function settleOne(claims: Claims, requested: string): void {
  const claimants = claims.claimants(requested);
  const suffixes = claimants.map(({ id }) => hex(id).slice(-SHORT_SUFFIX));
  claimants.forEach(({ id }, index) => {
    if (index === 0) return claims.give(id, requested);
    const alone = suffixes.indexOf(suffixes[index]!) === index && suffixes.lastIndexOf(suffixes[index]!) === index;
    let name = alone ? `${requested}-${suffixes[index]}` : `${requested}-${hex(id)}`;
    while (claims.asked(name)) name = `${name}-${hex(id)}`;
    claims.give(id, name);
  });
}

function settle(claims: Claims, requested: string): void {
  settleOne(claims, requested);
  for (let name = requested; SUFFIX.test(name);) {
    name = name.slice(0, name.lastIndexOf('-'));
    settleOne(claims, name);
  }
}

export function settleUsername(db: Db, requested: string): void {
  settle(
    {
      claimants: (name) =>
        sql<[string], { id: string }>(db, 'SELECT id FROM users WHERE requested_username = ? ORDER BY created_ver').all(name),
      asked: (name) =>
        sql<[string], { one: number }>(db, 'SELECT 1 AS one FROM users WHERE requested_username = ? LIMIT 1').get(name) !== undefined,
      give: (id, name) => sql(db, 'UPDATE users SET username = ? WHERE id = ?').run(name, id),
    },
    requested,
  );
}

export function settleChannelName(db: Db, teamId: string, requested: string): void {
  settle(
    {
      claimants: (name) =>
        sql<[string, string], { id: string }>(
          db,
          'SELECT id FROM channels WHERE team_id = ? AND requested_name = ? ORDER BY created_ver',
        ).all(teamId, name),
      asked: (name) =>
        sql<[string, string], { one: number }>(db, 'SELECT 1 AS one FROM channels WHERE team_id = ? AND requested_name = ? LIMIT 1').get(
          teamId,
          name,
        ) !== undefined,
      give: (id, name) => sql(db, 'UPDATE channels SET name = ? WHERE id = ?').run(name, id),
    },
    requested,
  );
}

export function settleTeamName(db: Db, requested: string): void {
  settle(
    {
      claimants: (name) =>
        sql<[string], { id: string }>(db, 'SELECT id FROM teams WHERE requested_name = ? ORDER BY created_ver').all(name),
      asked: (name) =>
        sql<[string], { one: number }>(db, 'SELECT 1 AS one FROM teams WHERE requested_name = ? LIMIT 1').get(name) !== undefined,
      give: (id, name) => sql(db, 'UPDATE teams SET name = ? WHERE id = ?').run(name, id),
    },
    requested,
  );
}
