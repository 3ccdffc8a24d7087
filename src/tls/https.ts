/**
 * Whether and with what the box serves HTTPS (server-certificate.ts chooses). A certificate of
 * the box's own CA is renewed here when the box's names or addresses change or its end nears.
 * Either way the files are watched and a new certificate is served without a restart.
 */
import type { TemplatedApp } from 'uWebSockets.js';
import type { Config } from '../config.js';
import type { Log } from '../log.js';
import type { AddressWatcher } from '../net/addresses.js';
import { portProblem } from '../preflight.js';
import { StartupError } from '../startup-error.js';
import { HttpsListener } from './https-listener.js';
import { localCaFiles, renewLeafIfNeeded } from './local-ca.js';
import { serverCertificate } from './server-certificate.js';

export interface Https {
  readonly port: number;
  /** The local CA's certificate when the box made its own, for the /trust page. */
  readonly caCertFile: string | undefined;
  stop(): void;
}

// Expiry is checked besides address changes: a box that never moves still renews in time.
const RENEWAL_CHECK_MS = 24 * 3600_000;

/** Undefined when the box has no certificate at all. */
export async function startHttps(
  config: Config,
  watcher: AddressWatcher,
  now: () => number,
  register: (app: TemplatedApp) => void,
  log: Log,
): Promise<Https | undefined> {
  const chosen = serverCertificate(config);
  if (!chosen) return undefined;
  const { files, issuedByBox: own } = chosen;
  const problem = await portProblem(config.host, config.httpsPort);
  if (problem) throw new StartupError('cannot_start', `https_port: ${problem}`);
  let renewal: NodeJS.Timeout | undefined;
  if (own) {
    const renewNow = async () => {
      try {
        if (await renewLeafIfNeeded(config.dataDir, watcher.addresses, now()))
          log.info({ cert: files.cert }, 'issued a new server certificate for the current names and addresses');
      } catch (error) {
        log.error({ err: error }, 'could not renew the server certificate; the previous one stays');
      }
    };
    // One renewal at a time: an address change during the daily check would otherwise write the
    // same key and certificate files twice over, and could leave a key with the other's certificate.
    let renewing = Promise.resolve();
    const renew = () => (renewing = renewing.then(renewNow));
    await renew();
    watcher.onChange(() => void renew());
    renewal = setInterval(() => void renew(), RENEWAL_CHECK_MS);
    renewal.unref();
  }
  const listener = await HttpsListener.start(files, config.host, config.httpsPort, register, log);
  return {
    port: listener.port,
    caCertFile: own ? localCaFiles(config.dataDir).caCert : undefined,
    stop() {
      clearInterval(renewal);
      listener.stop();
    },
  };
}
