/**
 * `hail tls init`: the box's own certificate authority and a server certificate for its
 * current names and addresses (src/tls/local-ca.ts). Run again, it keeps the CA (phones
 * already trust it) and issues a new server certificate. A running server notices the new
 * files and serves them; one that had no certificate starts HTTPS at its next start.
 */
import type { Config } from '../config.js';
import { boxAddresses, boxName } from '../net/addresses.js';
import { StartupError } from '../startup-error.js';
import { requireOwnDataDir } from './database.js';
import { configuredBoxUrls } from '../http/pages/box-urls.js';
import { initLocalCa } from '../tls/local-ca.js';

export async function tlsInitCommand(config: Config): Promise<void> {
  if (config.tlsCert !== undefined) {
    throw new StartupError(
      'tls_configured',
      `tls_cert is set (${config.tlsCert}): the box serves that certificate, not one of its own; unset tls_cert and tls_key to use a local CA.`,
    );
  }
  requireOwnDataDir(config.dataDir);
  const addresses = boxAddresses();
  const { createdCa, files, leaf } = await initLocalCa(config.dataDir, addresses, boxName(config.boxName), Date.now());
  const days = Math.round((Date.parse(leaf.validTo) - Date.now()) / (24 * 3600_000));
  process.stdout.write(
    [
      createdCa
        ? `made a certificate authority: ${files.caCert} (valid 10 years; its key ${files.caKey} never leaves the box)`
        : `kept the certificate authority ${files.caCert}, which phones may already trust`,
      `made the server certificate ${files.cert} (key ${files.key}), valid ${days} days, for ${leaf.subjectAltName}`,
      createdCa
        ? `restart the server to serve HTTPS on https_port (${config.httpsPort}); it then renews this certificate itself when the box's names or addresses change`
        : 'a running server serves the new certificate within seconds',
      `to trust it, open ${configuredBoxUrls(config).byIp[0]}trust on each phone and laptop`,
      '',
    ].join('\n'),
  );
}
