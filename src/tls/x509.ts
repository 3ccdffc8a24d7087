/**
 * @peculiar/x509, ready to use: it resolves its parts with tsyringe, which needs the Reflect
 * metadata polyfill loaded first, and it signs with node:crypto's WebCrypto. Import it from
 * here, never directly, so both hold wherever X.509 is used.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
