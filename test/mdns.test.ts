/**
 * mDNS between two network namespaces that this suite makes itself (a veth pair, one box on
 * each end), never on the host's own interfaces. Debian's avahi-daemon and avahi-browse, run
 * in the second namespace with a private D-Bus, are the independent client: they must see the
 * box's services with the right TXT records, two boxes of the same name end with distinct
 * names, and a box that stops says goodbye. A box whose machine runs avahi-daemon (its own, on
 * a second private bus) publishes through it instead of answering for itself.
 *
 * Needs root, iproute2, nsenter/unshare (util-linux), avahi-daemon, avahi-utils and dbus-daemon,
 * as in the Debian 13 root of scripts/debian13.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';

const run = promisify(execFile);
// Interface names are at most 15 characters; the pid keeps parallel runs apart.
const tag = `hl${process.pid % 100000}`;
const NS = { a: `${tag}a`, b: `${tag}b` } as const;
const LINK = { a: `${tag}va`, b: `${tag}vb` } as const;
const SUBNET = `10.${200 + (process.pid % 50)}.${process.pid % 250}`;
const ADDRESS = { a: `${SUBNET}.1`, b: `${SUBNET}.2` } as const;
const HTTP_PORT = 8080;
const BOX = 'Arthur';

const temp = mkdtempSync(join(tmpdir(), 'hail-mdns-'));
const bus = join(temp, 'bus');
const busEnv = { DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${bus}` };
const daemons: ChildProcess[] = [];
const boxes: HailProcess[] = [];

const inNamespace = (ns: string) => ['nsenter', `--net=/run/netns/${ns}`];
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const ipIn = (ns: string, ...args: string[]) => execFileSync('nsenter', [`--net=/run/netns/${ns}`, 'ip', ...args], { stdio: 'pipe' });

function removeNamespaces(): void {
  for (const ns of Object.values(NS)) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not made, or already gone
    }
  }
}

// Whatever happens to this process, the namespaces (and the veth pair in them) go with it.
process.on('exit', () => {
  for (const child of daemons) if (child.exitCode === null) child.kill('SIGKILL');
  for (const box of boxes) if (box.child.exitCode === null) box.child.kill('SIGKILL');
  removeNamespaces();
});

function waitForOutput(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 15000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${seen}`)), timeoutMs);
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${seen}`));
    });
  });
}

before(async () => {
  removeNamespaces();
  ip('netns', 'add', NS.a);
  ip('netns', 'add', NS.b);
  ip('link', 'add', LINK.a, 'type', 'veth', 'peer', 'name', LINK.b);
  for (const side of ['a', 'b'] as const) {
    ip('link', 'set', LINK[side], 'netns', NS[side]);
    ipIn(NS[side], 'addr', 'add', `${ADDRESS[side]}/24`, 'dev', LINK[side]);
    ipIn(NS[side], 'link', 'set', LINK[side], 'up');
    ipIn(NS[side], 'link', 'set', 'lo', 'up');
    // mDNS goes to 224.0.0.251; with no default route the kernel needs to be told where.
    ipIn(NS[side], 'route', 'add', '224.0.0.0/4', 'dev', LINK[side]);
  }

  // A private system bus for avahi-daemon and avahi-browse, allowing everything: it only lives here.
  writeFileSync(
    join(temp, 'bus.conf'),
    `<busconfig><type>system</type><listen>unix:path=${bus}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_type="method_call"/><allow send_destination="*"/><allow receive_sender="*"/></policy></busconfig>\n`,
  );
  const dbus = spawn('dbus-daemon', ['--config-file', join(temp, 'bus.conf'), '--nofork', '--nopidfile', '--print-address'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  daemons.push(dbus);
  await waitForOutput(dbus, /unix:path=/, 'dbus-daemon');

  // avahi-daemon only listens in namespace b and publishes nothing of its own.
  writeFileSync(
    join(temp, 'avahi.conf'),
    `[server]\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=${LINK.b}\nenable-dbus=yes\n[publish]\ndisable-publishing=yes\n`,
  );
  rmSync('/run/avahi-daemon/pid', { force: true });
  const avahi = spawn(
    inNamespace(NS.b)[0]!,
    [...inNamespace(NS.b).slice(1), 'avahi-daemon', '-f', join(temp, 'avahi.conf'), '--no-drop-root', '--no-chroot', '--no-rlimits'],
    {
      env: { ...process.env, ...busEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  daemons.push(avahi);
  await waitForOutput(avahi, /Server startup complete/, 'avahi-daemon');
});

after(async () => {
  await Promise.all(boxes.map((box) => box.stop()));
  for (const child of daemons.reverse()) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  removeNamespaces();
  for (const box of boxes) removeDataDir(box.dataDir);
  rmSync(temp, { recursive: true, force: true });
});

/** A Hail box on one end of the link, with its own host name (its own UTS namespace), as a real box. */
async function startBox(side: 'a' | 'b'): Promise<HailProcess & { nodeId: string }> {
  const box = await startHail({
    dataDir: newDataDir(),
    wrap: [...inNamespace(NS[side]), 'unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', `box${side}`],
    args: ['--host', '0.0.0.0', '--port', String(HTTP_PORT), '--box-name', BOX],
  });
  boxes.push(box);
  const listening = box.logs
    .map((line) => JSON.parse(line.startsWith('{') ? line : '{}') as { msg?: string; nodeId?: string })
    .find((entry) => entry.msg === 'Hail is listening');
  return Object.assign(box, { nodeId: listening!.nodeId! });
}

interface Seen {
  readonly name: string;
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly txt: Record<string, string>;
}

/** What avahi-browse resolves for a service type, from its parsable output. */
async function browse(type: string): Promise<Seen[]> {
  const { stdout } = await run('avahi-browse', ['--resolve', '--terminate', '--parsable', '--no-db-lookup', type], {
    env: { ...process.env, ...busEnv },
    timeout: 20000,
  });
  const unescape = (text: string) => text.replace(/\\(\d{3})/g, (_match, code: string) => String.fromCharCode(Number(code)));
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('='))
    .map((line) => {
      const [, , , name, , , host, address, port, txt] = line.split(';');
      const entries = [...(txt ?? '').matchAll(/"([^"]*)"/g)].map((match) => match[1]!);
      return {
        name: unescape(name!),
        host: host!,
        address: address!,
        port: Number(port),
        txt: Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])),
      };
    });
}

/** Browses until `ready` holds (avahi needs a moment to hear answers), for at most 30 s. */
async function browseUntil(type: string, ready: (seen: Seen[]) => boolean): Promise<Seen[]> {
  let seen: Seen[] = [];
  for (let tries = 0; tries < 15; tries++) {
    seen = await browse(type);
    if (ready(seen)) return seen;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return seen;
}

let first: HailProcess & { nodeId: string };

test('avahi-browse on another host sees the box as people and other boxes look for it', async () => {
  first = await startBox('a');
  const hail = await browseUntil('_hail._tcp', (seen) => seen.some((entry) => entry.name === `Hail on ${BOX}`));
  const box = hail.find((entry) => entry.name === `Hail on ${BOX}`);
  assert.ok(box, `avahi saw ${JSON.stringify(hail)}`);
  assert.equal(box.host, 'boxa.local');
  assert.equal(box.address, ADDRESS.a);
  assert.equal(box.port, HTTP_PORT);
  assert.equal(box.txt.node, first.nodeId);
  assert.equal(box.txt.http, String(HTTP_PORT));
  assert.match(box.txt.version!, /^\d+\.\d+\.\d+/);

  const http = await browseUntil('_http._tcp', (seen) => seen.some((entry) => entry.name === `Hail on ${BOX}`));
  const page = http.find((entry) => entry.name === `Hail on ${BOX}`);
  assert.ok(page, `avahi saw ${JSON.stringify(http)}`);
  assert.equal(page.port, HTTP_PORT);
  assert.equal(page.txt.path, '/');
});

test('a second box with the same name takes a suffix, and each lists the other as nearby', async () => {
  const second = await startBox('b');
  const names = (seen: Seen[]) => seen.map((entry) => entry.name).sort();
  const seen = await browseUntil('_hail._tcp', (found) => names(found).join() === [`Hail on ${BOX}`, `Hail on ${BOX} (2)`].join());
  assert.deepEqual(names(seen), [`Hail on ${BOX}`, `Hail on ${BOX} (2)`]);
  assert.equal(
    seen.find((entry) => entry.name === `Hail on ${BOX}`)!.txt.node,
    first.nodeId,
    'the box that was there first keeps the name',
  );
  assert.equal(seen.find((entry) => entry.name === `Hail on ${BOX} (2)`)!.txt.node, second.nodeId);

  // The admin status of the second box, asked from inside its namespace, lists the first.
  const script = `
    const base = 'http://${ADDRESS.b}:${HTTP_PORT}';
    const setup = await fetch(base + '/api/v1/setup', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: ${JSON.stringify(second.setupCode())}, username: 'skipper', password: 'a long password', displayName: 'Skipper', teamName: 'crew', teamDisplayName: 'Crew' }) });
    const cookie = setup.headers.get('set-cookie').split(';')[0];
    for (let tries = 0; tries < 20; tries++) {
      const status = await (await fetch(base + '/api/v1/status', { headers: { cookie } })).json();
      if (status.nearby.hail.length > 0 || tries === 19) { console.log(JSON.stringify(status.nearby)); break; }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }`;
  const { stdout } = await run(
    inNamespace(NS.b)[0]!,
    [...inNamespace(NS.b).slice(1), process.execPath, '--input-type=module', '-e', script],
    { timeout: 30000 },
  );
  const nearby = JSON.parse(stdout) as { hail: { name: string; txt: Record<string, string>; port: number }[]; signalk: unknown[] };
  assert.deepEqual(
    nearby.hail.map((entry) => [entry.name, entry.txt.node, entry.port]),
    [[`Hail on ${BOX}`, first.nodeId, HTTP_PORT]],
  );
  assert.deepEqual(nearby.signalk, []);
});

test('a box that stops says goodbye, and browsers forget it at once', async () => {
  assert.equal(await first.stop(), 0);
  const seen = await browseUntil('_hail._tcp', (found) => !found.some((entry) => entry.name === `Hail on ${BOX}`));
  assert.deepEqual(
    seen.map((entry) => entry.name),
    [`Hail on ${BOX} (2)`],
  );
  assert.ok(existsSync(first.dataDir));
});

test("when the box's address changes, it re-announces", async () => {
  const box = await startBox('a');
  const added = `${SUBNET}.3`;
  const atAddress = (address: string) => (seen: Seen[]) => seen.some((entry) => entry.txt.node === box.nodeId && entry.address === address);
  const before = await browseUntil('_hail._tcp', atAddress(ADDRESS.a));
  assert.ok(atAddress(ADDRESS.a)(before), `avahi saw ${JSON.stringify(before)}`);
  // A second address on the box's side of the link, as a new DHCP lease or network would give it.
  ipIn(NS.a, 'addr', 'add', `${added}/24`, 'dev', LINK.a);
  try {
    // The box notices within one AddressWatcher poll (5 s), withdraws its records and announces
    // them again; avahi, which cached the old address record, resolves the new address.
    for (const type of ['_hail._tcp', '_http._tcp']) {
      const seen = await browseUntil(type, atAddress(added));
      assert.ok(atAddress(added)(seen), `${type}: avahi saw ${JSON.stringify(seen)}\n${box.logs.join('\n')}`);
    }
  } finally {
    try {
      ipIn(NS.a, 'addr', 'del', `${added}/24`, 'dev', LINK.a);
    } catch {
      // the namespace is already gone
    }
  }
});

test('when avahi-daemon runs on the box, the box publishes through it and leaves the host name to it', async () => {
  // A second system bus and an avahi-daemon that publishes, on the box's side of the link, as on
  // Raspberry Pi OS. The daemon has a host name of its own; Hail's host name is another.
  const boxBus = join(temp, 'bus-a');
  writeFileSync(join(temp, 'bus-a.conf'), readFileSync(join(temp, 'bus.conf'), 'utf8').replace(bus, boxBus));
  const dbus = spawn('dbus-daemon', ['--config-file', join(temp, 'bus-a.conf'), '--nofork', '--nopidfile', '--print-address'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  daemons.push(dbus);
  await waitForOutput(dbus, /unix:path=/, 'dbus-daemon');
  writeFileSync(
    join(temp, 'avahi-a.conf'),
    `[server]\nhost-name=avahibox\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=${LINK.a}\nenable-dbus=yes\n`,
  );
  rmSync('/run/avahi-daemon/pid', { force: true });
  const boxEnv = { DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${boxBus}` };
  const avahi = spawn(
    inNamespace(NS.a)[0]!,
    [...inNamespace(NS.a).slice(1), 'avahi-daemon', '-f', join(temp, 'avahi-a.conf'), '--no-drop-root', '--no-chroot', '--no-rlimits'],
    {
      env: { ...process.env, ...boxEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  daemons.push(avahi);
  await waitForOutput(avahi, /Server startup complete/, 'avahi-daemon on the box');

  const port = HTTP_PORT + 1;
  const box = await startHail({
    dataDir: newDataDir(),
    wrap: [...inNamespace(NS.a), 'unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', 'hailbox'],
    args: ['--host', '0.0.0.0', '--port', String(port), '--box-name', 'Zephyr'],
    env: boxEnv,
  });
  boxes.push(box);
  assert.ok(
    box.logs.some((line) => line.includes('published through avahi-daemon')),
    box.logs.join('\n'),
  );
  assert.ok(!box.logs.some((line) => line.includes('"mDNS: announced"')), "Hail's own responder stays silent");
  const nodeId = (JSON.parse(box.logs.find((line) => line.includes('"Hail is listening"'))!) as { nodeId: string }).nodeId;
  const syncPort = (JSON.parse(box.logs.find((line) => line.includes('"sync: listening'))!) as { syncPort: number }).syncPort;

  for (const type of ['_hail._tcp', '_http._tcp']) {
    const seen = await browseUntil(type, (found) => found.some((entry) => entry.name === 'Hail on Zephyr'));
    const entry = seen.find((found) => found.name === 'Hail on Zephyr');
    assert.ok(entry, `${type}: avahi saw ${JSON.stringify(seen)}`);
    // Paired boxes dial the sync port they read here (sync/index.ts).
    if (type === '_hail._tcp') assert.equal(entry.txt.sync, String(syncPort));
    assert.equal(entry.host, 'avahibox.local', 'the service lives on the host avahi answers for');
    assert.equal(entry.address, ADDRESS.a);
    assert.equal(entry.port, port);
    assert.equal(entry.txt.node, nodeId);
  }
  // Nothing answers for Hail's own host name: the box did not start a second responder.
  const resolved = await run('avahi-resolve', ['-4', '-n', 'hailbox.local'], { env: { ...process.env, ...busEnv }, timeout: 20000 }).then(
    ({ stdout }) => stdout,
    () => '',
  );
  assert.doesNotMatch(resolved, /\d+\.\d+\.\d+\.\d+/, `hailbox.local resolved: ${resolved}`);

  assert.equal(await box.stop(), 0);
  const gone = await browseUntil('_hail._tcp', (found) => !found.some((entry) => entry.name === 'Hail on Zephyr'));
  assert.ok(!gone.some((entry) => entry.name === 'Hail on Zephyr'), "the box's services went with it");
});
