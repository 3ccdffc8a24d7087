/**
 * The power-loss loop (docs/DESIGN.md principle 2, "acknowledged means durable"): a real server
 * under write load is killed with SIGKILL at a random moment, again and again, on the same
 * data directory. After each kill the database must open, pass `PRAGMA integrity_check`, and
 * hold every post the server acknowledged; then the server must start on it again.
 *
 * SIGKILL ends the process, not the machine: what the kernel had accepted still reaches the
 * disk. Each acknowledged commit has been fsynced (WAL, synchronous=FULL), which is what
 * makes the same promise hold when the power goes; this loop proves the process side, at
 * every moment of a commit. Shared by test/power-loss.test.ts (about 50 kills in CI) and
 * scripts/power-loss.ts (1,000).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { Client, removeDataDir, startHail, type HailProcess } from './server.js';
import { startWorld } from './world.js';

export interface PowerLossReport {
  readonly kills: number;
  readonly acknowledged: number;
  /** Acknowledged posts missing after a restart: must be 0. */
  readonly lost: number;
  /** Restarts where the database failed `PRAGMA integrity_check`: must be 0. */
  readonly corrupt: number;
  readonly seconds: number;
}

const WRITERS = 3;
const MIN_LOAD_MS = 20;
const MAX_LOAD_MS = 250;
const ENV = { HAIL_POSTS_PER_SECOND: '100000', HAIL_POST_BURST: '100000' };

export async function powerLossLoop(kills: number, progress: (report: PowerLossReport) => void = () => {}): Promise<PowerLossReport> {
  const started = performance.now();
  const world = await startWorld({ env: ENV });
  const { dataDir } = world.hail;
  const channelId = world.team.defaultChannelId;
  const cookie = world.admin.cookie;
  let hail: HailProcess = world.hail;
  let acknowledged = 0;
  let lost = 0;
  let corrupt = 0;
  const report = (done: number): PowerLossReport => ({
    kills: done,
    acknowledged,
    lost,
    corrupt,
    seconds: (performance.now() - started) / 1000,
  });
  try {
    for (let kill = 1; kill <= kills; kill++) {
      const client = Object.assign(new Client(hail.url), { cookie });
      const acked: string[] = [];
      let alive = true;
      const writer = async () => {
        while (alive) {
          const id = uuidv7();
          try {
            const response = await client.post(`/api/v1/channels/${channelId}/posts`, { id, message: `power loss ${kill} ${id}` });
            if (response.status === 201) acked.push(id);
            else if (response.status !== 429) throw new Error(`unexpected ${response.status}: ${JSON.stringify(response.body)}`);
          } catch (error) {
            if (alive) throw error;
            return; // the server died under this request: its fate is unknown, and not counted
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, writer);
      await new Promise((wait) => setTimeout(wait, MIN_LOAD_MS + Math.random() * (MAX_LOAD_MS - MIN_LOAD_MS)));
      const dying = hail.kill();
      alive = false;
      await dying;
      await Promise.all(writers);
      acknowledged += acked.length;
      const db = new Database(join(dataDir, 'hail.db'));
      try {
        if (db.pragma('integrity_check', { simple: true }) !== 'ok') corrupt++;
        const has = db.prepare('SELECT 1 FROM posts WHERE id = ?');
        lost += acked.filter((id) => has.get(id) === undefined).length;
      } finally {
        db.close();
      }
      progress(report(kill));
      hail = await startHail({ dataDir, env: ENV });
    }
    return report(kills);
  } finally {
    await hail.kill();
    removeDataDir(dataDir);
  }
}
