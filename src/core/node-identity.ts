/**
 * Who this box is. The node key (Ed25519) is made on first start and kept in the data
 * directory, readable by the server's user only; boxes pin each other's public key when they
 * pair, and `node_id` is derived from it. The origin (docs/DESIGN.md "The op log") names this
 * database's writes; it lives inside the database, so a copied database must be given a new
 * one (restore does that).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileDurably } from '../files/durable-write.js';
import { StartupError } from '../startup-error.js';
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
    replaceFileDurably(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  const { privateKey, publicKey } = readNodeKey(keyFile);
  const raw = publicKey.export({ type: 'spki', format: 'der' });
  const nodeId = createHash('sha256').update(raw).digest('hex').slice(0, 32);
  let origin = getMeta(db, 'origin');
  if (!origin) {
    origin = newOrigin();
    setMeta(db, 'origin', origin);
  }
  return { nodeId, origin, privateKey, publicKey };
}

function readNodeKey(keyFile: string): { privateKey: KeyObject; publicKey: KeyObject } {
  try {
    const privateKey = createPrivateKey(readFileSync(keyFile, 'utf8'));
    if (privateKey.asymmetricKeyType === 'ed25519') return { privateKey, publicKey: createPublicKey(privateKey) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES') throw error;
  }
  throw new StartupError(
    'node_key_damaged',
    `the node key ${keyFile} is damaged (empty, or not an Ed25519 private key); put back a copy of it if you have one, or move it aside and start again to give this box a new key (boxes it was paired with must then pair with it again).`,
  );
}
