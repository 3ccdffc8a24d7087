/**
 * Which certificate HTTPS serves: the administrator's own pair when `tls_cert` and `tls_key`
 * are set; else, once `hail tls init` has made the box's CA, the server certificate that CA
 * issues (the server issues a new one itself at start and daily when a name or address is
 * missing or the end is near, so the file may not exist yet); else none: plain HTTP only.
 * The server and `hail doctor` both ask here, so they never disagree.
 */
import type { Config } from '../config.js';
import type { CertificateFiles } from './certificate-pair.js';
import { hasLocalCa, localCaFiles } from './local-ca.js';

export interface ServerCertificate {
  readonly files: CertificateFiles;
  /** Issued and renewed by the box's own CA, rather than the administrator's pair. */
  readonly issuedByBox: boolean;
}

export function serverCertificate(config: Pick<Config, 'tlsCert' | 'tlsKey' | 'dataDir'>): ServerCertificate | undefined {
  if (config.tlsCert !== undefined && config.tlsKey !== undefined)
    return { files: { cert: config.tlsCert, key: config.tlsKey }, issuedByBox: false };
  if (hasLocalCa(config.dataDir)) return { files: localCaFiles(config.dataDir), issuedByBox: true };
  return undefined;
}
