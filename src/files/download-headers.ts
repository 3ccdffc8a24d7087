/**
 * How a downloaded file is labelled, so that an uploaded file can never run as a page of this
 * box (an HTML or SVG file with a script would otherwise act with the reader's session).
 *
 * - The type comes from the bytes, never from the name or the uploader's claim: only PNG, JPEG,
 *   GIF and WebP, recognised by their signatures, keep an image type and are shown inline; a
 *   browser renders those as pictures and nothing else. Everything else is
 *   `application/octet-stream`, as an attachment.
 * - `nosniff` stops the browser from guessing a type, and the CSP sandbox stops scripts even if
 *   a browser were to render the file anyway.
 */

const SIGNATURES: readonly { type: string; matches: (head: Buffer) => boolean }[] = [
  { type: 'image/png', matches: (head) => head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', matches: (head) => head.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) },
  { type: 'image/gif', matches: (head) => ['GIF87a', 'GIF89a'].includes(head.subarray(0, 6).toString('latin1')) },
  {
    type: 'image/webp',
    matches: (head) => head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

/** Bytes a signature needs to be recognised. */
export const SIGNATURE_BYTES = 12;

/** The image type a browser may display, from the file's first bytes; undefined for anything else. */
const safeImageType = (head: Buffer): string | undefined => SIGNATURES.find((signature) => signature.matches(head))?.type;

/**
 * RFC 6266: `filename*` carries the real name in UTF-8 percent-encoding (RFC 8187); the quoted
 * `filename` is a plain-ASCII fallback for old clients, with anything doubtful replaced.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export function downloadHeaders(name: string, head: Buffer): Record<string, string> {
  const image = safeImageType(head);
  return {
    'Content-Type': image ?? 'application/octet-stream',
    'Content-Disposition': contentDisposition(image ? 'inline' : 'attachment', name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cross-Origin-Resource-Policy': 'same-origin',
    // The URL names the bytes, which never change; `private` keeps shared caches out of it.
    'Cache-Control': 'private, max-age=31536000, immutable',
    'Accept-Ranges': 'bytes',
  };
}
