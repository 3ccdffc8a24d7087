/**
 * Sync found by mDNS, between boxes in network namespaces this suite makes itself (never the
 * host's interfaces): three namespaces joined by a bridge in a fourth, as three boxes on one
 * LAN. Two boxes are paired, then each is told a wrong address for the other: they can only
 * find each other by `_hail._tcp` (node id and sync port in TXT). A third, unpaired box on the
 * same link dials with its own key and is refused before any op is read.
 *
 * Needs root, iproute2 (ip, tc) and nsenter/unshare (util-linux), as in the Debian 13 root of
 * scripts/debian13.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { runHail } from './helpers/cli.js';
import { HAIL, newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';
import { PeerStore } from '../src/sync/peers.js';
import { databaseFile } from '../src/store/database.js';
import { eventually } from './helpers/eventually.js';

const run = promisify(execFile);
// Interface names are at most 15 characters; the pid keeps parallel runs apart.
const tag = `hs${process.pid % 100000}`;
const SIDES = ['a', 'b', 'c'] as const;
type Side = (typeof SIDES)[number];
const HUB = `${tag}h`;
const BRIDGE = `${tag}br`;
const NS = { a: `${tag}a`, b: `${tag}b`, c: `${tag}c` } as const;
const SUBNET = `10.${150 + (process.pid % 50)}.${process.pid % 250}`;
const ADDRESS = { a: `${SUBNET}.1`, b: `${SUBNET}.2`, c: `${SUBNET}.3` } as const;
const NAME = { a: 'alpha', b: 'bravo', c: 'charlie' } as const;
const HTTP_PORT = 8080;
const SYNC_PORT = 7443;
// TEST-NET-1: no route to it in the namespaces, so a dial there fails at once.
const WRONG = { a: '192.0.2.1:7443', b: '192.0.2.2:7443' } as const;
const PASSWORD = 'a long password';

const dataDirs = { a: newDataDir(), b: newDataDir(), c: newDataDir() };
const running: HailProcess[] = [];

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const inNs = (ns: string, command: string, ...args: string[]) =>
  execFileSync('nsenter', [`--net=/run/netns/${ns}`, command, ...args], { stdio: 'pipe' });

function removeNamespaces(): void {
  for (const ns of [...Object.values(NS), HUB]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not made, or already gone
    }
  }
}

// Whatever happens to this process, the namespaces (and the links in them) go with it.
process.on('exit', () => {
  for (const box of running) if (box.child.exitCode === null) box.child.kill('SIGKILL');
  removeNamespaces();
});

before(() => {
  removeNamespaces();
  ip('netns', 'add', HUB);
  inNs(HUB, 'ip', 'link', 'add', BRIDGE, 'type', 'bridge');
  inNs(HUB, 'ip', 'link', 'set', BRIDGE, 'up');
  for (const side of SIDES) {
    const [box, port] = [`${tag}v${side}`, `${tag}p${side}`];
    ip('netns', 'add', NS[side]);
    ip('link', 'add', box, 'type', 'veth', 'peer', 'name', port);
    ip('link', 'set', box, 'netns', NS[side]);
    ip('link', 'set', port, 'netns', HUB);
    inNs(HUB, 'ip', 'link', 'set', port, 'master', BRIDGE);
    inNs(HUB, 'ip', 'link', 'set', port, 'up');
    inNs(NS[side], 'ip', 'addr', 'add', `${ADDRESS[side]}/24`, 'dev', box);
    inNs(NS[side], 'ip', 'link', 'set', box, 'up');
    inNs(NS[side], 'ip', 'link', 'set', 'lo', 'up');
    // mDNS goes to 224.0.0.251; with no default route the kernel needs to be told where.
    inNs(NS[side], 'ip', 'route', 'add', '224.0.0.0/4', 'dev', box);
  }
});

after(async () => {
  await Promise.all(running.map((box) => box.stop()));
  removeNamespaces();
  for (const dir of Object.values(dataDirs)) removeDataDir(dir);
});

/** A box on its end of the link, with its own host name (its own UTS namespace), as a real box. */
async function startBox(side: Side): Promise<HailProcess> {
  const box = await startHail({
    dataDir: dataDirs[side],
    wrap: ['nsenter', `--net=/run/netns/${NS[side]}`, 'unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', `box${side}`],
    args: ['--host', '0.0.0.0', '--port', String(HTTP_PORT), '--box-name', NAME[side]],
    env: { HAIL_SYNC_PORT: String(SYNC_PORT), HAIL_LOG_LEVEL: 'debug' },
  });
  running.push(box);
  return box;
}

async function stopBox(box: HailProcess): Promise<void> {
  assert.equal(await box.stop(), 0);
  running.splice(running.indexOf(box), 1);
}

interface Answer {
  status: number;
  body: any;
  cookie?: string;
}

/** One HTTP request to a box, made from inside its namespace (the host cannot reach it). */
async function api(side: Side, method: string, path: string, body?: unknown, cookie?: string): Promise<Answer> {
  const script = `
    const answer = await fetch(${JSON.stringify(`http://${ADDRESS[side]}:${HTTP_PORT}${path}`)}, { method: ${JSON.stringify(method)},
      headers: { 'content-type': 'application/json', ${cookie ? `cookie: ${JSON.stringify(cookie)}` : ''} }, body: ${body === undefined ? 'undefined' : JSON.stringify(JSON.stringify(body))} });
    const text = await answer.text();
    console.log(JSON.stringify({ status: answer.status, body: text ? JSON.parse(text) : null, cookie: answer.headers.get('set-cookie')?.split(';')[0] }));`;
  const { stdout } = await run('nsenter', [`--net=/run/netns/${NS[side]}`, process.execPath, '--input-type=module', '-e', script], {
    timeout: 20000,
  });
  return JSON.parse(stdout) as Answer;
}

interface Entry {
  time: number;
  msg: string;
  address?: string;
  [key: string]: unknown;
}
const entries = (box: HailProcess): Entry[] =>
  box.logs
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Entry);

const login = async (side: Side) => (await api(side, 'POST', '/api/v1/auth/login', { username: 'skipper', password: PASSWORD })).cookie;
const messages = async (side: Side, cookie: string, channelId: string) =>
  ((await api(side, 'GET', `/api/v1/channels/${channelId}/posts?limit=100`, undefined, cookie)).body.posts as { message: string }[]).map(
    (post) => post.message,
  );

/** The origins of the ops a box holds, read beside the running server. */
function origins(side: Side): string[] {
  const db = new Database(databaseFile(dataDirs[side]), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT DISTINCT origin FROM ops ORDER BY origin').all() as { origin: string }[]).map((row) => row.origin);
  } finally {
    db.close();
  }
}

let channelId: string;
let alpha: HailProcess;
let bravo: HailProcess;

test('two boxes paired, then given wrong addresses, find each other by mDNS and sync; a box that appears is dialled at once', async () => {
  alpha = await startBox('a');
  const setup = await api('a', 'POST', '/api/v1/setup', {
    code: alpha.setupCode(),
    username: 'skipper',
    password: PASSWORD,
    displayName: 'Skipper',
    teamName: 'crew',
    teamDisplayName: 'Crew',
  });
  assert.equal(setup.status, 201, JSON.stringify(setup.body));
  channelId = (await api('a', 'GET', '/api/v1/teams', undefined, setup.cookie)).body.teams[0].defaultChannelId;
  const invite = await api('a', 'POST', '/api/v1/peers/invites', {}, setup.cookie);
  assert.equal(invite.status, 201, JSON.stringify(invite.body));

  // The second box joins the fleet with the invitation, run on its side of the link.
  bravo = await startBox('b');
  const added = await run(
    'nsenter',
    [`--net=/run/netns/${NS.b}`, process.execPath, HAIL, 'peer', 'add', invite.body.invitation, '--data-dir', dataDirs.b],
    {
      env: { ...process.env, HAIL_BOX_NAME: NAME.b },
      timeout: 30000,
    },
  );
  assert.match(added.stdout, /paired with alpha/);
  await eventually('the history to reach bravo', async () => (await login('b')) !== undefined);

  // Both stop; each is told a wrong address for the other.
  await stopBox(alpha);
  await stopBox(bravo);
  for (const [side, other] of [
    ['a', 'b'],
    ['b', 'a'],
  ] as const) {
    const changed = await runHail(['peer', 'set-address', NAME[other], WRONG[other], '--data-dir', dataDirs[side]]);
    assert.equal(changed.code, 0, changed.stderr);
  }

  // Bravo alone: its dials to the wrong address fail, and its backoff grows.
  bravo = await startBox('b');
  const failures = () => entries(bravo).filter((entry) => entry.msg === 'sync: dial failed');
  await eventually('bravo to back off past 4 s', async () => failures().length >= 5, 40000);
  const gaps = failures()
    .slice(1)
    .map((entry, index) => entry.time - failures()[index]!.time);

  // Alpha cannot dial bravo (a policy route turns away its connections to bravo's sync port, and
  // nothing else), so the link that comes up is bravo's dial: made when bravo sees alpha appear,
  // not when its backoff ends.
  inNs(NS.a, 'ip', 'rule', 'add', 'to', ADDRESS.b, 'ipproto', 'tcp', 'dport', String(SYNC_PORT), 'table', '100');
  inNs(NS.a, 'ip', 'route', 'add', 'prohibit', 'default', 'table', '100');
  alpha = await startBox('a');
  const announced = entries(alpha).find((entry) => entry.msg === 'mDNS: announced');
  assert.ok(announced, alpha.logs.join('\n'));
  const dialled = await eventually(
    'bravo to dial alpha',
    async () => entries(alpha).find((entry) => entry.msg === 'sync: connection from' && entry.address?.startsWith(`${ADDRESS.b}:`)),
    20000,
  );
  const delay = dialled.time - announced.time;
  console.log(`bravo dialled alpha ${delay} ms after alpha announced itself; bravo's backoff gaps were ${gaps.join(', ')} ms`);
  assert.ok(delay < 1500, `bravo dialled ${delay} ms after alpha appeared`);
  await eventually('the link to open', async () => entries(bravo).some((entry) => entry.msg === 'sync: link with alpha open'));

  // A post on each reaches the other.
  const [onA, onB] = [(await login('a'))!, (await login('b'))!];
  assert.equal((await api('a', 'POST', `/api/v1/channels/${channelId}/posts`, { message: 'from alpha, found by mDNS' }, onA)).status, 201);
  assert.equal((await api('b', 'POST', `/api/v1/channels/${channelId}/posts`, { message: 'from bravo, found by mDNS' }, onB)).status, 201);
  await eventually('each post to reach the other box', async () => {
    const [a, b] = [await messages('a', onA, channelId), await messages('b', onB, channelId)];
    return a.includes('from bravo, found by mDNS') && b.includes('from alpha, found by mDNS') && a.join() === b.join();
  });
  // The addresses they dial are still the wrong ones: mDNS alone brought them together.
  for (const [side, other] of [
    ['a', 'b'],
    ['b', 'a'],
  ] as const) {
    const list = await runHail(['peer', 'list', '--data-dir', dataDirs[side]]);
    assert.match(list.stdout, new RegExp(WRONG[other].replace(/\./g, '\\.')));
  }
});

test('an unpaired box on the same link that dials with its own key is refused before any op is read', async () => {
  // Charlie pins alpha on its side only (as if it had stolen alpha's fingerprint and address):
  // it dials alpha with its own key, which alpha never paired.
  const charlie0 = await startBox('c');
  const setup = await api('c', 'POST', '/api/v1/setup', {
    code: charlie0.setupCode(),
    username: 'intruder',
    password: PASSWORD,
    displayName: 'Intruder',
    teamName: 'crew',
    teamDisplayName: 'Crew',
  });
  assert.equal(setup.status, 201);
  const own = (await api('c', 'GET', '/api/v1/teams', undefined, setup.cookie)).body.teams[0].defaultChannelId as string;
  assert.equal((await api('c', 'POST', `/api/v1/channels/${own}/posts`, { message: 'let me in' }, setup.cookie)).status, 201);
  await stopBox(charlie0);
  const fingerprint = entries(alpha).find((entry) => typeof entry.fingerprint === 'string' && entry.msg.startsWith('sync: listening'))!
    .fingerprint as string;
  const db = new Database(databaseFile(dataDirs.c));
  new PeerStore(db).pin(fingerprint, NAME.a, [`${ADDRESS.a}:${SYNC_PORT}`], Date.now());
  db.close();
  const charlieOrigins = origins('c');
  const before = origins('a');

  const charlie = await startBox('c');
  const refusal = await eventually('alpha to refuse charlie', async () =>
    entries(alpha).find((entry) => entry.msg.startsWith('sync: refused') && entry.address?.startsWith(`${ADDRESS.c}:`)),
  ).catch((error: Error) => assert.fail(`${error.message}\nCHARLIE\n${charlie.logs.join('\n')}\nALPHA\n${alpha.logs.join('\n')}`));
  assert.match(refusal.msg, /is not paired with this box/);
  // A few more of charlie's dials (its backoff starts at a second): none gets a link or applies anything.
  await new Promise((done) => setTimeout(done, 3000));
  assert.ok(
    entries(alpha).filter((entry) => entry.msg.startsWith('sync: refused') && entry.address?.startsWith(`${ADDRESS.c}:`)).length >= 2,
  );
  // Charlie's side saw the key it pinned and started a link, which alpha closed before a frame.
  assert.ok(!entries(charlie).some((entry) => entry.msg === 'sync: link with alpha open'), 'charlie never got a link');
  assert.ok(!entries(alpha).some((entry) => entry.msg === 'sync: link with charlie open'));
  assert.deepEqual(origins('a'), before);
  assert.ok(
    charlieOrigins.every((origin) => !before.includes(origin)),
    'charlie writes under its own origin',
  );
  assert.ok(!(await messages('a', (await login('a'))!, channelId)).includes('let me in'));
});
