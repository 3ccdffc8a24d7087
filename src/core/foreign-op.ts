/**
 * What a box checks of an op written on another box before it takes it: the structure of its
 * head, and its body against its kind's schema (core/op.ts says why no permission is checked).
 * The check is lenient where a newer version may differ: a body may carry fields this version
 * does not know (they are kept, hashed and relayed, only not read), and an op of a type this
 * version does not know passes with any body (it is stored and relayed, not applied). Its
 * hash chain is checked later, inside the transaction, against the ops already held.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ID_PATTERN } from './ids.js';
import type { Op, OpKind } from './op.js';
import { OP_KINDS } from './ops/index.js';
import { bodyDigest } from '../store/op-chain.js';

/** Why a batch of foreign ops was refused whole: nothing of it was applied. */
export class ForeignOpError extends Error {
  constructor(
    readonly code: 'invalid_op' | 'hash_mismatch',
    readonly op: { readonly origin?: unknown; readonly seq?: unknown },
    message: string,
  ) {
    super(message);
  }
}

const Digest = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' });

const ForeignOp = TypeCompiler.Compile(
  Type.Object({
    origin: Type.String({ pattern: '^[0-9a-f]{32}$' }),
    seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    hlc: Type.String({ pattern: '^[0-9a-f]{16}$' }),
    author: Type.Union([Type.String({ pattern: ID_PATTERN }), Type.Null()]),
    type: Type.String({ pattern: '^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$', maxLength: 64 }),
    // Printable ASCII: ids today; whatever a newer version names, it must hash the same everywhere.
    entity: Type.String({ pattern: '^[\x21-\x7e]{1,128}$' }),
    body: Type.Object({}),
    hash: Digest,
  }),
);

const Entity = TypeCompiler.Compile(Type.String({ pattern: ID_PATTERN }));

/** The schema without its "no other fields" rules, except inside a purge marker, which is exact. */
function lenient(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lenient);
  if (typeof schema !== 'object' || schema === null || (schema as { purgedField?: boolean }).purgedField) return schema;
  const copy: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(schema)) {
    const value = (schema as Record<string | symbol, unknown>)[key];
    if (key === 'additionalProperties' && value === false) continue;
    copy[key] = lenient(value);
  }
  return copy;
}

const lenientChecks = new WeakMap<OpKind, TypeCheck<TSchema>>();

function lenientCheck(kind: OpKind): TypeCheck<TSchema> {
  let check = lenientChecks.get(kind);
  if (!check) lenientChecks.set(kind, (check = TypeCompiler.Compile(lenient(kind.body) as TSchema)));
  return check;
}

/** Whether a body fits its kind's schema, as a newer version may have written it (extra fields allowed). */
export const fitsKind = (kind: OpKind, body: unknown): boolean => lenientCheck(kind).Check(body);

export interface CheckedForeignOp {
  readonly op: Op;
  /** Undefined for a type this version does not know. */
  readonly kind: OpKind | undefined;
  readonly digest: string;
}

export function checkForeignOp(candidate: unknown): CheckedForeignOp {
  const named = (typeof candidate === 'object' && candidate !== null ? candidate : {}) as { origin?: unknown; seq?: unknown };
  const refuse = (why: string) => new ForeignOpError('invalid_op', named, `op ${String(named.origin)}/${String(named.seq)}: ${why}`);
  if (!ForeignOp.Check(candidate)) {
    const error = ForeignOp.Errors(candidate).First();
    throw refuse(`${error?.path || 'the op'} ${error?.message ?? 'is malformed'}`);
  }
  const op = candidate as Op;
  const kind = OP_KINDS.get(op.type);
  if (kind) {
    if (!Entity.Check(op.entity)) throw refuse('its entity is not an id');
    const check = lenientCheck(kind);
    if (!check.Check(op.body)) {
      const error = check.Errors(op.body).First();
      throw refuse(`body${error?.path ?? ''} ${error?.message ?? 'does not fit its kind'}`);
    }
  }
  let digest: string;
  try {
    digest = bodyDigest(op.body);
  } catch {
    throw refuse('its body has no canonical form (a lone UTF-16 surrogate)');
  }
  // Only the fields of the op itself travel on: an envelope field from a newer version is not hashed, so not kept.
  const { origin, seq, hlc, author, type, entity, body, hash } = op;
  return { op: { origin, seq, hlc, author, type, entity, body, hash }, kind, digest };
}
