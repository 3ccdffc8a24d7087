/**
 * What must hold once the fleet's network has healed and sync rounds have run until quiet:
 * every box holds the same op log (per origin the same seqs, hashes and stored bodies, purges
 * included) and the same replicated state (canonical dump, byte for byte), every op
 * acknowledged anywhere is held everywhere, chains verify, nothing was quarantined as a fork,
 * no op stays parked once its entity exists, and usernames, team names and channel names within a team are unique on every box.
 * Returns the first problem found, described, or undefined.
 */
import { sql } from '../../../src/store/database.js';
import { quarantinedOps, verifyChains } from '../../../src/store/op-log.js';
import { canonicalDump } from '../fold.js';
import type { SimBox } from './box.js';
import type { Ledger } from './ledger.js';

const opLog = (box: SimBox): string[] =>
  sql<[], { origin: string; seq: number; hash: string; body: string }>(box.db, 'SELECT origin, seq, hash, body FROM ops ORDER BY 1, 2')
    .all()
    .map(({ origin, seq, hash, body }) => `${origin}/${seq} ${hash} ${body}`);

const DUPLICATE_NAMES = {
  usernames: 'SELECT username AS name FROM users GROUP BY username HAVING count(*) > 1',
  'team names': 'SELECT name FROM teams GROUP BY name HAVING count(*) > 1',
  'channel names':
    "SELECT team_id || '/' || name AS name FROM channels WHERE team_id IS NOT NULL GROUP BY team_id, name HAVING count(*) > 1",
};

/** A parked op waits for its entity's create: once that is applied, nothing of it may stay parked. */
const STRANDED = `SELECT origin || '/' || seq FROM parked_ops WHERE entity IN
  (SELECT id FROM users UNION SELECT id FROM teams UNION SELECT id FROM channels UNION SELECT id FROM posts UNION SELECT id FROM invites)`;

function firstDifference(want: readonly string[], got: readonly string[]): string {
  const held = new Set(got);
  const wanted = new Set(want);
  const missing = want.filter((line) => !held.has(line)).slice(0, 5);
  const extra = got.filter((line) => !wanted.has(line)).slice(0, 5);
  return `only on box 0:\n    ${missing.join('\n    ')}\n  only on this box:\n    ${extra.join('\n    ')}`;
}

export function convergenceProblem(boxes: readonly SimBox[], ledger: Ledger): string | undefined {
  for (const box of boxes) {
    if (box.errors.length > 0) return `box ${box.index} reported errors: ${box.errors.map(String).join('; ')}`;
    const chains = verifyChains(box.db).problems;
    if (chains.length > 0) return `box ${box.index}'s chains do not verify: ${JSON.stringify(chains.slice(0, 3))}`;
    const forks = quarantinedOps(box.db);
    if (forks.length > 0) return `box ${box.index} quarantined forks: ${JSON.stringify(forks)}`;
    for (const [what, query] of Object.entries(DUPLICATE_NAMES)) {
      const clashes = sql<[], { name: string }>(box.db, query).pluck().all();
      if (clashes.length > 0) return `box ${box.index} has duplicate ${what}: ${clashes.join(', ')}`;
    }
    const stranded = sql<[], string>(box.db, STRANDED).pluck().all();
    if (stranded.length > 0) return `box ${box.index} holds ops parked for entities that exist: ${stranded.join(', ')}`;
    const rows = sql<[], { key: string; hash: string }>(box.db, "SELECT origin || '/' || seq AS key, hash FROM ops").all();
    const held = new Map(rows.map((row) => [row.key, row.hash]));
    for (const [key, hash] of ledger.acknowledged) {
      if (held.get(key) !== hash) return `box ${box.index} lacks op ${key}, acknowledged elsewhere (holds ${held.get(key) ?? 'nothing'})`;
    }
  }
  const [first, ...others] = boxes;
  const log = opLog(first!);
  const state = canonicalDump(first!.db);
  for (const box of others) {
    const theirs = opLog(box);
    if (theirs.join('\n') !== log.join('\n')) return `box ${box.index}'s op log differs from box 0's:\n  ${firstDifference(log, theirs)}`;
    const dump = canonicalDump(box.db);
    for (const table of Object.keys(state)) {
      const want = state[table]!.map((row) => JSON.stringify(row));
      const got = dump[table]!.map((row) => JSON.stringify(row));
      if (want.join('\n') === got.join('\n')) continue;
      return `box ${box.index}'s table ${table} differs from box 0's:\n  ${firstDifference(want, got)}`;
    }
  }
  return undefined;
}
