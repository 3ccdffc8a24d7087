/**
 * Sync between boxes, with real processes: real servers on loopback, real mutual TLS on their
 * sync ports, paired through the API and the CLI as an administrator would.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { runHail } from './helpers/cli.js';
import { Client, newDataDir, removeDataDir, startHail, type HailProcess } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';
import { eventually, freePort } from './helpers/eventually.js';

const login = async (url: string, username: string, password: string) => {
  const client = new Client(url);
  const answer = await client.post('/api/v1/auth/login', { username, password });
  return answer.status === 200 ? client : undefined;
};

const ADMIN_PASSWORD = 'correct horse battery';

describe('two boxes paired on loopback', () => {
  let shore: World;
  let boat: HailProcess;
  let boatDir: string;
  let boatPort: number;
  let shorePort: number;
  let shoreAdminOnBoat: Client;

  before(async () => {
    [shorePort, boatPort] = [await freePort(), await freePort()];
    shore = await startWorld({ env: { HAIL_SYNC_PORT: String(shorePort), HAIL_BOX_NAME: 'shore' } });
    boatDir = newDataDir();
    boat = await startHail({ dataDir: boatDir, env: { HAIL_SYNC_PORT: String(boatPort), HAIL_BOX_NAME: 'boat' } });
  });

  after(async () => {
    if (process.env.SYNC_TEST_LOGS)
      writeFileSync(process.env.SYNC_TEST_LOGS, `SHORE\n${shore.hail.logs.join('\n')}\nBOAT\n${boat.logs.join('\n')}\n`);
    await boat?.stop();
    removeDataDir(boatDir);
    await shore?.dispose();
  });

  test('a box with no peers refuses a TLS client before reading a frame', async () => {
    const { connect } = await import('node:tls');
    const closed = await new Promise<string>((done) => {
      const socket = connect({ host: '127.0.0.1', port: shorePort, rejectUnauthorized: false });
      socket.on('secureConnect', () => socket.write(Buffer.from([0, 5, 1, 2, 3, 4, 5])));
      socket.on('error', (error) => done(`error ${error.message}`));
      socket.on('close', () => done('closed'));
    });
    assert.ok(closed);
    await eventually('the refusal in the log', async () => shore.hail.logs.some((line) => line.includes('is not paired with this box')));
  });

  test('a new box joins the fleet with hail peer add before setup, and pulls its history', async () => {
    const invite = await shore.admin.post('/api/v1/peers/invites', {});
    assert.equal(invite.status, 201);
    assert.match(invite.body.invitation, /^hail1:/);
    assert.match(invite.body.qrSvg, /<svg/);
    const added = await runHail(['peer', 'add', invite.body.invitation, '--data-dir', boatDir], 30000, { env: { HAIL_BOX_NAME: 'boat' } });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /paired with shore/);
    // The shore's administrator exists on the boat once the history arrived.
    shoreAdminOnBoat = await eventually('the shore admin to log in on the boat', () => login(boat.url, 'admin', ADMIN_PASSWORD));
    const peers = await shore.admin.get('/api/v1/peers');
    assert.equal(peers.status, 200);
    assert.equal(peers.body.peers.length, 1);
    assert.equal(peers.body.peers[0].name, 'boat');
    await eventually('the link to be open', async () => (await shore.admin.get('/api/v1/peers')).body.peers[0].link === 'open');
  });

  test('an invitation is used once', async () => {
    const invite = await shore.admin.post('/api/v1/peers/invites', {});
    const third = newDataDir();
    const box = await startHail({ dataDir: third });
    try {
      const first = await runHail(['peer', 'add', invite.body.invitation, '--data-dir', third]);
      assert.equal(first.code, 0, first.stderr);
      const again = await runHail(['peer', 'add', invite.body.invitation, '--data-dir', third]);
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /pairing failed/);
    } finally {
      await box.stop();
      removeDataDir(third);
      const peers = (await shore.admin.get('/api/v1/peers')).body.peers as { id: string; name: string }[];
      for (const peer of peers.filter((candidate) => candidate.name !== 'boat'))
        assert.equal((await shore.admin.request('DELETE', `/api/v1/peers/${peer.id}`)).status, 204);
    }
  });

  test('a post on the shore reaches a WebSocket client on the boat live', async () => {
    const socket = await shoreAdminOnBoat.socket();
    await socket.resume(0);
    const before = socket.events().length;
    const sent = await shore.admin.post(`/api/v1/channels/${shore.team.defaultChannelId}/posts`, {
      message: 'wind backing south-west, 25 knots',
    });
    assert.equal(sent.status, 201);
    const event = await socket.until(
      (frames) =>
        frames
          .filter((frame) => frame.type === 'event')
          .slice(before)
          .find((frame) => frame.event.data?.message === 'wind backing south-west, 25 knots' || frame.event.id === sent.body.post?.id),
      10000,
    );
    assert.ok(event);
    await socket.close();
  });

  test('after a partition in which both wrote, both hold the same posts', async () => {
    await boat.stop();
    for (let index = 0; index < 20; index++)
      await shore.admin.post(`/api/v1/channels/${shore.team.defaultChannelId}/posts`, { message: `shore ${index}` });
    boat = await startHail({ dataDir: boatDir, env: { HAIL_SYNC_PORT: String(boatPort), HAIL_BOX_NAME: 'boat' } });
    await shore.stop();
    const boatAdmin = (await login(boat.url, 'admin', ADMIN_PASSWORD))!;
    for (let index = 0; index < 20; index++)
      assert.equal(
        (await boatAdmin.post(`/api/v1/channels/${shore.team.defaultChannelId}/posts`, { message: `boat ${index}` })).status,
        201,
      );
    const restarted = await startHail({ dataDir: shore.hail.dataDir, env: { HAIL_SYNC_PORT: String(shorePort), HAIL_BOX_NAME: 'shore' } });
    try {
      const shoreAdmin = (await login(restarted.url, 'admin', ADMIN_PASSWORD))!;
      const page = async (client: Client) =>
        (
          (await client.get(`/api/v1/channels/${shore.team.defaultChannelId}/posts?limit=200`)).body.posts as {
            id: string;
            message: string;
          }[]
        )
          .map((post) => `${post.id} ${post.message}`)
          .join('\n');
      await eventually('both boxes to hold the same posts', async () => {
        const [a, b] = [await page(shoreAdmin), await page(boatAdmin)];
        return a.includes('boat 19') && b.includes('shore 19') && a === b;
      });
      // The status agrees: nothing waits either way, and the link's bytes are counted.
      const peer = await eventually('the status to show nothing waiting', async () => {
        const [status] = (await shoreAdmin.get('/api/v1/peers')).body.peers;
        return status.link === 'open' && status.opsToSend === 0 && status.opsToReceive === 0 && status;
      });
      assert.ok(peer.bytes.sentTotal > 0 && peer.bytes.receivedTotal > 0 && peer.bytes.sentToday > 0);
      assert.deepEqual(peer.forks, []);
    } finally {
      await restarted.stop();
    }
  });
});
