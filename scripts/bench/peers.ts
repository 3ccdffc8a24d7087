/**
 * The peer servers come from Debian: ngircd and prosody. When they are missing and this is a
 * Debian system where we are root (the Debian 13 root of scripts/debian13), they are installed
 * with apt-get. A policy-rc.d that says no is in place during the install, or the packages'
 * scripts would start both daemons with the system configuration on the shared network; it is
 * removed afterwards unless it was there before. Elsewhere the peers are skipped, and the
 * report says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ServerName } from './chat-server.js';
import { NGIRCD } from './irc-driver.js';
import { PROSODY } from './xmpp-driver.js';

const BINARIES: Record<Exclude<ServerName, 'hail'>, string> = { ngircd: NGIRCD, prosody: PROSODY };
const INSTALL_TIMEOUT_MS = 10 * 60_000;

const INSTALL = `
set -eu
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\\nexit 101\\n' > "$policy"; chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
`;

/** Returns why a peer cannot run, for each one that cannot; installs what it may. */
export function preparePeers(wanted: readonly Exclude<ServerName, 'hail'>[], log: (line: string) => void): Map<ServerName, string> {
  const missing = wanted.filter((name) => !existsSync(BINARIES[name]));
  const problems = new Map<ServerName, string>();
  if (missing.length === 0) return problems;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    for (const name of missing) problems.set(name, `${name} is not installed (apt-get install ${name}, as root)`);
    return problems;
  }
  log(`installing ${missing.join(' ')} from Debian...`);
  const install = spawnSync('bash', ['-c', INSTALL, 'install-peers', ...missing], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: INSTALL_TIMEOUT_MS,
  });
  for (const name of missing)
    if (!existsSync(BINARIES[name])) problems.set(name, `installing ${name} failed (apt-get exit ${install.status})`);
  return problems;
}
