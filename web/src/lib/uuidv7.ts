/**
 * UUIDv7 ids minted in the browser (RFC 9562): 48 bits of Unix milliseconds, then random bits.
 * A post's id is made once, when it is written, and travels with every retry, so the server
 * (which dedups by id forever) never stores it twice. crypto.randomUUID exists only in secure
 * contexts, and phones reach the box over plain HTTP: getRandomValues works everywhere.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(now / 2 ** (8 * (5 - i))) & 0xff;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
