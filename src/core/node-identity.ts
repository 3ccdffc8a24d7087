/**
 * Who this box is. The node key (Ed25519) is made on first start and kept in the data
 * directory, readable by the server's user only; boxes pin each other's public key when they
 * pair, and `node_id` is derived from it. The origin (DESIGN.md "Origin") names this
 * database's writes; it lives inside the database, so a copied database must be given a new
 * one (restore does that).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMeta, setMeta, type Db } from '../store/database.js';
import { newOrigin } from './ids.js';

export interface NodeIdentity {
  readonly nodeId: string;
  readonly origin: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function loadIdentity(db: Db, dataDir: string): NodeIdentity {
  const keyFile = join(dataDir, 'node.key');
  if (!existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const privateKeyPem = readFileSync(keyFile, 'utf8');
  const publicKey = createPublicKey(privateKeyPem);
  const raw = publicKey.export({ type: 'spki', format: 'der' });
  const nodeId = createHash('sha256').update(raw).digest('hex').slice(0, 32);
  let origin = getMeta(db, 'origin');
  if (!origin) {
    origin = newOrigin();
    setMeta(db, 'origin', origin);
  }
  return { nodeId, origin, privateKey: createPrivateKey(privateKeyPem), publicKey };
}
