/**
 * The OpStore (sync/op-store.ts) over this box's op log: the version vector and the paged
 * reader of src/store/op-log.ts, the hash chain of src/store/op-chain.ts, and the foreign-op
 * path `Committer.receive`, which takes a frame's ops in one transaction through the same
 * single writer as local commands, and publishes them to the box's own clients.
 *
 * Bodies travel as JSON text; the hash covers a digest of each field (op-chain.ts), so the
 * text's spelling does not matter, and a purged field (a marker holding its digest) travels
 * and verifies as it is.
 */
import type { Committer } from '../core/commit.js';
import { checkForeignOp } from '../core/foreign-op.js';
import type { Op } from '../core/op.js';
import { bodyDigest, CHAIN_START, opHash } from '../store/op-chain.js';
import { heldHash, opsMissingFrom, quarantine, versionVector } from '../store/op-log.js';
import type { Db } from '../store/database.js';
import type { OpStore, Vector, WireOp } from './op-store.js';

const opOf = (wire: WireOp, hash: string): Op => ({
  origin: wire.origin,
  seq: wire.seq,
  hlc: wire.hlc,
  author: wire.author,
  type: wire.type,
  entity: wire.entity,
  body: JSON.parse(wire.bodyText) as unknown,
  hash,
});

export function logOpStore(db: Db, committer: Committer): OpStore {
  return {
    vector: () => versionVector(db),
    hashAt: (origin, seq) => heldHash(db, origin, seq),
    opsFor(peer, limit, except) {
      // An origin the peer must not be sent (it forked there) counts as fully held.
      const wanted: Vector = { ...peer };
      for (const origin of except) wanted[origin] = Number.MAX_SAFE_INTEGER;
      return opsMissingFrom(db, wanted, 0, limit).ops.map(({ hash: _hash, body, ...head }) => ({
        ...head,
        bodyText: JSON.stringify(body),
      }));
    },
    checkBody(wire) {
      // The foreign path's own structural check (lenient for a newer version's fields; an
      // unknown type passes, to be stored and relayed). The hash is checked by the chain.
      checkForeignOp(opOf(wire, 'A'.repeat(43)));
    },
    chainHash: (prevHash, wire) => opHash(wire, bodyDigest(JSON.parse(wire.bodyText)), prevHash ?? CHAIN_START),
    // The op log's own quarantine, where `receive` keeps the forks it finds: one place for both.
    quarantine: (wire) => quarantine(db, opOf(wire, wire.hash), Date.now()),
    async receive(ops) {
      const result = await committer.receive(ops.map((wire) => opOf(wire, wire.hash)));
      return { applied: result.entries.length, skipped: result.duplicates, forks: result.forks };
    },
    onChange(listener) {
      committer.onCommit(() => listener());
    },
  };
}
