/**
 * Folding ops into a bare database, as a box does with ops written elsewhere, and comparing the
 * replicated state two folds end with. No server: an in-memory better-sqlite3 database made by
 * the real migrations, and the real op kinds' `apply` plus the op-log append.
 *
 * `receive` mirrors the foreign-op path (issue 11, "A path for ops written on another box"):
 * once oplog-foreign lands, it becomes a call to Committer.receive. One difference on purpose:
 * an op this database already holds is applied again here (the foreign path skips it), which
 * checks that `apply` itself is idempotent, as rebuild and the replay of parked ops need.
 */
import Database from 'better-sqlite3';
import { migrate, type Db } from '../../src/store/database.js';
import { REPLICATED_TABLES } from '../../src/store/migrations.js';
import { appendOp } from '../../src/store/op-log.js';
import { OP_KINDS } from '../../src/core/ops/index.js';
import type { Op } from '../../src/core/op.js';
import { bodyDigest, CHAIN_START, opHash } from '../../src/store/op-chain.js';
import { encodeHlc } from '../../src/core/hlc.js';

export function emptyReplica(): Db {
  const db = new Database(':memory:');
  migrate(db);
  return db;
}

/** Empties every table a fold writes, so one database serves many folds (migrating costs more). */
export function clearReplica(db: Db): void {
  for (const table of [...REPLICATED_TABLES, 'ops', 'feed']) db.exec(`DELETE FROM ${table}`);
}

export function makeOp(origin: string, seq: number, ms: number, author: string | null, type: string, entity: string, body: unknown): Op {
  const head = { origin, seq, hlc: encodeHlc({ ms, counter: 0 }), author, type, entity };
  return { ...head, body, hash: opHash(head, bodyDigest(body), CHAIN_START) };
}

export function receive(db: Db, op: Op): void {
  db.transaction(() => {
    OP_KINDS.get(op.type)!.apply(db, op as never);
    const held = db.prepare('SELECT 1 FROM ops WHERE origin = ? AND seq = ?').get(op.origin, op.seq);
    if (!held) appendOp(db, op, bodyDigest(op.body));
  })();
}

export function fold(ops: readonly Op[], db: Db = emptyReplica()): Db {
  for (const op of ops) receive(db, op);
  return db;
}

const columnsOf = new Map<string, string[]>();

/**
 * Every replicated table as rows sorted on all their columns, columns in name order: two
 * databases with the same replicated state give the same dump, whatever order wrote them.
 */
export function canonicalDump(db: Db): Record<string, unknown[][]> {
  const dump: Record<string, unknown[][]> = {};
  for (const table of REPLICATED_TABLES) {
    let columns = columnsOf.get(table);
    if (!columns) {
      columns = (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((row) => row.name).sort();
      columnsOf.set(table, columns);
    }
    const list = columns.map((column) => `"${column}"`).join(', ');
    dump[table] = db.prepare(`SELECT ${list} FROM ${table} ORDER BY ${list}`).raw(true).all() as unknown[][];
  }
  return dump;
}
