/**
 * After a reboot the service may start before the network: the `host` address or the
 * `mdns_interface` is not there yet. The box must wait for it (and say so), not exit as if the
 * setting were wrong. Runs the server in a network namespace this suite makes, where the
 * address appears after the start (root, iproute2 and nsenter, as in scripts/debian13).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';

// Interface names are at most 15 characters; the pid keeps parallel runs apart.
const NS = `hlw${process.pid % 100000}`;
const LINK = `${NS}w`;
const SUBNET = `10.${150 + (process.pid % 50)}.${process.pid % 250}`;
const inNamespace = ['nsenter', `--net=/run/netns/${NS}`];
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
const ipIn = (...args: string[]) => execFileSync(inNamespace[0]!, [...inNamespace.slice(1), 'ip', ...args], { stdio: 'pipe' });

function removeNamespace(): void {
  try {
    ip('netns', 'del', NS);
  } catch {
    // not made, or already gone
  }
}
process.on('exit', removeNamespace);

/** GET from inside the namespace, where the box's addresses are. */
const statusInNamespace = (url: string): number =>
  Number(
    execFileSync(inNamespace[0]!, [
      ...inNamespace.slice(1),
      process.execPath,
      '-e',
      `fetch(${JSON.stringify(url)}).then((r) => process.stdout.write(String(r.status)))`,
    ]).toString(),
  );

before(() => {
  removeNamespace();
  ip('netns', 'add', NS);
  ipIn('link', 'set', 'lo', 'up');
  // The "wifi": a veth pair whose both ends stay in the namespace; it gets its address later.
  ipIn('link', 'add', LINK, 'type', 'veth', 'peer', 'name', `${LINK}p`);
  ipIn('link', 'set', LINK, 'up');
  ipIn('link', 'set', `${LINK}p`, 'up');
});

after(removeNamespace);

async function withAddressLater(
  address: string,
  start: () => Promise<HailProcess>,
  check: (hail: HailProcess) => Promise<void>,
): Promise<void> {
  const starting = start();
  let hail: HailProcess | undefined;
  try {
    await sleep(3000);
    ipIn('addr', 'add', `${address}/24`, 'dev', LINK);
    hail = await starting;
    await check(hail);
  } finally {
    hail ??= await starting.catch(() => undefined);
    await hail?.stop();
    try {
      ipIn('addr', 'del', `${address}/24`, 'dev', LINK);
    } catch {
      // never added
    }
  }
}

test('a host address that is not up yet is waited for, with a line saying so, and served once it comes', { timeout: 60000 }, async () => {
  const dataDir = newDataDir();
  const address = `${SUBNET}.1`;
  let logs: string[] = [];
  try {
    await withAddressLater(
      address,
      () => startHail({ dataDir, wrap: inNamespace, args: ['--host', address, '--mdns', 'false'] }),
      async (hail) => {
        logs = hail.logs;
        assert.equal(statusInNamespace(`http://${address}:${hail.port}/healthz`), 200);
      },
    );
    const said = logs.join('\n');
    assert.match(said, new RegExp(`Waiting for ${address.replace(/\./g, '\\.')} to be an address of this machine`));
    assert.doesNotMatch(said, /port is in use/);
  } finally {
    removeDataDir(dataDir);
  }
});

test(
  'an mdns_interface that has no address yet: the box serves meanwhile, and announces once the interface is up',
  { timeout: 60000 },
  async () => {
    const dataDir = newDataDir();
    const address = `${SUBNET}.2`;
    try {
      await withAddressLater(
        address,
        () => startHail({ dataDir, wrap: inNamespace, args: ['--host', '0.0.0.0', '--mdns-interface', LINK] }),
        async (hail) => {
          assert.ok(
            hail.logs.some((line) => line.includes(`mDNS waits for ${LINK}`)),
            'the log says why nothing is announced',
          );
          assert.equal(statusInNamespace(`http://127.0.0.1:${hail.port}/healthz`), 200, 'it serves meanwhile');
          const deadline = Date.now() + 20_000;
          while (!hail.logs.some((line) => line.includes(`${LINK} is up; announcing`))) {
            assert.ok(Date.now() < deadline, `mDNS did not start:\n${hail.logs.join('\n')}`);
            await sleep(200);
          }
          assert.equal(hail.child.exitCode, null, 'still running');
        },
      );
    } finally {
      removeDataDir(dataDir);
    }
  },
);
