/**
 * The streaming import benchmark: writes a Mattermost bulk export of POSTS posts (default
 * 100,000; a tenth of them with two replies and a reaction) across 20 channels and 200 users,
 * sets up a fresh box, and times `hail import mattermost` on it (wall and CPU time), with the
 * import's peak RSS (the process's own maximum resident set size, printed as it exits).
 *
 *   node build/scripts/bench/import-mattermost.js [POSTS] [--cpu-prof DIR]
 *
 * With `--cpu-prof DIR` the import writes a V8 CPU profile there (open it in Chrome's DevTools).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startHail } from '../../test/helpers/server.js';
import { Client } from '../../test/helpers/server.js';

const POSTS = Number(process.argv[2] ?? 100_000);
const profileAt = process.argv.indexOf('--cpu-prof');
const profile = profileAt > 0 ? ['--cpu-prof', '--cpu-prof-dir', process.argv[profileAt + 1]!] : [];
const USERS = 200;
const CHANNELS = 20;
const T0 = Date.UTC(2020, 0, 1);

async function writeExport(file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = async (line: unknown) => {
    if (!out.write(JSON.stringify(line) + '\n')) await once(out, 'drain');
  };
  await write({ type: 'version', version: 1 });
  await write({ type: 'team', team: { name: 'club', display_name: 'The Club', type: 'O' } });
  for (let c = 0; c < CHANNELS; c++)
    await write({ type: 'channel', channel: { team: 'club', name: `channel-${c}`, display_name: `Channel ${c}`, type: 'O' } });
  for (let u = 0; u < USERS; u++) {
    const channels = Array.from({ length: CHANNELS }, (_, c) => ({ name: `channel-${c}` }));
    await write({ type: 'user', user: { username: `member${u}`, roles: 'system_user', teams: [{ name: 'club', channels }] } });
  }
  for (let p = 0; p < POSTS; p++) {
    const post: Record<string, unknown> = {
      team: 'club',
      channel: `channel-${p % CHANNELS}`,
      user: `member${p % USERS}`,
      message: `Message ${p}: the wind backs to the south-west by evening, force 4 to 5.`,
      create_at: T0 + p * 1000,
    };
    if (p % 10 === 0) {
      post.replies = [1, 2].map((r) => ({ user: `member${(p + r) % USERS}`, message: `Reply ${r} to ${p}`, create_at: T0 + p * 1000 + r }));
      post.reactions = [{ user: `member${(p + 3) % USERS}`, emoji_name: 'thumbsup', create_at: T0 + p * 1000 + 5 }];
    }
    await write({ type: 'post', post });
  }
  out.end();
  await once(out, 'finish');
}

const scratch = mkdtempSync(join(tmpdir(), 'hail-import-bench-'));
try {
  const file = join(scratch, 'export.jsonl');
  await writeExport(file);
  const hail = await startHail();
  const admin = new Client(hail.url);
  await admin.post('/api/v1/setup', {
    code: hail.setupCode(),
    username: 'admin',
    password: 'correct horse battery',
    displayName: 'Admin',
    teamName: 'crew',
    teamDisplayName: 'Crew',
  });
  await hail.stop();
  const started = process.hrtime.bigint();
  // The machine is shared: CPU seconds say more than wall time about the import's own cost.
  const report = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('maxrss '+u.maxRSS+' cpu '+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;
  const run = spawnSync(
    process.execPath,
    [...profile, '--import', report, resolve('dist/hail.js'), 'import', 'mattermost', file, '--data-dir', hail.dataDir],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`import failed: ${run.stderr.slice(-2000)}`);
  const [, peakKb, cpuMicros] = (/maxrss (\d+) cpu (\d+)/.exec(run.stderr) ?? []).map(Number);
  const database =
    statSync(join(hail.dataDir, 'hail.db')).size + (statSync(join(hail.dataDir, 'hail.db-wal'), { throwIfNoEntry: false })?.size ?? 0);
  process.stdout.write(`${run.stdout.split('\n')[0]}\n`);
  process.stdout.write(
    `import of ${POSTS} posts (+${POSTS / 5} replies, ${POSTS / 10} reactions, export ${(statSync(file).size / 1e6).toFixed(1)} MB): ${seconds.toFixed(1)} s (${(cpuMicros! / 1e6).toFixed(1)} s of CPU), peak RSS ${(peakKb! / 1024).toFixed(0)} MB, database ${(database / 1e6).toFixed(0)} MB\n`,
  );
  rmSync(hail.dataDir, { recursive: true, force: true });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
