/**
 * `hail invite create`: an invite link made at the box itself, for the first crew members or
 * when no admin is at a browser. It is authored by an administrator (`--as`, or the earliest
 * active one) and committed through the write path like the API's; the link is printed once,
 * with the box's address by IP, which phones reach more reliably than a `.local` name.
 */
import type { Config } from '../config.js';
import { newInvite, type InviteTerms } from '../core/invites.js';
import type { TeamRow } from '../store/read/teams.js';
import type { UserRow } from '../store/read/users.js';
import { StartupError } from '../startup-error.js';
import { configuredBoxUrls } from '../http/pages/box-urls.js';
import { sql, type Db } from '../store/database.js';
import { userByName, withWriter } from './database.js';

const ROLES: readonly InviteTerms['role'][] = ['member', 'guest', 'admin'];

export async function inviteCreateCommand(config: Config, flags: Record<string, string>): Promise<void> {
  const role = (flags['--role'] ?? 'member') as InviteTerms['role'];
  if (!ROLES.includes(role)) throw new StartupError('usage', `--role: must be one of ${ROLES.join(', ')} (got "${flags['--role']}").`);
  const hours = positiveInteger(flags, '--expires-in-hours');
  const maxUses = positiveInteger(flags, '--max-uses');
  const { token, team } = await withWriter(config.dataDir, async ({ db, committer }) => {
    const author = flags['--as'] ? userByName(db, flags['--as']) : firstAdmin(db);
    if (author.role !== 'admin' || author.active !== 1)
      throw new StartupError('not_admin', `${author.username} is not an active administrator; name one with --as.`);
    const team = chooseTeam(db, flags['--team']);
    const invite = newInvite({ teamId: team.id, role, lifetimeHours: hours, maxUses });
    await committer.commit({ author: author.id, ops: [invite.draft] });
    return { token: invite.token, team };
  });
  const limits = [
    hours === null ? 'never expires' : `expires in ${hours} h`,
    maxUses === null ? 'unlimited uses' : `${maxUses} use${maxUses === 1 ? '' : 's'}`,
  ];
  process.stdout.write(`Invite to ${team.display_name} as ${role} (${limits.join(', ')}), shown only now:\n`);
  for (const base of configuredBoxUrls(config).byIp) process.stdout.write(`  ${base}invite/${token}\n`);
}

function positiveInteger(flags: Record<string, string>, name: string): number | null {
  const text = flags[name];
  if (text === undefined) return null;
  if (!/^[1-9][0-9]{0,6}$/.test(text)) throw new StartupError('usage', `${name}: must be a whole number of at least 1 (got "${text}").`);
  return Number(text);
}

export function firstAdmin(db: Db): UserRow {
  const admin = sql<[], UserRow>(db, "SELECT * FROM users WHERE role = 'admin' AND active = 1 ORDER BY created_ver LIMIT 1").get();
  if (!admin)
    throw new StartupError('no_admin', 'this box has no administrator yet; create one with the setup code first (hail setup-code show).');
  return admin;
}

function chooseTeam(db: Db, name: string | undefined): TeamRow {
  const teams = sql<[], TeamRow>(db, 'SELECT * FROM teams ORDER BY name').all();
  const team = name === undefined && teams.length === 1 ? teams[0] : teams.find((candidate) => candidate.name === name);
  if (team) return team;
  const known = teams.map((candidate) => candidate.name).join(', ') || 'none yet';
  throw new StartupError('usage', `${name === undefined ? 'say which team with --team' : `there is no team "${name}"`}; teams: ${known}.`);
}
