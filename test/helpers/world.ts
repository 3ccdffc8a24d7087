/** A set-up server with an admin, a team, and helpers to invite people into it. */
import { Client, removeDataDir, startHail, type HailProcess, type StartOptions } from './server.js';

export interface World {
  readonly hail: HailProcess;
  readonly admin: Client;
  readonly team: { id: string; name: string; defaultChannelId: string };
  client(): Client;
  /** Invites and registers a user with the given role; returns its logged-in client and id. */
  join(username: string, role?: 'member' | 'guest' | 'admin'): Promise<{ client: Client; id: string }>;
  /** Stops the server and keeps its data directory (for a restart on it). */
  stop(): Promise<void>;
  /** Stops the server and removes its data directory: the end of a suite. */
  dispose(): Promise<void>;
}

export async function startWorld(options: StartOptions = {}): Promise<World> {
  const hail = await startHail(options);
  try {
    return await populate(hail);
  } catch (error) {
    await hail.stop();
    if (!options.dataDir) removeDataDir(hail.dataDir);
    throw error;
  }
}

async function populate(hail: HailProcess): Promise<World> {
  const admin = new Client(hail.url);
  const setup = await admin.post('/api/v1/setup', {
    code: hail.setupCode(),
    username: 'admin',
    password: 'correct horse battery',
    displayName: 'The Admin',
    teamName: 'crew',
    teamDisplayName: 'The Crew',
  });
  if (setup.status !== 201) throw new Error(`setup failed: ${JSON.stringify(setup.body)}`);
  const teams = await admin.get('/api/v1/teams');
  const team = teams.body.teams[0];
  return {
    hail,
    admin,
    team,
    client: () => new Client(hail.url),
    async join(username, role = 'member') {
      const invite = await admin.post('/api/v1/invites', { teamId: team.id, role, maxUses: 1 });
      if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`);
      const client = new Client(hail.url);
      const registered = await client.post('/api/v1/register', {
        token: invite.body.token,
        username,
        password: 'password of ' + username,
        displayName: username.toUpperCase(),
      });
      if (registered.status !== 201) throw new Error(`register failed: ${JSON.stringify(registered.body)}`);
      return { client, id: registered.body.user.id };
    },
    async stop() {
      await hail.stop();
    },
    async dispose() {
      await hail.stop();
      removeDataDir(hail.dataDir);
    },
  };
}
