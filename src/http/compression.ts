/**
 * Content negotiation for what the server sends: the encodings a request's Accept-Encoding
 * allows, and JSON answers compressed on the fly. A channel's page of posts is tens of KB of
 * repetitive JSON that brotli or gzip shrinks several times over, which counts on a slow link;
 * small answers are sent as they are, since compressing them gains nothing but costs the Pi.
 * Static files are compressed at build time instead (static.ts).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Below this, an answer goes uncompressed (about one packet's worth). */
export const COMPRESS_MIN_BYTES = 1024;
/** Brotli's fast end: most of the gain at a small fraction of the top quality's CPU. */
const BROTLI_QUALITY = 4;

export type ContentEncoding = 'br' | 'gzip';

/** The encodings the client accepts, lower-cased; one given with q=0 is refused. */
export function acceptedEncodings(acceptEncoding: string): Set<string> {
  return new Set(
    acceptEncoding
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !/^\s*q=0(\.0*)?\s*$/.test(q ?? ''))
      .map(([name]) => name!.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
}

/** A JSON text as the client takes it: brotli, else gzip, else as it is (small or not accepted). */
export function encodeJson(text: string, acceptEncoding: string): { body: string | Buffer; encoding: ContentEncoding | undefined } {
  if (Buffer.byteLength(text) < COMPRESS_MIN_BYTES) return { body: text, encoding: undefined };
  const accepted = acceptedEncodings(acceptEncoding);
  if (accepted.has('br'))
    return { body: brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } }), encoding: 'br' };
  if (accepted.has('gzip')) return { body: gzipSync(text), encoding: 'gzip' };
  return { body: text, encoding: undefined };
}
