/**
 * The search box's language, parsed into parts the store can run safely:
 *
 *   weather "north wind" gal*  in:deck from:@alice after:2026-05-01 before:2026-06-01 on:2026-05-14 has:file
 *
 * Words must all match (any order); quoted text is a phrase; a trailing `*` makes a prefix;
 * `in:` names a channel, `from:` a user (the `@` is optional), dates are days (YYYY-MM-DD) in the
 * caller's time zone, `has:file` keeps posts with files. Several `in:` or `from:` widen the
 * filter. User text never reaches FTS5's own syntax: every word is quoted when the MATCH
 * expression is built, so `NEAR(`, `OR` or a stray `"` cannot change the query.
 */
import { badRequest } from '../core/errors.js';

export interface SearchQuery {
  readonly words: string[];
  readonly phrases: string[];
  readonly prefixes: string[];
  readonly channels: string[];
  readonly users: string[];
  /** Milliseconds: posts at or after `from` and before `until`. */
  readonly from?: number;
  readonly until?: number;
  readonly hasFile: boolean;
}

const DAY = 24 * 60 * 60 * 1000;
const FILTERS = new Set(['in', 'from', 'before', 'after', 'on', 'has']);

const invalid = (message: string) => badRequest('invalid_search', message);

function dayStart(text: string, offsetMinutes: number): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(match[3]))
    throw invalid(`"${text}" is not a date; write it as YYYY-MM-DD.`);
  return ms + offsetMinutes * 60 * 1000;
}

/**
 * Splits on spaces outside quotes; an unclosed quote is an error. Control characters separate
 * words, as the index's tokenizer treats them; FTS5 would read a NUL inside a quoted word as
 * the end of the query text ("unterminated string").
 */
function tokens(text: string): { value: string; quoted: boolean }[] {
  const found: { value: string; quoted: boolean }[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is matched: they separate words
  const spaced = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  if ((spaced.match(/"/g)?.length ?? 0) % 2 === 1) throw invalid('A quote is not closed.');
  for (const match of spaced.matchAll(pattern)) {
    if (match[1] !== undefined) found.push({ value: match[1], quoted: true });
    else found.push({ value: match[2]!, quoted: false });
  }
  return found;
}

/** `offsetMinutes` is the caller's UTC offset (east positive is negative, as Date#getTimezoneOffset gives). */
export function parseSearch(text: string, offsetMinutes = 0): SearchQuery {
  const query = {
    words: [] as string[],
    phrases: [] as string[],
    prefixes: [] as string[],
    channels: [] as string[],
    users: [] as string[],
    hasFile: false,
  } as {
    -readonly [K in keyof SearchQuery]: SearchQuery[K];
  };
  for (const { value, quoted } of tokens(text)) {
    const colon = value.indexOf(':');
    const filter = !quoted && colon > 0 ? value.slice(0, colon).toLowerCase() : '';
    if (FILTERS.has(filter)) {
      const argument = value.slice(colon + 1);
      if (argument === '') throw invalid(`${filter}: needs a value.`);
      if (filter === 'in') query.channels.push(argument.replace(/^[~#]/, '').toLowerCase());
      else if (filter === 'from') query.users.push(argument.replace(/^@/, '').toLowerCase());
      else if (filter === 'has') {
        if (argument.toLowerCase() !== 'file') throw invalid('has: understands only has:file.');
        query.hasFile = true;
      } else {
        const start = dayStart(argument, offsetMinutes);
        if (filter === 'after') query.from = Math.max(query.from ?? 0, start + DAY);
        else if (filter === 'before') query.until = Math.min(query.until ?? Infinity, start);
        else {
          query.from = Math.max(query.from ?? 0, start);
          query.until = Math.min(query.until ?? Infinity, start + DAY);
        }
      }
    } else if (quoted) {
      if (value.trim() !== '') query.phrases.push(value.trim());
    } else if (value.endsWith('*') && value.length > 1) query.prefixes.push(value.slice(0, -1));
    else if (value.replace(/\*/g, '') !== '') query.words.push(value.replace(/\*/g, ''));
  }
  const anything =
    query.words.length + query.phrases.length + query.prefixes.length + query.channels.length + query.users.length > 0 ||
    query.hasFile ||
    query.from !== undefined ||
    query.until !== undefined;
  if (!anything) throw invalid('Type something to search for.');
  if (query.from !== undefined && query.until !== undefined && query.from >= query.until)
    throw invalid('The dates leave no day to search.');
  return query;
}

const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`;

/** The FTS5 MATCH expression for the text part, or undefined when the query has only filters. */
export function matchExpression(query: SearchQuery): string | undefined {
  const parts = [...query.words.map(quote), ...query.phrases.map(quote), ...query.prefixes.map((prefix) => `${quote(prefix)}*`)];
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}
