/**
 * A new box joins a fleet at its first start (POST /api/v1/setup/join) instead of creating an
 * administrator: two real servers on loopback with real TLS between their sync ports.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { Client, removeDataDir, startHail, type HailProcess } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

let fleet: World;
let box: HailProcess;

before(async () => {
  fleet = await startWorld({ env: { HAIL_BOX_NAME: 'shore' } });
  box = await startHail({ env: { HAIL_BOX_NAME: 'boat' } });
});

after(async () => {
  await box?.stop();
  if (box) removeDataDir(box.dataDir);
  await fleet?.dispose();
});

test("a box set up by joining pairs, pulls the history, and the fleet's accounts log in there", async () => {
  const { client: alice } = await fleet.join('alice');
  const posted = await alice.post(`/api/v1/channels/${fleet.team.defaultChannelId}/posts`, { message: 'made on the shore' });
  assert.equal(posted.status, 201, JSON.stringify(posted.body));
  const { invitation } = (await fleet.admin.post('/api/v1/peers/invites', {})).body as { invitation: string };

  const stranger = new Client(box.url);
  assert.equal((await stranger.get('/api/v1/setup')).body.needed, true);
  const wrongCode = await stranger.post('/api/v1/setup/join', { code: 'NOT-THE-CODE', invitation });
  assert.equal(wrongCode.status, 403);
  assert.equal(wrongCode.body.error.code, 'invalid_setup_code');
  const damaged = await stranger.post('/api/v1/setup/join', { code: box.setupCode(), invitation: 'hail1:garbage' });
  assert.equal(damaged.status, 400);
  assert.equal(damaged.body.error.code, 'invitation_invalid');

  const code = box.setupCode();
  const joined = await stranger.post('/api/v1/setup/join', { code, invitation });
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  assert.equal(joined.body.peer.name, 'shore');
  assert.equal(joined.body.accountsArrived, true);
  assert.equal((await stranger.get('/api/v1/setup')).body.needed, false);
  const own = { code, username: 'mallory', password: 'a long password', displayName: 'M', teamName: 'm', teamDisplayName: 'M' };
  const again = await stranger.post('/api/v1/setup', own);
  assert.equal(again.status, 403, 'no administrator of its own once joined');

  const aliceOnBoat = new Client(box.url);
  const deadline = Date.now() + 20000;
  let messages: string[] = [];
  assert.equal((await aliceOnBoat.post('/api/v1/auth/login', { username: 'alice', password: 'password of alice' })).status, 200);
  while (Date.now() < deadline && !messages.includes('made on the shore')) {
    const page = await aliceOnBoat.get(`/api/v1/channels/${fleet.team.defaultChannelId}/posts`);
    messages = ((page.body?.posts ?? []) as { message: string }[]).map((post) => post.message);
    if (!messages.includes('made on the shore')) await new Promise((done) => setTimeout(done, 100));
  }
  assert.ok(messages.includes('made on the shore'), `the shore's history on the boat: ${JSON.stringify(messages)}`);
});
