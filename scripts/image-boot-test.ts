/**
 * Boots the images `scripts/image` built in qemu-system-aarch64 (TCG: no KVM needed) and checks
 * them as their users would. Not part of `npm test`: it takes many minutes of emulation.
 *
 *   npm run image:test [-- vps] [-- pi]      (as root on the host; image/README.md)
 *
 * VPS: UEFI firmware (qemu-efi-aarch64), the qcow2 under a 4 GiB overlay, a cloud-init NoCloud
 * seed (a FAT image labelled CIDATA) made here. Its user data sets the host name and installs a
 * probe that prints, on the serial console, the setup code, the uptime when /healthz first
 * answered and the server's RSS after a minute at idle. The test creates the administrator with
 * that code through the HTTP API (a forwarded loopback port), posts a message, powers the guest
 * off cleanly (ACPI power button through QMP: systemd shuts down), boots it again and finds the
 * message.
 *
 * Pi: the SD image's own kernel and initrd, read from its FAT partition, booted on the `virt`
 * machine (qemu's raspi machines cannot boot Debian's kernel) with the image as a virtio disk
 * grown to 4 GiB, a settings file put on the FAT partition first as a user would. After a clean
 * power-off the test reads the results back from the image: the FAT partition with mtools, the
 * root with debugfs.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';

const repo = new URL('../..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
const artifacts = join(repo, 'artifacts');
const uefi = '/usr/share/qemu-efi-aarch64/QEMU_EFI.fd';
const minutes = (n: number): number => n * 60_000;
const wanted = process.argv.slice(2);
const run = (name: string): boolean => wanted.length === 0 || wanted.includes(name);

const sh = (command: string, args: string[], input?: string): string =>
  execFileSync(command, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
const log = (line: string): void => void process.stderr.write(`image-boot-test: ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One qemu-system-aarch64 run (TCG), its serial console written to a file the test reads. */
class Guest {
  readonly started = Date.now();
  readonly exited: Promise<number | null>;
  private readonly process: ChildProcess;
  private readonly qmpSocket: string;

  constructor(
    private readonly console: string,
    args: string[],
  ) {
    this.qmpSocket = `${console}.qmp`;
    const out = openSync(console, 'a');
    const machine = ['-machine', 'virt', '-cpu', 'cortex-a72', '-smp', '2', '-m', '1024', '-display', 'none', '-monitor', 'none'];
    this.process = spawn(
      'qemu-system-aarch64',
      [...machine, '-qmp', `unix:${this.qmpSocket},server=on,wait=off`, '-serial', 'stdio', ...args],
      {
        stdio: ['ignore', out, out],
      },
    );
    closeSync(out);
    this.exited = new Promise((resolve) => this.process.on('exit', (code) => resolve(code)));
    log(`qemu pid ${this.process.pid}, console ${console}`);
  }

  /** The console so far. */
  output(): string {
    return readFileSync(this.console, 'utf8');
  }

  /** Waits for the console (from offset `from`) to match pattern, and returns the match. */
  async waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output().slice(from).match(pattern);
      if (match) return match;
      if (this.hasExited()) throw new Error(`qemu exited before ${pattern}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} on the console in ${timeoutMs / 1000} s`);
      await sleep(2000);
    }
  }

  /** Sends one QMP command after the capabilities handshake. */
  async qmp(command: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const socket = createConnection(this.qmpSocket);
      let buffered = '';
      let answers = 0;
      socket.on('data', (chunk) => {
        buffered += chunk.toString();
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const message = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
          buffered = buffered.slice(newline + 1);
          if ('QMP' in message) socket.write('{"execute":"qmp_capabilities"}\n');
          else if ('error' in message) reject(new Error(`QMP ${command}: ${JSON.stringify(message.error)}`));
          else if ('return' in message && ++answers === 1) socket.write(`{"execute":"${command}"}\n`);
          else if ('return' in message) {
            socket.end();
            resolve();
          }
        }
      });
      socket.on('error', reject);
    });
  }

  /** A clean power-off: the power button (ACPI, or GPIO without UEFI), which systemd answers by shutting down. */
  async powerOff(timeoutMs: number): Promise<void> {
    await this.qmp('system_powerdown');
    const code = await Promise.race([this.exited, sleep(timeoutMs).then(() => 'timeout' as const)]);
    assert.notEqual(code, 'timeout', `the guest did not power off within ${timeoutMs / 1000} s`);
  }

  hasExited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }
}

/** Waits until the box answers /healthz on a forwarded port; returns the milliseconds since qemu started. */
async function waitForHealthz(port: number, guest: Guest, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return Date.now() - guest.started;
    } catch {
      // Not up yet: qemu's forwarder accepts and drops the connection until the guest listens.
    }
    if (Date.now() > deadline) throw new Error(`no /healthz in ${timeoutMs / 1000} s`);
    if (guest.hasExited()) throw new Error('qemu exited before /healthz answered');
    await sleep(3000);
  }
}

/** A browser-like client of the box: the session cookie, and the Origin its writes must carry. */
class Client {
  private cookie = '';
  constructor(private readonly port: number) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const origin = `http://127.0.0.1:${this.port}`;
    const headers: Record<string, string> = { origin };
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${origin}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const setCookie = response.headers.getSetCookie().map((line) => line.split(';')[0]);
    if (setCookie.length > 0) this.cookie = setCookie.join('; ');
    return { status: response.status, body: (await response.json()) as T };
  }
}

interface Probe {
  healthzUptime: number;
  rssKiB: number;
  hostname: string;
  dataMiB: number;
}

/** The probe's lines of one boot (the VPS's user data installs it): see vpsUserData. */
async function probe(guest: Guest, timeoutMs: number): Promise<Probe> {
  const line = await guest.waitFor(/HAIL-PROBE healthz-uptime=([\d.]+) rss-kib=(\d+) hostname=(\S+) data-mib=(\d+)/, timeoutMs);
  return { healthzUptime: Number(line[1]), rssKiB: Number(line[2]), hostname: line[3]!, dataMiB: Number(line[4]) };
}

// The probe waits for /healthz inside the guest (bash's /dev/tcp: the image has no curl), then
// prints the setup code at the first boot, and after a minute at idle the server's RSS.
const probeScript = `#!/bin/bash
for i in $(seq 1800); do
  if exec 3<>/dev/tcp/127.0.0.1/80; then
    printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3
    if head -1 <&3 | grep -q ' 200'; then exec 3<&-; break; fi
    exec 3<&-
  fi 2>/dev/null
  sleep 1
done
uptime="$(cut -d' ' -f1 /proc/uptime)"
# The server writes the setup code just after it starts answering, while it has no admin.
for i in $(seq 120); do
  if [ -s /var/lib/hail/setup-code ]; then echo "HAIL-PROBE setup-code=$(cat /var/lib/hail/setup-code)" > /dev/console; break; fi
  if [ -e /var/lib/hail/.probed ]; then break; fi
  sleep 1
done
touch /var/lib/hail/.probed
sleep 60
pid="$(systemctl show --property=MainPID --value hail.service)"
rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
data="$(df --block-size=1M --output=size /var/lib/hail | tail -1 | tr -d ' ')"
echo "HAIL-PROBE healthz-uptime=$uptime rss-kib=$rss hostname=$(hostname) data-mib=$data" > /dev/console
`;

const indent = (text: string, spaces: number): string => text.replace(/^/gm, ' '.repeat(spaces));

function vpsUserData(hostname: string, boxName: string): string {
  return `#cloud-config
hostname: ${hostname}
write_files:
  - path: /etc/hail/hail.toml
    content: |
      data_dir = "/var/lib/hail"
      host = "0.0.0.0"
      port = 80
      box_name = "${boxName}"
  - path: /usr/local/sbin/hail-probe
    permissions: '0755'
    content: |
${indent(probeScript, 6)}
  - path: /etc/systemd/system/hail-probe.service
    content: |
      [Unit]
      After=hail.service
      [Service]
      Type=oneshot
      ExecStart=/usr/local/sbin/hail-probe
      [Install]
      WantedBy=multi-user.target
runcmd:
  - [systemctl, enable, hail-probe.service]
  - [systemctl, start, --no-block, hail-probe.service]
`;
}

/** A cloud-init NoCloud seed: a FAT image labelled CIDATA with user-data and meta-data. */
function nocloudSeed(dir: string, userData: string, hostname: string): string {
  writeFileSync(join(dir, 'user-data'), userData);
  writeFileSync(join(dir, 'meta-data'), `instance-id: hail-boot-test-${randomUUID()}\nlocal-hostname: ${hostname}\n`);
  const seed = join(dir, 'seed.img');
  sh('mkfs.vfat', ['-n', 'CIDATA', '-C', seed, '2048']);
  sh('mcopy', ['-i', seed, join(dir, 'user-data'), join(dir, 'meta-data'), '::']);
  return seed;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;

test('the VPS image boots with cloud-init, serves a chat, and keeps a message across a reboot', { skip: !run('vps') }, async () => {
  const started = Date.now();
  const image = join(artifacts, `hail-${version}-vps-arm64.qcow2`);
  const dir = mkdtempSync('/var/tmp/hail-boot-vps.');
  const guests: Guest[] = [];
  try {
    const disk = join(dir, 'disk.qcow2');
    sh('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image, '-F', 'qcow2', disk, '4G']);
    const seed = nocloudSeed(dir, vpsUserData('shore', 'Shore Club'), 'shore');
    const port = await freePort();
    const boot = (): Guest => {
      const guest = new Guest(join(dir, `console-${guests.length + 1}.log`), [
        ...['-bios', uefi],
        ...['-drive', `if=virtio,format=qcow2,file=${disk}`, '-drive', `if=virtio,format=raw,file=${seed}`],
        ...['-netdev', `user,id=net0,hostfwd=tcp:127.0.0.1:${port}-:80`, '-device', 'virtio-net-pci,netdev=net0'],
      ]);
      guests.push(guest);
      return guest;
    };

    const first = boot();
    const firstHealthz = await waitForHealthz(port, first, minutes(25));
    log(`vps: first boot: /healthz after ${seconds(firstHealthz)} (qemu start to answer)`);
    const joinPage = await (await fetch(`http://127.0.0.1:${port}/join`)).text();
    assert.match(joinPage, /Shore Club/, 'the box name from the Hail settings in the user data');
    const code = (await first.waitFor(/HAIL-PROBE setup-code=(\S+)/, minutes(3)))[1]!;
    const admin = new Client(port);
    const setup = await admin.call('POST', '/api/v1/setup', {
      code,
      username: 'skipper',
      password: 'boot test password',
      displayName: 'Skipper',
      teamName: 'crew',
      teamDisplayName: 'Crew',
    });
    assert.equal(setup.status, 201, JSON.stringify(setup.body));
    const teams = await admin.call<{ teams: { defaultChannelId: string }[] }>('GET', '/api/v1/teams');
    const channel = teams.body.teams[0]!.defaultChannelId;
    const text = `Hail from the boot test ${randomUUID()}`;
    const posted = await admin.call('POST', `/api/v1/channels/${channel}/posts`, { message: text });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    const firstProbe = await probe(first, minutes(5));
    log(`vps: first boot: ${JSON.stringify(firstProbe)}`);
    assert.equal(firstProbe.hostname, 'shore', 'the host name from the user data');
    assert.ok(firstProbe.dataMiB > 2048, `the data partition grew to the 4 GiB disk (${firstProbe.dataMiB} MiB)`);

    const down = Date.now();
    await first.powerOff(minutes(5));
    log(`vps: clean power-off in ${seconds(Date.now() - down)}`);
    const second = boot();
    const secondHealthz = await waitForHealthz(port, second, minutes(20));
    log(`vps: second boot: /healthz after ${seconds(secondHealthz)}`);
    const secondProbe = await probe(second, minutes(5));
    log(`vps: second boot: ${JSON.stringify(secondProbe)}`);
    assert.doesNotMatch(second.output(), /HAIL-PROBE setup-code/, 'no setup code once the admin exists');

    const again = new Client(port);
    const login = await again.call('POST', '/api/v1/auth/login', { username: 'skipper', password: 'boot test password' });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const page = await again.call<{ posts: { message: string }[] }>('GET', `/api/v1/channels/${channel}/posts`);
    assert.ok(
      page.body.posts.some((post) => post.message === text),
      'the message posted before the reboot',
    );
    await second.powerOff(minutes(5));
    log(`vps: done in ${seconds(Date.now() - started)}`);
  } finally {
    for (const guest of guests) guest.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Partition {
  start: number;
  size: number;
}

/** The image's partitions (offset and size in bytes), from its partition table. */
function partitions(image: string): Partition[] {
  const table = JSON.parse(sh('sfdisk', ['--json', image])) as { partitiontable: { partitions: { start: number; size: number }[] } };
  return table.partitiontable.partitions.map(({ start, size }) => ({ start: start * 512, size: size * 512 }));
}

/** mtools' name for a FAT file system at an offset inside a disk image. */
const fat = (image: string, partition: Partition): string => `${image}@@${partition.start}`;

/** A file of an ext4 partition inside a disk image, read with debugfs from a copy of the partition. */
function ext4Reader(image: string, partition: Partition, dir: string): (command: string) => string {
  const copy = join(dir, `partition-${partition.start}.ext4`);
  sh('dd', [
    `if=${image}`,
    `of=${copy}`,
    'bs=1M',
    `skip=${partition.start >> 20}`,
    `count=${partition.size >> 20}`,
    'conv=sparse',
    'status=none',
  ]);
  return (command) => sh('debugfs', ['-R', command, copy]);
}

test('the Pi image boots to multi-user.target and applies the settings file from its FAT partition', { skip: !run('pi') }, async () => {
  const started = Date.now();
  const compressed = join(artifacts, `hail-${version}-pi-arm64.img.xz`);
  const dir = mkdtempSync('/var/tmp/hail-boot-pi.');
  let guest: Guest | undefined;
  try {
    const image = join(dir, 'sd.img');
    // As a card larger than the image: the data partition grows into the rest at first boot.
    // HAIL_PI_RAW_IMAGE: the same image not yet compressed (scripts/image's before xz), to start sooner.
    const raw = process.env.HAIL_PI_RAW_IMAGE;
    if (raw) sh('cp', ['--sparse=always', raw, image]);
    else sh('sh', ['-c', 'xz -dc "$1" | dd of="$2" bs=1M conv=sparse status=none', 'sh', compressed, image]);
    sh('truncate', ['-s', '4G', image]);
    const [boot, root] = partitions(image);
    assert.ok(boot && root, 'a boot and a root partition');

    // What a user does on a laptop before the first start: edit the settings file on the card.
    const names = sh('mdir', ['-b', '-i', fat(image, boot), '::'])
      .split('\n')
      .map((line) => line.replace(/^::\//, '').trim());
    assert.ok(names.includes('hail-settings.toml'), `the settings template is on the FAT partition (${names.join(' ')})`);
    const settings = join(dir, 'hail-settings.toml');
    writeFileSync(
      settings,
      'box_name = "Sea Breeze"\ntime_zone = "Europe/Oslo"\n\n[wifi]\nmode = "hotspot"\nssid = "SeaBreeze"\npassphrase = "boot test passphrase"\n',
    );
    sh('mcopy', ['-o', '-i', fat(image, boot), settings, '::hail-settings.toml']);
    const kernel = names.find((name) => /^vmlinuz/.test(name));
    const initrd = names.find((name) => /^initrd\.img/.test(name));
    assert.ok(kernel && initrd, `a kernel and an initrd on the FAT partition (${names.join(' ')})`);
    sh('mcopy', ['-i', fat(image, boot), `::${kernel}`, `::${initrd}`, dir]);

    const port = await freePort();
    guest = new Guest(join(dir, 'console.log'), [
      ...['-kernel', join(dir, kernel), '-initrd', join(dir, initrd)],
      ...['-append', 'root=LABEL=hail-root rootwait ro console=ttyAMA0'],
      ...['-drive', `if=virtio,format=raw,file=${image}`],
      ...['-netdev', `user,id=net0,hostfwd=tcp:127.0.0.1:${port}-:80`, '-device', 'virtio-net-pci,netdev=net0'],
    ]);
    await guest.waitFor(/Reached target .*Multi-User System/, minutes(25));
    const multiUser = Date.now() - guest.started;
    log(`pi: multi-user.target after ${seconds(multiUser)} (qemu start)`);
    const healthz = await waitForHealthz(port, guest, minutes(10));
    log(`pi: /healthz after ${seconds(healthz)} (qemu start)`);
    const status = await fetch(`http://127.0.0.1:${port}/api/v1/setup`);
    assert.deepEqual(await status.json(), { needed: true });
    const down = Date.now();
    await guest.powerOff(minutes(5));
    log(`pi: clean power-off in ${seconds(Date.now() - down)}`);

    // The results, read from the card as a laptop (FAT) or a technician (ext4) would.
    const code = sh('mtype', ['-i', fat(image, boot), '::SETUP-CODE.txt']);
    assert.match(code, /[A-Z0-9]{4}/, `SETUP-CODE.txt holds a code: ${code}`);
    const wifi = sh('mtype', ['-i', fat(image, boot), '::WIFI.txt']);
    assert.match(wifi, /SeaBreeze/, 'WIFI.txt names the hotspot');
    const read = ext4Reader(image, root, dir);
    assert.equal(read('cat /etc/hostname').trim(), 'sea-breeze');
    assert.match(read('cat /etc/hail/hail.toml'), /^box_name = "Sea Breeze"$/m);
    const hotspot = read('cat /etc/NetworkManager/system-connections/hail-hotspot.nmconnection');
    assert.match(hotspot, /ssid=SeaBreeze/);
    assert.match(hotspot, /mode=ap/);
    assert.match(read('stat /etc/localtime'), /Europe\/Oslo/);
    log(`pi: done in ${seconds(Date.now() - started)}`);
  } finally {
    guest?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
