/**
 * Which tab of this browser sends the outbox. Every open tab shares one IndexedDB and so one
 * outbox; two tabs sending it at once would race each other's order and double the uploads.
 * So a tab sends only while it holds a short lease, a row in IndexedDB naming the tab and
 * when the lease runs out, taken and renewed before each post inside one readwrite
 * transaction (IndexedDB runs overlapping readwrite transactions one after another, across
 * tabs too, so two tabs cannot both find it free). A tab that closes lets its lease lapse
 * within LEASE_MS and another takes over.
 *
 * Why not the Web Locks API: navigator.locks exists only in secure contexts, and phones reach
 * the box over plain HTTP. One mechanism that works everywhere is one to test.
 *
 * Why it is safe even when it fails (a send slower than the lease, a tab frozen mid-send):
 * the post's id is minted once and the server answers a known id with the original post and
 * creates nothing, so two tabs sending the same post still make it once.
 */
import { database } from './db';

export const LEASE_MS = 10_000;
const KEY = 'outboxLease';
const tab = crypto.getRandomValues(new Uint32Array(2)).join('-');

interface Lease {
  tab: string;
  until: number;
}

/** Takes or renews the lease; false while another tab holds it. */
export async function holdLease(now = Date.now()): Promise<boolean> {
  const tx = (await database()).transaction('kv', 'readwrite');
  const lease = (await tx.store.get(KEY)) as Lease | undefined;
  // A lease running out further ahead than any tab would set came from a clock that jumped.
  const free = !lease || lease.tab === tab || lease.until <= now || lease.until > now + LEASE_MS;
  if (free) void tx.store.put({ tab, until: now + LEASE_MS } satisfies Lease, KEY);
  await tx.done;
  return free;
}

/** Lets another tab send at once rather than after the lease runs out. */
export async function releaseLease(): Promise<void> {
  const tx = (await database()).transaction('kv', 'readwrite');
  const lease = (await tx.store.get(KEY)) as Lease | undefined;
  if (lease?.tab === tab) void tx.store.delete(KEY);
  await tx.done;
}
