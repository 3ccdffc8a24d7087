/**
 * `hail doctor`: what stands between this box and a working Hail, one line per check, in the
 * order a person would fix them. `ok` and `warn` lines do not fail; any `FAIL` line makes the
 * exit status 1. Safe while the server runs: it only reads the database, and a port held by a
 * Hail that answers /healthz counts as fine.
 */
import type { X509Certificate } from 'node:crypto';
import { connect } from 'node:net';
import { closeSync, existsSync, fsyncSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfigWithSources, type Config } from '../config.js';
import { clockSuspect } from '../core/box-time.js';
import { hlcMillis } from '../core/hlc.js';
import { dataDirProblem, glibcProblem, glibcVersion, portProblem } from '../preflight.js';
import { StartupError } from '../startup-error.js';
import { databaseBytes, databaseDamaged, databaseFile, getMeta } from '../store/database.js';
import { openForReading } from './database.js';
import { duration } from './human.js';
import { checkCertificatePair } from '../tls/certificate-pair.js';
import { PeerStore } from '../sync/peers.js';
import { rememberedSyncListener } from '../sync/sync-addresses.js';
import { serverCertificate } from '../tls/server-certificate.js';

type Status = 'ok' | 'warn' | 'FAIL';

interface Finding {
  readonly status: Status;
  readonly detail: string;
}

const MIB = 1024 * 1024;
const DAY_MS = 24 * 3600_000;
// The administrator's own certificate this close to its end: say so before phones refuse it.
const CERTIFICATE_WARNING_DAYS = 30;
const EARLIEST_SANE_MS = Date.UTC(2025, 0, 1);

export async function doctorCommand(flags: Record<string, string>): Promise<boolean> {
  const report = (name: string, { status, detail }: Finding) => process.stdout.write(`${status.padEnd(5)} ${name.padEnd(12)} ${detail}\n`);
  const glibc = glibcProblem();
  report('glibc', glibc ? { status: 'FAIL', detail: glibc } : { status: 'ok', detail: glibcVersion() ?? 'not glibc-based' });
  let config: Config;
  try {
    const loaded = loadConfigWithSources(flags, process.env);
    config = loaded.config;
    report('config', { status: 'ok', detail: loaded.file ? `${loaded.file} is valid` : 'defaults, flags and HAIL_* variables (no file)' });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    report('config', { status: 'FAIL', detail: error.message });
    return false;
  }
  const checks: [string, () => Finding | Promise<Finding>][] = [
    ['data dir', () => checkDataDir(config.dataDir)],
    ['database', () => checkDatabase(config.dataDir)],
    ['disk', () => checkDisk(config)],
    ['clock', () => checkClock(config.dataDir)],
    ['port', () => checkPort(config.host, config.port)],
    ['sync', () => checkSync(config)],
    ['certificate', () => checkCertificate(config)],
  ];
  let healthy = !glibc;
  for (const [name, check] of checks) {
    const finding = await attempt(check);
    report(name, finding);
    healthy &&= finding.status !== 'FAIL';
  }
  return healthy;
}

/** A check that throws is a FAIL line, and the checks after it still run: a sick box needs the whole report most. */
async function attempt(check: () => Finding | Promise<Finding>): Promise<Finding> {
  try {
    return await check();
  } catch (error) {
    const reason =
      error instanceof StartupError ? error.message : `${(error as NodeJS.ErrnoException).code ?? 'error'}: ${(error as Error).message}`;
    return { status: 'FAIL', detail: reason };
  }
}

function checkDatabase(dataDir: string): Finding {
  const file = databaseFile(dataDir);
  if (!existsSync(file)) return { status: 'ok', detail: `no database yet; the server makes ${file} when it first starts` };
  const db = openForReading(dataDir);
  try {
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') return { status: 'FAIL', detail: databaseDamaged(file, String(result)).message };
    return { status: 'ok', detail: `${file}: ${Math.ceil(databaseBytes(file) / MIB)} MiB, passes SQLite's quick check` };
  } finally {
    db.close();
  }
}

function checkDataDir(dir: string): Finding {
  const problem = dataDirProblem(dir);
  if (problem) return { status: 'FAIL', detail: problem };
  if (!existsSync(dir)) return { status: 'ok', detail: `${dir} does not exist yet; the server will create it` };
  // Permission bits do not tell about a read-only mount or a failing SD card: write and sync a file.
  const probe = join(dir, `.doctor-${process.pid}`);
  try {
    const fd = openSync(probe, 'wx', 0o600);
    writeSync(fd, 'hail doctor\n');
    fsyncSync(fd);
    closeSync(fd);
    return { status: 'ok', detail: `${dir} is writable` };
  } catch (error) {
    return {
      status: 'FAIL',
      detail: `cannot write in ${dir} (${(error as NodeJS.ErrnoException).code ?? error}); check the mount (read-only?) and the disk.`,
    };
  } finally {
    rmSync(probe, { force: true });
  }
}

function checkDisk(config: Config): Finding {
  let dir = config.dataDir;
  while (!existsSync(dir)) dir = dirname(dir);
  const stats = statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  const amount = `${Math.floor(free / MIB)} MiB free`;
  if (free < config.writeFloorBytes)
    return {
      status: 'FAIL',
      detail: `${amount}, under write_floor_bytes (${Math.floor(config.writeFloorBytes / MIB)} MiB): every write is refused; free some space.`,
    };
  if (free < config.uploadFloorBytes)
    return {
      status: 'warn',
      detail: `${amount}, under upload_floor_bytes (${Math.floor(config.uploadFloorBytes / MIB)} MiB): uploads are refused, text still works.`,
    };
  return { status: 'ok', detail: amount };
}

function checkClock(dataDir: string): Finding {
  const system = Date.now();
  const reads = `the system clock reads ${new Date(system).toISOString()}`;
  const file = databaseFile(dataDir);
  let saved: string | undefined;
  if (existsSync(file)) {
    try {
      const db = openForReading(dataDir);
      saved = getMeta(db, 'hlc');
      db.close();
    } catch (error) {
      if (!(error instanceof StartupError)) throw error;
      return { status: 'warn', detail: `${reads}; cannot compare with the saved time: ${error.message}` };
    }
  }
  if (saved !== undefined && clockSuspect(system, hlcMillis(saved))) {
    const behind = Math.round((hlcMillis(saved) - system) / 60_000);
    return {
      status: 'warn',
      detail: `clock suspect: ${reads}, ${behind} min behind the last time this box saved (${new Date(hlcMillis(saved)).toISOString()}); set it (NTP, GPS, date -s). Meanwhile the server takes the time from its users' phones.`,
    };
  }
  if (system < EARLIEST_SANE_MS)
    return {
      status: 'warn',
      detail: `clock suspect: ${reads}; set it (NTP, GPS, date -s). Meanwhile the server takes the time from its users' phones.`,
    };
  return {
    status: 'ok',
    detail: saved === undefined ? `${reads}; nothing saved yet to compare with` : `${reads}, not behind the last saved time`,
  };
}

async function checkPort(host: string, port: number): Promise<Finding> {
  if (port === 0) return { status: 'ok', detail: 'port 0: the server picks a free port' };
  const problem = await portProblem(host, port);
  if (!problem) return { status: 'ok', detail: `${host}:${port} is free` };
  if (await answersAsHail(host, port)) return { status: 'ok', detail: `${host}:${port} is served by a running Hail` };
  return { status: 'FAIL', detail: problem };
}

/** The sync listener the server last opened, whether it answers now, and each peer's last contact. */
async function checkSync(config: Config): Promise<Finding> {
  if (!config.sync) return { status: 'ok', detail: 'off (sync = false)' };
  if (!existsSync(databaseFile(config.dataDir)))
    return { status: 'ok', detail: `no database yet; the server listens for sync on port ${config.syncPort}` };
  const db = openForReading(config.dataDir);
  let listener: ReturnType<typeof rememberedSyncListener>;
  let peers: string[];
  try {
    listener = rememberedSyncListener(db);
    const now = Date.now();
    peers = new PeerStore(db)
      .rows()
      .map(
        (row) => `${row.name} (${row.last_contact === null ? 'never in contact' : `last contact ${duration(now - row.last_contact)} ago`})`,
      );
  } finally {
    db.close();
  }
  const paired = peers.length === 0 ? 'no paired boxes (hail peer invite)' : `${peers.length} paired: ${peers.join(', ')}`;
  if (listener.port === undefined) return { status: 'ok', detail: `the server has not listened for sync yet; ${paired}` };
  const where = `${listener.host ?? config.host}:${listener.port}`;
  if (await answers(listener.host ?? config.host, listener.port)) return { status: 'ok', detail: `listening on ${where}; ${paired}` };
  return { status: 'warn', detail: `nothing answers on ${where}, where the server last listened for sync (is it running?); ${paired}` };
}

/** A TCP connection is accepted (and closed at once: the sync port speaks TLS only to its peers). */
function answers(host: string, port: number): Promise<boolean> {
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return new Promise((resolve) => {
    const socket = connect({ host: target, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function answersAsHail(host: string, port: number): Promise<boolean> {
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  try {
    const response = await fetch(`http://${target}:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.ok && ((await response.json()) as { ok?: unknown }).ok === true;
  } catch {
    return false;
  }
}

function checkCertificate(config: Config): Finding {
  const chosen = serverCertificate(config);
  if (!chosen) return { status: 'ok', detail: 'no certificate: plain HTTP only (hail tls init makes one)' };
  const { files, issuedByBox } = chosen;
  if (issuedByBox && !existsSync(files.cert))
    return { status: 'ok', detail: "the box's CA issues the server certificate when the server starts" };
  let certificate: X509Certificate;
  try {
    certificate = checkCertificatePair(files);
  } catch (error) {
    if (error instanceof StartupError) return { status: 'FAIL', detail: error.message };
    throw error;
  }
  const now = Date.now();
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  if (now < from)
    return {
      status: 'FAIL',
      detail: `the certificate is valid only from ${new Date(from).toISOString()} (if the system clock is wrong, fix it first).`,
    };
  const subject = certificate.subjectAltName ?? certificate.subject;
  // The box's own CA renews its certificate before the end, at start and daily; the administrator's pair is theirs to renew.
  if (issuedByBox) return { status: 'ok', detail: `${subject}: issued by the box's CA, which renews it before it ends` };
  if (now > to) return { status: 'FAIL', detail: `the certificate expired on ${new Date(to).toISOString()}; renew it.` };
  const days = Math.floor((to - now) / DAY_MS);
  if (days < CERTIFICATE_WARNING_DAYS) return { status: 'warn', detail: `${subject}: expires in ${days} days; renew it soon.` };
  return { status: 'ok', detail: `${subject}: valid for ${days} more days, and the key matches` };
}
