/**
 * The sync link in-process: real databases, real Committers, real TLS on loopback; frames,
 * pinning, convergence, and bad input (a fuzz of malformed frames against a live link).
 */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { after, describe, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { pack } from 'msgpackr';
import { FrameDecoder, FrameEncoder, FrameError, MAX_MESSAGE } from '../src/sync/frame-codec.js';
import { packOps, unpackOps, PROTOCOL_VERSION } from '../src/sync/messages.js';
import { makeNodeCertificate, type NodeCertificate } from '../src/sync/node-certificate.js';
import { decodeInvitation, encodeInvitation, InvitationError } from '../src/sync/pairing-invitation.js';
import { Backoff, MAX_RETRY_MS } from '../src/sync/backoff.js';
import { pinEachOther, startSyncBox, until, type SyncBox } from './helpers/sync-box.js';

async function decodeAll(frames: Buffer[]): Promise<unknown[]> {
  const messages: unknown[] = [];
  let failure: Error | undefined;
  const decoder = new FrameDecoder(
    async (message) => void messages.push(message),
    (error) => (failure = error),
  );
  for (const frame of frames) decoder.push(frame);
  await decoder.settled();
  decoder.close();
  if (failure) throw failure;
  return messages;
}

describe('frames', () => {
  test('messages survive the trip in order, and repeated content costs little in later frames', async () => {
    const encoder = new FrameEncoder();
    const message = {
      t: 'vector',
      v: { ['ab'.repeat(16)]: 12345 },
      forked: [],
      text: 'the channel id 0190f0a0-1111-7222-8333-944455556666 again',
    };
    const frames = [];
    for (let index = 0; index < 5; index++) frames.push(await encoder.encode({ ...message, n: index }));
    encoder.close();
    assert.deepEqual(
      await decodeAll(frames),
      [0, 1, 2, 3, 4].map((n) => ({ ...message, n })),
    );
    assert.ok(frames[4]!.length < frames[0]!.length / 3, `later frames are smaller: ${frames.map((frame) => frame.length)}`);
  });

  test('a message above 64 KiB is refused by the sender', async () => {
    const encoder = new FrameEncoder();
    await assert.rejects(encoder.encode({ text: 'x'.repeat(MAX_MESSAGE) }), FrameError);
    encoder.close();
  });

  test('garbage, an empty frame, and a frame inflating beyond 64 KiB are errors', async () => {
    const frame = (body: Buffer) => Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
    await assert.rejects(decodeAll([frame(randomBytes(200))]), FrameError);
    await assert.rejects(decodeAll([Buffer.from([0, 0])]), FrameError);
    const bomb = deflateRawSync(Buffer.alloc(1 << 20));
    assert.ok(bomb.length < 0xffff);
    await assert.rejects(decodeAll([frame(bomb)]), /inflates beyond/);
  });

  test('ops travel without hashes, seqs after the first, or UUIDs as text, and come back the same', () => {
    const origin = 'ab'.repeat(16);
    const ops = [1, 2, 3].map((seq) => ({
      origin,
      seq,
      hlc: (0x0190f0a0_0000 + seq).toString(16).padStart(12, '0') + '0001',
      author: '0190f0a0-1111-7222-8333-944455556666',
      type: 'post.created',
      entity: `0190f0a0-1111-7222-8333-94445555666${seq}`,
      bodyText: '{"channelId":"x","message":"hi","rootId":null}',
    }));
    const { origins, tuples } = packOps(ops);
    assert.deepEqual(
      tuples.map((tuple) => tuple[1]),
      [1, null, null],
    );
    assert.equal((tuples[0]![6] as Uint8Array).length, 16);
    assert.deepEqual(unpackOps({ t: 'ops', n: 1, o: origins, records: [], ops: tuples, heads: [] }), ops);
  });

  test('an invitation string round-trips, and a damaged one says so', () => {
    const invitation = {
      name: 'shore',
      fingerprint: 'cd'.repeat(32),
      secret: randomBytes(18).toString('base64url'),
      addresses: ['192.168.1.10:8444', '[fe80::1]:8444'],
    };
    const text = encodeInvitation(invitation);
    assert.ok(text.length < 160, `short enough for a small QR code: ${text.length}`);
    assert.deepEqual(decodeInvitation(text), invitation);
    assert.throws(() => decodeInvitation(text.slice(0, 30)), InvitationError);
    assert.throws(() => decodeInvitation('https://example.org'), InvitationError);
  });

  test('backoff grows to a minute and stays there, for ever', () => {
    const backoff = new Backoff(() => 1);
    const delays = Array.from({ length: 40 }, () => backoff.next());
    assert.equal(delays[0], 1000);
    assert.equal(Math.max(...delays), MAX_RETRY_MS);
    assert.equal(delays[39], MAX_RETRY_MS);
  });
});

describe('links between boxes', () => {
  const boxes: SyncBox[] = [];
  const box = async (name: string) => {
    const made = await startSyncBox(name);
    boxes.push(made);
    return made;
  };
  after(async () => {
    for (const made of boxes) await made.dispose();
  });

  const strangerCertificate = async (): Promise<NodeCertificate> => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return makeNodeCertificate('ef'.repeat(16), privateKey, publicKey);
  };

  const dial = (target: SyncBox, certificate: NodeCertificate): Promise<TLSSocket> =>
    new Promise((done, fail) => {
      const socket = connectTls({
        host: '127.0.0.1',
        port: target.service.port,
        cert: certificate.cert,
        key: certificate.key,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.3',
      });
      socket.once('secureConnect', () => done(socket));
      socket.once('error', fail);
    });

  const closed = (socket: TLSSocket) => new Promise<void>((done) => (socket.destroyed ? done() : socket.once('close', () => done())));

  test('an unknown key is refused before any frame is read, with one log line', async () => {
    const shore = await box('shore');
    const socket = await dial(shore, await strangerCertificate());
    // Nothing sent: the box hangs up on the handshake alone.
    await closed(socket);
    await until('the refusal logged', () => shore.logs.some((line) => line.includes('is not paired with this box')));
  });

  test('a pinned peer that answers with another key is not talked to', async () => {
    const boat = await box('boat');
    const impostor = await box('impostor');
    const real = await strangerCertificate();
    boat.service.peers.pin(real.fingerprint, 'shore', [impostor.address], Date.now());
    boat.service.refresh();
    await until('the changed key logged', () => boat.logs.some((line) => line.includes("another key than shore's pin")));
    assert.equal(boat.service.status()[0]!.link, 'down');
  });

  test('two paired boxes converge, both ways, and stay live', async () => {
    const a = await box('a');
    const b = await box('b');
    const onA = await a.setup();
    const onB = await b.setup();
    await a.postMany(
      onA.userId,
      onA.channelId,
      Array.from({ length: 300 }, (_, index) => `from a ${index}`),
    );
    await b.postMany(
      onB.userId,
      onB.channelId,
      Array.from({ length: 200 }, (_, index) => `from b ${index}`),
    );
    pinEachOther(a, b);
    await until('the catch-up', () => a.opCount() === b.opCount() && a.opCount() === 504);
    assert.equal(a.opLog(), b.opLog());
    await a.post(onA.userId, onA.channelId, 'live from a');
    await until('the live post', () => b.opCount() === 505);
    const [status] = a.service.status();
    assert.equal(status!.link, 'open');
    assert.ok(status!.bytes.sentTotal > 0);
    // Unpairing closes the link at once.
    a.service.unpair(b.writer.identity.nodeId);
    await until('the link down on b', () => b.service.status()[0]!.link !== 'open');
  });

  test(
    '10,000 malformed frames against a live link: each closes the link, nothing is applied, the box stays up',
    { timeout: 300_000 },
    async () => {
      const target = await box('target');
      const fuzzer = await box('fuzzer');
      pinEachOther(target, fuzzer);
      await until('the link', () => target.service.status()[0]?.link === 'open');
      // From here the fuzzer's own service stays away: the fuzz client speaks with its key instead.
      const certificate = await makeNodeCertificate(
        fuzzer.writer.identity.nodeId,
        fuzzer.writer.identity.privateKey,
        fuzzer.writer.identity.publicKey,
      );
      await fuzzer.stop();
      const before = target.opCount();
      const hello = { t: 'hello', v: PROTOCOL_VERSION, node: fuzzer.writer.identity.nodeId, name: 'fuzzer', caps: [] };
      const vector = { t: 'vector', v: {}, forked: [] };
      const origin = fuzzer.writer.identity.origin;
      const validOps = {
        t: 'ops',
        n: 1,
        o: [origin],
        records: [],
        ops: [[0, 1, 0x0190f0a00000, 0, null, 'post.created', randomBytes(16), '{"channelId":"x","message":"m","rootId":null}']],
        heads: [[0, 1, randomBytes(64)]],
      };
      const mutate = (value: unknown, depth = 0): unknown => {
        const pick = Math.random();
        if (Array.isArray(value) && depth < 4) return value.map((item) => (Math.random() < 0.3 ? mutate(item, depth + 1) : item));
        if (value && typeof value === 'object' && !(value instanceof Uint8Array) && depth < 4)
          return Object.fromEntries(
            Object.entries(value).map(([key, item]) => [key, Math.random() < 0.3 ? mutate(item, depth + 1) : item]),
          );
        if (pick < 0.2) return null;
        if (pick < 0.4) return -1;
        if (pick < 0.6) return 'x'.repeat(Math.floor(Math.random() * 300));
        if (pick < 0.8) return randomBytes(Math.floor(Math.random() * 70));
        return { nested: [value] };
      };
      const kinds = [
        () => randomBytes(1 + Math.floor(Math.random() * 300)), // raw garbage after the length
        () => deflateRawSync(randomBytes(50)), // deflate of something that is not MessagePack
        () => deflateRawSync(pack(mutate(Math.random() < 0.5 ? hello : validOps))), // schema failures
        () => deflateRawSync(pack({ ...hello, v: PROTOCOL_VERSION + 1 })), // wrong version
      ];
      const frame = (body: Buffer) => Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body.subarray(0, 0xffff)]);
      const TOTAL = Number(process.env.SYNC_FUZZ_FRAMES ?? 10_000);
      const PER_LINK = 50;
      let sent = 0;
      const started = Date.now();
      let links = 0;
      let hung = 0;
      while (sent < TOTAL) {
        const socket = await dial(target, certificate);
        socket.on('error', () => {});
        // Read what the box says (its HELLO and vector), or the end of the stream stays unseen.
        socket.resume();
        const gone = closed(socket);
        // Most links start well (HELLO and a vector, with the link's compression context), then
        // bad frames follow; the first bad one must close the link, the rest are never read. Some
        // links open with the bad frame, and some end with one cut short and a hang-up.
        const encoder = new FrameEncoder();
        const chunks: Buffer[] = [];
        if (links % 3 !== 0) chunks.push(await encoder.encode(hello), await encoder.encode(vector));
        encoder.close();
        for (let index = 0; index < PER_LINK && sent < TOTAL; index++, sent++) chunks.push(frame(kinds[sent % kinds.length]!()));
        const cut = links % 5 === 0;
        if (cut) chunks.push(frame(kinds[0]!()).subarray(0, 3));
        socket.write(Buffer.concat(chunks));
        if (cut) socket.end();
        const timer = setTimeout(() => {
          hung++;
          socket.destroy();
        }, 5000);
        await gone;
        clearTimeout(timer);
        links++;
      }
      assert.equal(hung, 0, 'the box closed every bad link itself');
      assert.ok(Date.now() - started < 280_000);
      assert.equal(target.opCount(), before, 'nothing applied');
      const refusals = target.logs.filter((line) => line.includes('bad input')).length;
      assert.ok(refusals > 0, 'bad frames are logged');
      // The box still syncs afterwards.
      const fresh = await box('fresh');
      pinEachOther(target, fresh);
      const onFresh = await fresh.setup();
      await fresh.post(onFresh.userId, onFresh.channelId, 'still alive');
      await until('sync after the fuzz', () => target.opCount() === before + 3);
    },
  );
});

describe('forks', () => {
  test(
    'a database copied to another box that wrote on its own is quarantined from that peer, and the links go on',
    { timeout: 60_000 },
    async () => {
      const { copyFileSync, mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const original = await startSyncBox('original');
      const { userId, channelId } = await original.setup();
      await original.post(userId, channelId, 'before the copy');
      // A raw copy of the database (not `hail restore`, which gives the copy a new origin).
      await original.writer.committer.drain();
      original.writer.db.pragma('wal_checkpoint(TRUNCATE)');
      const copyDir = mkdtempSync(join(tmpdir(), 'hail-sync-copy-'));
      copyFileSync(join(original.dir, 'hail.db'), join(copyDir, 'hail.db'));
      const copy = await startSyncBox('copy', copyDir);
      assert.equal(copy.writer.identity.origin, original.writer.identity.origin);
      await original.post(userId, channelId, 'written on the original');
      await copy.post(userId, channelId, 'written on the copy');
      const shore = await startSyncBox('shore');
      try {
        pinEachOther(shore, original);
        await until('the original on the shore', () => shore.opCount() === original.opCount());
        pinEachOther(shore, copy);
        await until('the fork in the status', () => shore.service.status().find((peer) => peer.name === 'copy')?.forks.length === 1);
        assert.equal(shore.opLog(), original.opLog(), 'nothing of the copy applied, nothing overwritten');
        await original.post(userId, channelId, 'the original goes on');
        await until('the original still syncing', () => shore.opCount() === original.opCount());
        assert.equal(shore.service.status().find((peer) => peer.name === 'copy')!.link, 'open');
        assert.ok(shore.logs.some((line) => line.includes('fork of origin')));
      } finally {
        await shore.dispose();
        await copy.dispose();
        await original.dispose();
      }
    },
  );
});
