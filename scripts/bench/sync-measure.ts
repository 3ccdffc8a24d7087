/**
 * Sync budgets (issue 12, DESIGN.md "Budgets"), measured in one process with two real boxes on
 * loopback (real databases, real TLS): bytes on the wire per text post in catch-up and live,
 * the bytes of an empty round, and the time of a catch-up of a backlog. Bytes are counted on
 * the raw TCP sockets, TLS included, both directions together.
 *
 *   node build/scripts/bench/sync-measure.js [BACKLOG=100000]
 */
import { performance } from 'node:perf_hooks';
import { startSyncBox, until, type SyncBox } from '../../test/helpers/sync-box.js';

const backlog = Number(process.argv[2] ?? 100_000);
const WORDS = 'wind backing south-west twenty five knots reef early anchor holding well tide turns at four crew ashore for water fuel dock closes soon'.split(' ');
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
/** A text of about 60 to 80 characters, from a small vocabulary, as chat is. */
function text(): string {
  const words: string[] = [];
  const length = 60 + Math.floor(random() * 21);
  while (words.join(' ').length < length) words.push(WORDS[Math.floor(random() * WORDS.length)]!);
  return words.join(' ').slice(0, length);
}

const traffic = (box: SyncBox) => {
  const status = box.service.status()[0];
  return status ? status.bytes.sentTotal + status.bytes.receivedTotal : 0;
};

/** Only `dialer` knows the other's address: one connection, as a boat dialling the shore. */
function pinOneWay(dialer: SyncBox, listener: SyncBox): void {
  dialer.service.peers.pin(listener.service.fingerprint, listener.name, [listener.address], Date.now());
  listener.service.peers.pin(dialer.service.fingerprint, dialer.name, [], Date.now());
  dialer.service.refresh();
  listener.service.refresh();
}

async function unpair(a: SyncBox, b: SyncBox): Promise<void> {
  a.service.unpair(b.writer.identity.nodeId);
  b.service.unpair(a.writer.identity.nodeId);
  await new Promise((done) => setTimeout(done, 300));
}

const shore = await startSyncBox('shore');
const boat = await startSyncBox('boat');
try {
  const { userId, channelId } = await shore.setup();
  const made = performance.now();
  for (let done = 0; done < backlog; done += 2000) await shore.postMany(userId, channelId, Array.from({ length: Math.min(2000, backlog - done) }, text));
  process.stdout.write(`backlog of ${backlog} posts written in ${((performance.now() - made) / 1000).toFixed(1)} s\n`);
  const memoryBefore = process.memoryUsage().rss;

  const started = performance.now();
  pinOneWay(boat, shore);
  await until('the catch-up', () => boat.opCount() === shore.opCount(), 600_000);
  const seconds = (performance.now() - started) / 1000;
  const memoryAfter = process.memoryUsage().rss;
  await new Promise((done) => setTimeout(done, 300));
  const catchUpBytes = traffic(shore);
  process.stdout.write(`catch-up: ${backlog} posts in ${seconds.toFixed(1)} s (budget 15 s); ${catchUpBytes} bytes, ${(catchUpBytes / backlog).toFixed(1)} B per post (budget 120 B); RSS +${((memoryAfter - memoryBefore) / 2 ** 20).toFixed(0)} MiB (both boxes in this process)\n`);

  // An empty round: connect, TLS handshake, HELLO, vectors, nothing to send. Unpairing and
  // pairing again starts the counters from zero.
  await unpair(boat, shore);
  pinOneWay(boat, shore);
  await until('the link', () => shore.service.status()[0]?.link === 'open' && boat.service.status()[0]?.link === 'open', 20_000);
  await new Promise((done) => setTimeout(done, 500));
  const emptyRound = traffic(shore);
  process.stdout.write(`empty round: ${emptyRound} bytes (budget 3 KB)\n`);

  // Live: one post at a time, each delivered before the next.
  const LIVE = 200;
  for (let index = 0; index < LIVE; index++) {
    const expected = shore.opCount() + 1;
    await shore.post(userId, channelId, text());
    await until('the live post', () => boat.opCount() === expected, 10_000);
  }
  await new Promise((done) => setTimeout(done, 300));
  const liveBytes = traffic(shore) - emptyRound;
  process.stdout.write(`live: ${LIVE} posts one by one, ${liveBytes} bytes, ${(liveBytes / LIVE).toFixed(1)} B per post with its ack (budget 250 B)\n`);
} finally {
  await boat.dispose();
  await shore.dispose();
}
