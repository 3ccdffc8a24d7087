/**
 * Every input (request body, query, WebSocket frame, op body) is checked against a TypeBox
 * schema, compiled once. The first error becomes a 400 whose code is the failing field's
 * `errorCode` when it has one, else `invalid_<where>`, and whose message names the field (and
 * says its `errorMessage` when it has one).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { badRequest } from './errors.js';

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checker<S extends TSchema>(schema: S): TypeCheck<S> {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema)));
  return check as TypeCheck<S>;
}

export function validate<S extends TSchema>(schema: S, value: unknown, where: string): Static<S> {
  const check = checker(schema);
  if (check.Check(value)) return value;
  const error = check.Errors(value).First();
  const field = error?.path ? error.path.slice(1).replace(/\//g, '.') : '';
  const failed = error?.schema as { errorCode?: string; errorMessage?: string } | undefined;
  const code = failed?.errorCode ?? `invalid_${where}`;
  const problem = failed?.errorMessage ?? error?.message ?? 'unexpected value';
  throw badRequest(code, `Invalid ${where}${field ? ` field "${field}"` : ''}: ${problem}.`);
}

/** Query strings are text: convert "50" to 50 and "true" to true where the schema says so, then check. */
export function validateQuery<S extends TSchema>(schema: S, query: Record<string, string>): Static<S> {
  return validate(schema, Value.Convert(schema, query), 'query');
}
