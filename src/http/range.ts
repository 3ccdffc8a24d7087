/**
 * The one byte range a download answers (RFC 9110 §14): `bytes=first-last`, `bytes=first-`
 * or `bytes=-suffixLength`. A phone resuming a weather file over a flaky link sends exactly
 * one; several ranges, other units or a malformed header are ignored and the whole file is
 * sent, which the RFC allows. A range that starts past the end is unsatisfiable (416).
 */
export type RangeAnswer = { readonly start: number; readonly end: number } | 'whole' | 'unsatisfiable';

export function parseRange(header: string, size: number): RangeAnswer {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'whole';
  const [first, last] = [match[1]!, match[2]!];
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  if (end < start) return 'whole';
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}
