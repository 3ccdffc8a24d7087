/**
 * UUIDv7 ids minted in the browser (RFC 9562): 48 bits of Unix milliseconds, then a counter
 * and random bits, by the uuid package. A post's id is made once, when it is written, and
 * travels with every retry, so the server (which dedups by id forever) never stores it twice.
 * crypto.randomUUID exists only in secure contexts, and phones reach the box over plain HTTP:
 * uuid draws from crypto.getRandomValues, which works everywhere.
 *
 * Monotonic within a tab, on purpose: ids minted in the same millisecond (or after the clock
 * stepped back) count up from the last one rather than being random among themselves. The
 * outbox is read back from IndexedDB in id order after a reload, and posts queued in the same
 * millisecond must still go out in the order they were written.
 */
export { v7 as uuidv7 } from 'uuid';
