/**
 * First boot of a box with no terminal (image/first-boot/README.md): reads the settings file
 * from the SD card's FAT partition and makes the box what it asks for, before NetworkManager
 * and Hail start: the host name, the time zone, the Wi-Fi (the box's own hotspot, or a network
 * to join), the box name in Hail's settings, and the one-time setup code. What the people at
 * the laptop need comes back to the same partition as text files: WIFI.txt (how to reach the
 * box), SETUP-CODE.txt (the code that creates the first administrator), ERRORS.txt (what was
 * wrong in the file and what the box did instead).
 *
 * It applies a settings file once: the marker in /etc/hail keeps the file's SHA-256, so a boot
 * with the same file (or, after defaults, still none) changes nothing, and a file edited on a
 * laptop is applied at the next boot. Every choice it made itself (the default box name, the
 * hotspot's passphrase) is read back from what it wrote, so applying again keeps them.
 *
 * Every path is under `root` and `boot`, so tests run it on temporary directories.
 */
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { newReadableSecret } from '../core/ids.js';
import { replaceFileDurably } from '../files/durable-write.js';
import { SetupCode } from '../setup-code.js';
import { databaseFile } from '../store/database.js';
import { errorsNote, hotspotNote, joinNote, setupCodeNote, type Network } from './boot-notes.js';
import { readSettings, SETTINGS_FILE, type FirstBootSettings } from './first-boot-settings.js';
import {
  EVERY_NAME_ANSWERS_THE_BOX,
  EVERY_NAME_FILE,
  HOTSPOT_ADDRESS,
  HOTSPOT_FILE,
  hotspotConnection,
  hotspotPassphrase,
  JOIN_FILE,
  joinConnection,
} from './network-connection.js';

export const MARKER = 'etc/hail/first-boot-done';
export const WIFI_NOTE = 'WIFI.txt';
export const SETUP_CODE_NOTE = 'SETUP-CODE.txt';
export const ERRORS_NOTE = 'ERRORS.txt';

const HAIL_CONFIG = 'etc/hail/hail.toml';
const CONNECTIONS = 'etc/NetworkManager/system-connections';
const DNSMASQ_SHARED = 'etc/NetworkManager/dnsmasq-shared.d';
/** The service's StateDirectory, when hail.toml names no data_dir. */
const DEFAULT_DATA_DIR = '/var/lib/hail';

export interface FirstBootPaths {
  /** The box's root file system: `/` on the box. */
  readonly root: string;
  /** The FAT partition: `/boot/firmware` on the box. */
  readonly boot: string;
}

export type FirstBootResult =
  | { readonly applied: false }
  | {
      readonly applied: true;
      readonly boxName: string;
      readonly hostName: string;
      readonly wifi: string;
      readonly setupCode: 'written' | 'none';
      readonly problems: readonly string[];
    };

export function firstBoot({ root, boot }: FirstBootPaths): FirstBootResult {
  const bytes = readIfExists(join(boot, SETTINGS_FILE), null);
  const text = bytes && decoded(bytes);
  // Of the bytes, as `sha256sum` sees them: hail-first-boot.service compares them before starting Node.
  const fingerprint = createHash('sha256')
    .update(bytes ?? 'no settings file')
    .digest('hex');
  if (readIfExists(join(root, MARKER))?.trim() === fingerprint) return { applied: false };

  const zoneinfo = join(root, 'usr/share/zoneinfo');
  const { settings, problems: found } = readSettings(text, (zone) => isFile(join(zoneinfo, zone)));
  const problems = [...found];
  const configText = readIfExists(join(root, HAIL_CONFIG)) ?? '';
  const config = parseQuietly(configText);

  const boxName = settings.boxName ?? stringOr(config.box_name) ?? `Hail-${newReadableSecret(1)}`;
  const hostName = settings.hostName ?? hostNameFor(boxName);
  setHostName(root, hostName);
  if (settings.timeZone) setTimeZone(root, settings.timeZone);
  place(join(root, HAIL_CONFIG), withBoxName(configText, boxName), 0o644);
  const wifi = setWifi(root, boot, settings, boxName, hostName);

  const dataDir = join(root, stringOr(config.data_dir)?.startsWith('/') ? (config.data_dir as string) : DEFAULT_DATA_DIR);
  const setupCode = writeSetupCode(dataDir, boot, wifi.address, problems);

  if (problems.length > 0) note(boot, ERRORS_NOTE, errorsNote(problems));
  else rmSync(join(boot, ERRORS_NOTE), { force: true });
  place(join(root, MARKER), `${fingerprint}\n`, 0o644);
  return { applied: true, boxName, hostName, wifi: wifi.summary, setupCode, problems };
}

/** "Sea Breeze" → "sea-breeze", "Ægir" → "aegir": the letters a host name may hold. */
export function hostNameFor(boxName: string): string {
  const ascii = boxName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/æ/gi, 'ae')
    .replace(/ø/gi, 'o')
    .replace(/ß/g, 'ss')
    .toLowerCase();
  return (
    ascii
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'hail'
  );
}

function setHostName(root: string, hostName: string): void {
  place(join(root, 'etc/hostname'), `${hostName}\n`, 0o644);
  const hosts = readIfExists(join(root, 'etc/hosts')) ?? '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n';
  const line = `127.0.1.1\t${hostName}`;
  const updated = /^127\.0\.1\.1\s.*$/m.test(hosts)
    ? hosts.replace(/^127\.0\.1\.1\s.*$/m, line)
    : `${hosts.replace(/\n?$/, '\n')}${line}\n`;
  place(join(root, 'etc/hosts'), updated, 0o644);
  // The running system took its name from /etc/hostname before this ran; NetworkManager, mDNS and Hail start after.
  const running = join(root, 'proc/sys/kernel/hostname');
  if (existsSync(running)) writeFileSync(running, hostName);
}

function setTimeZone(root: string, zone: string): void {
  const localtime = join(root, 'etc/localtime');
  rmSync(localtime, { force: true });
  symlinkSync(`/usr/share/zoneinfo/${zone}`, localtime);
  place(join(root, 'etc/timezone'), `${zone}\n`, 0o644);
}

/** hail.toml with `box_name` set, its comments kept: the first box_name line (even commented out) becomes the setting. */
function withBoxName(configText: string, boxName: string): string {
  const line = stringifyToml({ box_name: boxName });
  const existing = /^#?[ \t]*box_name[ \t]*=.*$/m;
  return existing.test(configText) ? configText.replace(existing, line) : `${configText.replace(/\n?$/, '\n')}${line}\n`.replace(/^\n/, '');
}

interface Wifi {
  readonly summary: string;
  /** How a phone or laptop opens the box, for the notes. */
  readonly address: string;
}

function setWifi(root: string, boot: string, settings: FirstBootSettings, boxName: string, hostName: string): Wifi {
  const { wifi } = settings;
  const connections = join(root, CONNECTIONS);
  const hotspotFile = join(connections, HOTSPOT_FILE);
  const everyName = join(root, DNSMASQ_SHARED, EVERY_NAME_FILE);
  const joinFile = join(connections, JOIN_FILE);
  const wantsHotspot = wifi.mode === 'hotspot' || wifi.fallbackHotspot;
  let hotspot: Network | undefined;
  if (wantsHotspot) {
    const ssid = (wifi.mode === 'hotspot' ? wifi.ssid : undefined) ?? truncateBytes(boxName, 32);
    const passphrase =
      (wifi.mode === 'hotspot' ? wifi.passphrase : undefined) ?? hotspotPassphrase(readIfExists(hotspotFile)) ?? newReadableSecret(4);
    hotspot = { ssid, passphrase };
    place(hotspotFile, hotspotConnection({ ssid, passphrase, priority: wifi.mode === 'hotspot' ? 0 : -100 }), 0o600);
    place(everyName, EVERY_NAME_ANSWERS_THE_BOX, 0o644);
  } else {
    rmSync(hotspotFile, { force: true });
    rmSync(everyName, { force: true });
  }
  if (wifi.mode === 'join') place(joinFile, joinConnection({ ssid: wifi.ssid, passphrase: wifi.passphrase }), 0o600);
  else rmSync(joinFile, { force: true });

  const byName = `http://${hostName}.local/`;
  if (wifi.mode === 'hotspot') {
    note(boot, WIFI_NOTE, hotspotNote(boxName, hotspot!, byName));
    return { summary: `hotspot "${hotspot!.ssid}" at ${HOTSPOT_ADDRESS}`, address: `http://${HOTSPOT_ADDRESS}/ on its Wi-Fi` };
  }
  note(boot, WIFI_NOTE, joinNote(boxName, wifi.ssid, hostName, hotspot));
  return { summary: `joins "${wifi.ssid}"${hotspot ? `, hotspot "${hotspot.ssid}" when it is not in range` : ''}`, address: byName };
}

function writeSetupCode(dataDir: string, boot: string, address: string, problems: string[]): 'written' | 'none' {
  const noteFile = join(boot, SETUP_CODE_NOTE);
  if (!existsSync(dataDir)) {
    problems.push(
      `The data directory ${dataDir} is missing, so there is no setup code here: Hail makes one at its start (sudo -u hail hail setup-code show).`,
    );
    return 'none';
  }
  const setupCode = new SetupCode(dataDir);
  // A database without a setup code has its administrator: an old SETUP-CODE.txt would only mislead.
  if (existsSync(databaseFile(dataDir)) && !existsSync(setupCode.path)) {
    rmSync(noteFile, { force: true });
    return 'none';
  }
  const code = setupCode.ensure();
  // Written as root; it must be the server's, whose user owns the data directory (0700).
  const { uid, gid } = statSync(dataDir);
  chownSync(setupCode.path, uid, gid);
  note(boot, SETUP_CODE_NOTE, setupCodeNote(code, address));
  return 'written';
}

/** A text file for people on the FAT partition (no owners or modes there). */
function note(boot: string, name: string, text: string): void {
  replaceFileDurably(join(boot, name), text.replace(/\n/g, '\r\n'));
}

function place(path: string, content: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  replaceFileDurably(path, content);
  chmodSync(path, mode);
}

function readIfExists(path: string): string | undefined;
function readIfExists(path: string, encoding: null): Buffer | undefined;
function readIfExists(path: string, encoding: 'utf8' | null = 'utf8'): string | Buffer | undefined {
  try {
    return readFileSync(path, encoding);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function parseQuietly(text: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch {
    // A broken hail.toml is for `hail config check` and the server's start to report.
    return {};
  }
}

/** UTF-8, or else what an old Windows Notepad saves as "ANSI" (Windows-1252, near enough Latin-1). */
function decoded(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

const stringOr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function truncateBytes(text: string, bytes: number): string {
  let cut = text;
  while (Buffer.byteLength(cut) > bytes) cut = [...cut].slice(0, -1).join('');
  return cut.trim();
}
