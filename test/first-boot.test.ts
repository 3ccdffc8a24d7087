/**
 * The SD card's first boot with no terminal: `hail first-boot` reads hail-settings.toml from the
 * FAT partition and makes the box what it asks for, on a temporary root and boot partition
 * (--root, --boot). NetworkManager is not here to read the profiles it writes, so the tests read
 * them as NetworkManager's keyfile plugin would: sections, keys, the file's mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { runHail } from './helpers/cli.js';
import { Client, startHail } from './helpers/server.js';

interface Box {
  readonly root: string;
  readonly boot: string;
  readonly dataDir: string;
  read(path: string): string;
  /** A text file of the boot partition, its CRLF line ends read as LF. */
  note(name: string): string;
  /** A NetworkManager profile: section → key → value. */
  profile(name: string): Record<string, Record<string, string>>;
  firstBoot(): Promise<{ code: number | null; stdout: string; stderr: string }>;
  dispose(): void;
}

/** A box as the image leaves it: the package's hail.toml, /etc/hosts, tzdata, the hail data directory; an empty FAT partition. */
function newBox(settings?: string): Box {
  const top = mkdtempSync(join(tmpdir(), 'hail-first-boot-'));
  const root = join(top, 'root');
  const boot = join(top, 'boot');
  const dataDir = join(root, 'var/lib/hail');
  mkdirSync(join(root, 'etc/hail'), { recursive: true });
  mkdirSync(join(root, 'usr/share/zoneinfo/Europe'), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(boot);
  writeFileSync(join(root, 'etc/hail/hail.toml'), readFileSync('systemd/hail.toml'));
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1\tlocalhost\n127.0.1.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n');
  writeFileSync(join(root, 'usr/share/zoneinfo/Europe/London'), 'TZif2');
  if (settings !== undefined) writeFileSync(join(boot, 'hail-settings.toml'), settings);
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  return {
    root,
    boot,
    dataDir,
    read,
    note: (name) => readFileSync(join(boot, name), 'utf8').replace(/\r\n/g, '\n'),
    profile: (name) => parseKeyfile(read(`etc/NetworkManager/system-connections/${name}`)),
    firstBoot: () => runHail(['first-boot', '--root', root, '--boot', boot]),
    dispose: () => rmSync(top, { recursive: true, force: true }),
  };
}

/** A GLib key file as NetworkManager reads it; `\s` and `\\` unescaped. */
function parseKeyfile(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) sections[header[1]!] = section = {};
    else {
      const [, key, value] = /^([^=]+)=(.*)$/.exec(line) ?? assert.fail(`not a key file line: ${line}`);
      section![key!] = value!.replace(/\\(s|\\)/g, (_, escaped: string) => (escaped === 's' ? ' ' : '\\'));
    }
  }
  return sections;
}

const PROFILES = 'etc/NetworkManager/system-connections';
const EVERY_NAME = 'etc/NetworkManager/dnsmasq-shared.d/hail-every-name.conf';

test('a hotspot from the settings file: host name, time zone, box name, and a profile with the box at 10.42.0.1 answering every name', async () => {
  const box = newBox(`box_name = "Sea Breeze"
time_zone = "Europe/London"

[wifi]
mode = "hotspot"
ssid = "Sea Breeze crew"
passphrase = ' spray; \\sea \\ foam'
`);
  try {
    const result = await box.firstBoot();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.doesNotMatch(result.stdout, /spray/, 'the passphrase is not printed to the journal');
    assert.equal(box.read('etc/hostname'), 'sea-breeze\n');
    assert.match(box.read('etc/hosts'), /^127\.0\.1\.1\tsea-breeze$/m);
    assert.doesNotMatch(box.read('etc/hosts'), /127\.0\.1\.1\tlocalhost/);
    assert.equal(readlinkSync(join(box.root, 'etc/localtime')), '/usr/share/zoneinfo/Europe/London');
    assert.equal(box.read('etc/timezone'), 'Europe/London\n');
    const config = parseToml(box.read('etc/hail/hail.toml'));
    assert.equal(config.box_name, 'Sea Breeze');
    assert.equal(config.data_dir, '/var/lib/hail', 'the rest of hail.toml is kept');
    assert.match(box.read('etc/hail/hail.toml'), /^# mdns = true$/m, 'and its comments');

    const file = join(box.root, PROFILES, 'hail-hotspot.nmconnection');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'NetworkManager ignores a profile others may read');
    const hotspot = box.profile('hail-hotspot.nmconnection');
    assert.equal(hotspot.connection!.type, 'wifi');
    assert.equal(hotspot.connection!.autoconnect, 'true');
    assert.match(hotspot.connection!.uuid!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(hotspot.wifi, { mode: 'ap', ssid: 'Sea Breeze crew', band: 'bg' });
    assert.equal(hotspot['wifi-security']!['key-mgmt'], 'wpa-psk');
    assert.equal(hotspot['wifi-security']!.psk, ' spray; \\sea \\ foam');
    assert.deepEqual(hotspot.ipv4, { method: 'shared', address1: '10.42.0.1/24' });
    assert.equal(hotspot.ipv6!.method, 'ignore');
    assert.match(box.read(EVERY_NAME), /^address=\/#\/10\.42\.0\.1$/m);
    assert.equal(existsSync(join(box.root, PROFILES, 'hail-wifi.nmconnection')), false);

    const wifi = box.note('WIFI.txt');
    assert.match(wifi, /Network: +Sea Breeze crew\n/);
    assert.match(wifi, /http:\/\/10\.42\.0\.1\//);
    assert.equal(existsSync(join(box.boot, 'ERRORS.txt')), false);

    // The file no longer names the passphrase: the phones that know the hotspot still join it.
    writeFileSync(join(box.boot, 'hail-settings.toml'), 'box_name = "Sea Breeze"\n');
    assert.equal((await box.firstBoot()).code, 0);
    assert.equal(box.profile('hail-hotspot.nmconnection')['wifi-security']!.psk, ' spray; \\sea \\ foam');
  } finally {
    box.dispose();
  }
});

test('joining a network from the settings file, with the hotspot as its fallback unless turned off', async () => {
  const box = newBox(`box_name = "Ægir"
[wifi]
mode = "join"
ssid = "Marina; Guest"
passphrase = "harbour-master-2026"
`);
  try {
    const result = await box.firstBoot();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(box.read('etc/hostname'), 'aegir\n');
    const joined = box.profile('hail-wifi.nmconnection');
    assert.equal(statSync(join(box.root, PROFILES, 'hail-wifi.nmconnection')).mode & 0o777, 0o600);
    assert.equal(joined.wifi!.mode, 'infrastructure');
    const ssid = Buffer.from(joined.wifi!.ssid!.split(';').filter(Boolean).map(Number)).toString();
    assert.equal(ssid, 'Marina; Guest', 'an SSID with a ";" is written as its bytes, as NetworkManager reads it');
    assert.deepEqual(joined['wifi-security'], { 'key-mgmt': 'wpa-psk', psk: 'harbour-master-2026' });
    assert.equal(joined.ipv4!.method, 'auto');
    assert.equal(joined.ipv6!.method, 'auto');

    const fallback = box.profile('hail-hotspot.nmconnection');
    assert.equal(fallback.wifi!.mode, 'ap');
    assert.equal(fallback.wifi!.ssid, 'Ægir', 'named after the box');
    assert.ok(Number(fallback.connection!['autoconnect-priority']) < Number(joined.connection!['autoconnect-priority']));
    const wifi = box.note('WIFI.txt');
    assert.match(wifi, /"Marina; Guest"/);
    assert.match(wifi, /http:\/\/aegir\.local\//);
    assert.ok(wifi.includes(`Password:  ${fallback['wifi-security']!.psk}\n`), 'the fallback hotspot is in WIFI.txt');
  } finally {
    box.dispose();
  }

  const alone = newBox('[wifi]\nmode = "join"\nssid = "Clubhouse"\nfallback_hotspot = false\n');
  try {
    assert.equal((await alone.firstBoot()).code, 0);
    assert.equal(alone.profile('hail-wifi.nmconnection')['wifi-security'], undefined, 'an open network');
    assert.equal(existsSync(join(alone.root, PROFILES, 'hail-hotspot.nmconnection')), false);
    assert.equal(existsSync(join(alone.root, EVERY_NAME)), false);
  } finally {
    alone.dispose();
  }
});

test('with no settings file, the box makes a hotspot named after it and writes its new passphrase to WIFI.txt', async () => {
  const box = newBox();
  try {
    const result = await box.firstBoot();
    assert.equal(result.code, 0, result.stderr);
    const boxName = parseToml(box.read('etc/hail/hail.toml')).box_name as string;
    assert.match(boxName, /^Hail-[A-Z2-9]{4}$/);
    assert.equal(box.read('etc/hostname'), `${boxName.toLowerCase()}\n`);
    const hotspot = box.profile('hail-hotspot.nmconnection');
    assert.equal(hotspot.wifi!.ssid, boxName);
    assert.equal(hotspot.ipv4!.method, 'shared');
    const passphrase = hotspot['wifi-security']!.psk!;
    assert.match(passphrase, /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(passphrase));
    const wifi = box.note('WIFI.txt');
    assert.ok(wifi.includes(`Network:   ${boxName}\n`), wifi);
    assert.ok(wifi.includes(`Password:  ${passphrase}\n`), wifi);
    assert.ok(readFileSync(join(box.boot, 'WIFI.txt'), 'utf8').includes('\r\n'), 'line ends any laptop shows');
    assert.equal(existsSync(join(box.boot, 'ERRORS.txt')), false);
  } finally {
    box.dispose();
  }
});

test('the example the image puts on the card, left as it is, makes the default hotspot with no errors', async () => {
  const box = newBox(readFileSync('image/first-boot/hail-settings.toml', 'utf8'));
  try {
    const result = await box.firstBoot();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(existsSync(join(box.boot, 'ERRORS.txt')), false);
    assert.equal(box.profile('hail-hotspot.nmconnection').wifi!.mode, 'ap');
    // Every setting it shows, taken out of its comment, is one first-boot knows.
    const uncommented = readFileSync('image/first-boot/hail-settings.toml', 'utf8').replace(/^# ([a-z_]+ = .*)$/gm, '$1');
    writeFileSync(join(box.boot, 'hail-settings.toml'), uncommented);
    const edited = await box.firstBoot();
    assert.equal(edited.code, 0, edited.stderr);
    assert.equal(edited.stderr, '', 'no problem with any example value');
    assert.equal(box.read('etc/hostname'), 'arthur\n');
  } finally {
    box.dispose();
  }
});

test('a wrong settings file: ERRORS.txt and the journal say what, each wrong setting takes its default, and the box makes its hotspot', async () => {
  const box = newBox(`box_name = "Sea.Breeze"
time_zone = "Mars/Olympus"
colour = "blue"
[wifi]
mode = "join"
ssid = "Marina"
passphrase = "short"
`);
  try {
    const result = await box.firstBoot();
    assert.equal(result.code, 0, 'a wrong file never stops the boot');
    const errors = box.note('ERRORS.txt');
    for (const key of ['box_name', 'time_zone', 'colour', 'wifi.passphrase']) {
      assert.match(errors, new RegExp(`^- ${key.replace('.', '\\.')}: `, 'm'), errors);
      assert.ok(result.stderr.includes(`first-boot: ${key}: `), result.stderr);
    }
    assert.doesNotMatch(errors + result.stderr, /short/, 'the passphrase given is not repeated');
    assert.equal(existsSync(join(box.root, 'etc/localtime')), false, 'the time zone is left as it was');
    assert.match(parseToml(box.read('etc/hail/hail.toml')).box_name as string, /^Hail-[A-Z2-9]{4}$/);
    assert.equal(existsSync(join(box.root, PROFILES, 'hail-wifi.nmconnection')), false);
    assert.equal(box.profile('hail-hotspot.nmconnection').wifi!.mode, 'ap', 'reachable on its own hotspot');
    assert.match(box.note('WIFI.txt'), /Password: +[A-Z2-9-]{19}\n/);
  } finally {
    box.dispose();
  }

  const unreadable = newBox('box_name = "Arthur\n[wifi\n');
  try {
    const result = await unreadable.firstBoot();
    assert.equal(result.code, 0);
    assert.match(unreadable.note('ERRORS.txt'), /hail-settings\.toml line 1: .+None of its settings were used/);
    assert.equal(unreadable.profile('hail-hotspot.nmconnection').wifi!.mode, 'ap');
    writeFileSync(join(unreadable.boot, 'hail-settings.toml'), 'box_name = "Arthur"\n');
    assert.equal((await unreadable.firstBoot()).code, 0);
    assert.equal(existsSync(join(unreadable.boot, 'ERRORS.txt')), false, 'the mistakes are fixed: no ERRORS.txt to mislead');
  } finally {
    unreadable.dispose();
  }
});

test("the setup code on the boot partition is the server's: it creates the first administrator, and is gone after", async () => {
  const box = newBox('box_name = "Arthur"\n');
  // The service's user owns its data directory; the code must be that user's, not root's.
  const HAIL_UID = 64123;
  chownSync(box.dataDir, HAIL_UID, HAIL_UID);
  try {
    const result = await box.firstBoot();
    assert.equal(result.code, 0, result.stderr);
    const code = /Hail setup code: +([A-Z2-9-]+)\n/.exec(box.note('SETUP-CODE.txt'))?.[1];
    assert.ok(code, box.note('SETUP-CODE.txt'));
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(code));
    const stat = statSync(join(box.dataDir, 'setup-code'));
    assert.deepEqual([stat.uid, stat.gid, stat.mode & 0o777], [HAIL_UID, HAIL_UID, 0o600]);

    chownSync(box.dataDir, 0, 0);
    chownSync(join(box.dataDir, 'setup-code'), 0, 0);
    const hail = await startHail({ dataDir: box.dataDir });
    try {
      const setup = await new Client(hail.url).post('/api/v1/setup', {
        code,
        username: 'skipper',
        password: 'a long password',
        displayName: 'Skipper',
        teamName: 'crew',
        teamDisplayName: 'Crew',
      });
      assert.equal(setup.status, 201, JSON.stringify(setup.body));
    } finally {
      await hail.stop();
    }
    // Settings edited later: the box has its administrator, so no code, and the old one is taken away.
    writeFileSync(join(box.boot, 'hail-settings.toml'), 'box_name = "Arthur II"\n');
    const again = await box.firstBoot();
    assert.equal(again.code, 0, again.stderr);
    assert.equal(existsSync(join(box.boot, 'SETUP-CODE.txt')), false);
    assert.equal(existsSync(join(box.dataDir, 'setup-code')), false);
  } finally {
    box.dispose();
  }
});

test('it changes nothing unless both the root and the boot partition are named and exist', async () => {
  const box = newBox('box_name = "Arthur"\n');
  try {
    const noBoot = await runHail(['first-boot', '--root', box.root]);
    assert.equal(noBoot.code, 78);
    assert.match(noBoot.stderr, /hail first-boot --root \/ --boot \/boot\/firmware/);
    const missingBoot = await runHail(['first-boot', '--root', box.root, '--boot', join(box.boot, 'firmware')]);
    assert.equal(missingBoot.code, 78);
    assert.match(missingBoot.stderr, /is not a directory \(--boot\); nothing was changed/);
    assert.equal(existsSync(join(box.root, 'etc/hostname')), false);
    assert.equal(existsSync(join(box.root, PROFILES)), false);
  } finally {
    box.dispose();
  }
});

test('a settings file is applied once; an edited one at the next start, keeping the passphrase the box chose', async () => {
  const box = newBox('box_name = "Arthur"\n');
  try {
    assert.equal((await box.firstBoot()).code, 0);
    const passphrase = box.profile('hail-hotspot.nmconnection')['wifi-security']!.psk;
    const marker = box.read('etc/hail/first-boot-done');
    writeFileSync(join(box.root, 'etc/hostname'), 'changed-by-hand\n');
    const second = await box.firstBoot();
    assert.equal(second.code, 0);
    assert.match(second.stdout, /applied already/);
    assert.equal(box.read('etc/hostname'), 'changed-by-hand\n', 'a second run with the same file changes nothing');
    assert.ok(lstatSync(join(box.root, 'etc/hail/first-boot-done')).isFile());
    assert.equal(box.read('etc/hail/first-boot-done'), marker);

    // The unit's ExecCondition skips Node when the file is the one applied: the same fingerprint as sha256sum's.
    const condition = /^ExecCondition=\/bin\/sh -c '(.*)'$/m.exec(readFileSync('image/first-boot/hail-first-boot.service', 'utf8'))![1]!;
    const runCondition = () => {
      const script = condition
        .replace(/\$\$/g, '$')
        .replaceAll('/etc/hail/', `${box.root}/etc/hail/`)
        .replaceAll('/boot/firmware/', `${box.boot}/`);
      try {
        execFileSync('/bin/sh', ['-c', script]);
        return 'runs';
      } catch {
        return 'skipped';
      }
    };
    assert.equal(runCondition(), 'skipped');

    // Saved by an old Notepad as "ANSI", Latin-1, which is not UTF-8.
    writeFileSync(join(box.boot, 'hail-settings.toml'), Buffer.from('box_name = "\xc6gir"\ntime_zone = "Europe/London"\n', 'latin1'));
    assert.equal(runCondition(), 'runs');
    const third = await box.firstBoot();
    assert.equal(third.code, 0, third.stderr);
    assert.doesNotMatch(third.stdout, /applied already/);
    assert.equal(box.read('etc/hostname'), 'aegir\n');
    assert.equal(parseToml(box.read('etc/hail/hail.toml')).box_name, 'Ægir');
    assert.equal(box.read('etc/timezone'), 'Europe/London\n');
    assert.equal(box.profile('hail-hotspot.nmconnection')['wifi-security']!.psk, passphrase, 'phones that know the hotspot still join it');
    assert.equal(runCondition(), 'skipped');
  } finally {
    box.dispose();
  }
});
