/**
 * Two boxes set up on their own, each with an `admin`, an `alice` and a team `crew`, then
 * paired: the merge settles the clashes, and the people concerned and the administrators are
 * told (GET /api/v1/me and GET /api/v1/status), the same on both boxes.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { Client } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

interface Clash {
  kind: string;
  id: string;
  requested: string;
  name: string;
}

let first: World;
let second: World;

before(async () => {
  first = await startWorld({ env: { HAIL_BOX_NAME: 'first' } });
  second = await startWorld({ env: { HAIL_BOX_NAME: 'second' } });
});

after(async () => {
  await first?.dispose();
  await second?.dispose();
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

const clashesOf = async (client: Client): Promise<Clash[]> => (await client.get('/api/v1/me')).body.nameClashes;

test('a merge that settles two alices and two teams crew tells the people renamed and the administrators', async () => {
  const aliceOnFirst = (await first.join('alice')).client;
  const aliceOnSecond = (await second.join('alice')).client;
  assert.deepEqual(await clashesOf(aliceOnFirst), [], 'no notice before any merge');
  assert.deepEqual((await first.admin.get('/api/v1/status')).body.nameClashes, []);

  const { invitation } = (await first.admin.post('/api/v1/peers/invites', {})).body as { invitation: string };
  assert.equal((await second.admin.post('/api/v1/peers', { invitation })).status, 201);

  // Both alices are on both boxes once the histories met: one keeps the name, the other is told.
  const [renamed, kept] = await eventually('the alices to settle', async () => {
    const mine = await Promise.all([clashesOf(aliceOnFirst), clashesOf(aliceOnSecond)]);
    const user = mine.map((list) => list.find((clash) => clash.kind === 'user'));
    if (user[0] && !user[1]) return [mine[0]!, mine[1]!];
    if (user[1] && !user[0]) return [mine[1]!, mine[0]!];
    return undefined;
  });
  const own = renamed.find((clash) => clash.kind === 'user')!;
  assert.equal(own.requested, 'alice');
  assert.match(own.name, /^alice-[0-9a-f]{6}$/);
  // Each alice is in her own box's team crew: the one whose team lost the name is told of that too.
  assert.equal([...renamed, ...kept].filter((clash) => clash.kind === 'team' && clash.requested === 'crew').length, 1);

  const renamedAlice = new Client(first.hail.url);
  const login = await renamedAlice.post('/api/v1/auth/login', { username: own.name, password: 'password of alice' });
  assert.equal(login.status, 200, 'logs in by her new name');

  const expected = (clashes: Clash[]) => clashes.map((clash) => `${clash.kind} ${clash.requested} ${clash.name}`).sort();
  const onFirst = await eventually('the admin status to list the clashes', async () => {
    const list = (await first.admin.get('/api/v1/status')).body.nameClashes as Clash[];
    return list.some((clash) => clash.kind === 'user' && clash.requested === 'admin') ? list : undefined;
  });
  const kinds = new Set(onFirst.map((clash) => `${clash.kind} ${clash.requested}`));
  for (const settled of ['user admin', 'user alice', 'team crew'])
    assert.ok(kinds.has(settled), `${settled} in ${JSON.stringify(onFirst)}`);
  assert.ok(onFirst.every((clash) => clash.name.startsWith(`${clash.requested}-`)));
  assert.deepEqual(expected((await second.admin.get('/api/v1/status')).body.nameClashes), expected(onFirst), 'the same on both boxes');
});
