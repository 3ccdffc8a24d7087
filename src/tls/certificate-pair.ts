/**
 * A certificate and its key, checked before anything serves them: OpenSSL would accept a
 * mismatched pair and every handshake would then fail with nothing in the log. A wrong pair
 * at start is a StartupError naming both files; on reload it is reported and the certificate
 * already served stays.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StartupError } from '../startup-error.js';

export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

/** Reads and checks the pair; returns the certificate (the first of a chain). */
export function checkCertificatePair(files: CertificateFiles): X509Certificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(files.cert));
  } catch (error) {
    throw new StartupError(
      'tls_unreadable',
      `cannot read the certificate ${files.cert} (${reason(error)}); tls_cert must name a PEM certificate.`,
    );
  }
  let key;
  try {
    key = createPrivateKey(readFileSync(files.key));
  } catch (error) {
    throw new StartupError('tls_unreadable', `cannot read the key ${files.key} (${reason(error)}); tls_key must name a PEM private key.`);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new StartupError(
      'tls_mismatch',
      `the key ${files.key} does not belong to the certificate ${files.cert}; configure the matching pair (or run hail tls init for the box's own).`,
    );
  }
  return certificate;
}

const reason = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;
