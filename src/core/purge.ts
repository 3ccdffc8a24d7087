/**
 * Ops that can forget: when an op makes fields of earlier ops useless (a post's delete, its
 * text; a new password, the old hashes), those fields are purged from the op log in the same
 * transaction, on the box that wrote the op and on every box that applies it. Only fields the
 * purged op's kind declares `Purgeable` are touched, and the log still verifies (store/
 * op-chain.ts). The local copies of the same text in the state tables and the search index
 * are the deleting op's `apply`'s business; `secure_delete` (store/database.ts) makes SQLite
 * zero what they leave behind in the file.
 */
import type { Db } from '../store/database.js';
import { purgeFields } from '../store/op-chain.js';
import { purgeStoredFields } from '../store/op-log.js';
import { purgeableFields, type Op, type OpKind } from './op.js';
import { OP_KINDS } from './ops/index.js';

const fieldsOf = (type: string): readonly string[] => {
  const kind = OP_KINDS.get(type);
  return kind ? purgeableFields(kind) : [];
};

/**
 * Purges what `op`, just applied and not yet appended, makes obsolete. Returns the op to
 * append: itself purged when it is obsolete already (the edit of a post this box saw deleted).
 */
export function purgeObsoleted(db: Db, kind: OpKind, op: Op): Op {
  let appended = op;
  for (const name of kind.obsoletes?.(db, op as never) ?? []) {
    if (name.origin === op.origin && name.seq === op.seq) appended = { ...op, body: purgeFields(op.body as object, fieldsOf(op.type)) };
    else purgeStoredFields(db, name.origin, name.seq, fieldsOf);
  }
  return appended;
}
