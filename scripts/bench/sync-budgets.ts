/**
 * Scenario 9, the sync budgets (issue 12, docs/DESIGN.md "Budgets"), measured in one process with two
 * real boxes on loopback (real databases, real mutual TLS, the real link; the HTTP servers are
 * left out, sync never touches them): the time of a catch-up of a backlog of text posts, bytes on
 * the wire per post in catch-up and live, the bytes of an empty round, and memory above idle
 * during the catch-up. Bytes are counted on the raw TCP sockets, TLS included, both directions.
 *
 * Both boxes share this process, and so one core: on two machines the sender's reading and the
 * receiver's applying overlap, so the time here is an upper bound. The memory is both boxes'.
 */
import { performance } from 'node:perf_hooks';
import { startSyncBox, until, type SyncBox } from '../../test/helpers/sync-box.js';

export interface SyncResult {
  readonly backlog: number;
  readonly writeSeconds: number;
  readonly catchUpSeconds: number;
  readonly catchUpCpuSeconds: number;
  readonly catchUpBytesPerPost: number;
  readonly emptyRoundBytes: number;
  readonly liveBytesPerPost: number;
  readonly memoryAboveIdleBytes: number;
}

const WORDS =
  'wind backing south-west twenty five knots reef early anchor holding well tide turns at four crew ashore for water fuel dock closes soon'.split(
    ' ',
  );

/** Texts of about 60 to 80 characters from a small vocabulary, as chat is; the same every run. */
function texts(): () => string {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return () => {
    const words: string[] = [];
    const length = 60 + Math.floor(random() * 21);
    while (words.join(' ').length < length) words.push(WORDS[Math.floor(random() * WORDS.length)]!);
    return words.join(' ').slice(0, length);
  };
}

const traffic = (box: SyncBox) => {
  const status = box.service.status()[0];
  return status ? status.bytes.sentTotal + status.bytes.receivedTotal : 0;
};

const sameVector = (a: SyncBox, b: SyncBox) => JSON.stringify(a.store.vector()) === JSON.stringify(b.store.vector());

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

export async function measureSync(backlog: number, log: (line: string) => void = () => {}): Promise<SyncResult> {
  const text = texts();
  const shore = await startSyncBox('shore');
  const boat = await startSyncBox('boat');
  try {
    const { userId, channelId } = await shore.setup();
    const made = performance.now();
    for (let done = 0; done < backlog; done += 2000)
      await shore.postMany(userId, channelId, Array.from({ length: Math.min(2000, backlog - done) }, text));
    const writeSeconds = (performance.now() - made) / 1000;
    log(`backlog of ${backlog} posts written in ${writeSeconds.toFixed(1)} s`);
    global.gc?.();
    await new Promise((done) => setTimeout(done, 500));
    const idle = process.memoryUsage().rss;
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    pinOneWay(boat, shore);
    await until('the catch-up', () => sameVector(boat, shore), 600_000);
    const catchUpSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    await new Promise((done) => setTimeout(done, 300));
    const catchUpBytes = traffic(shore);
    log(`catch-up in ${catchUpSeconds.toFixed(1)} s`);

    // An empty round: connect, TLS handshake, HELLO, vectors, nothing to send. Unpairing and
    // pairing again starts the counters from zero.
    await unpair(boat, shore);
    pinOneWay(boat, shore);
    await until('the link', () => shore.service.status()[0]?.link === 'open' && boat.service.status()[0]?.link === 'open', 20_000);
    await new Promise((done) => setTimeout(done, 500));
    const emptyRoundBytes = traffic(shore);

    // Live: one post at a time, each delivered before the next.
    const LIVE = 200;
    for (let index = 0; index < LIVE; index++) {
      await shore.post(userId, channelId, text());
      await until('the live post', () => sameVector(boat, shore), 10_000);
    }
    await new Promise((done) => setTimeout(done, 300));
    const liveBytes = traffic(shore) - emptyRoundBytes;
    return {
      backlog,
      writeSeconds,
      catchUpSeconds,
      catchUpCpuSeconds: (cpu.user + cpu.system) / 1e6,
      catchUpBytesPerPost: catchUpBytes / backlog,
      emptyRoundBytes,
      liveBytesPerPost: liveBytes / LIVE,
      memoryAboveIdleBytes: peak - idle,
    };
  } finally {
    await boat.dispose();
    await shore.dispose();
  }
}

/** The budgets of issue 12 with the result beside each. */
export function syncTable(result: SyncResult): string {
  const scaled = (result.catchUpSeconds * (100_000 / result.backlog)).toFixed(1);
  const scale = result.backlog === 100_000 ? '' : ` (the budget is for 100,000; scaled linearly: ${scaled} s)`;
  const catchUp = `${result.catchUpSeconds.toFixed(1)} s wall, ${result.catchUpCpuSeconds.toFixed(1)} s CPU${scale}`;
  const rows: [string, string, string][] = [
    [`catch-up of ${result.backlog.toLocaleString('en')} text posts`, '≤ 15 s for 100,000', catchUp],
    ['bytes on the wire per post, catch-up', '≤ 120 B', `${result.catchUpBytesPerPost.toFixed(1)} B`],
    ['bytes on the wire per post, live (with its ack)', '≤ 250 B', `${result.liveBytesPerPost.toFixed(1)} B`],
    ['empty round (TLS, HELLO, vectors)', '≤ 3 KB', `${result.emptyRoundBytes} B`],
    ['memory above idle during the catch-up (both boxes)', '≤ 50 MB', `${(result.memoryAboveIdleBytes / 2 ** 20).toFixed(0)} MiB`],
  ];
  return ['| | budget | result |', '| --- | --- | --- |', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}
