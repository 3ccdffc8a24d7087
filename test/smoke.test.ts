import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld } from './helpers/world.js';

test('an admin sets up the box, invites a member, and they chat through REST and WebSocket', async () => {
  const world = await startWorld();
  try {
    const alice = await world.join('alice');
    const socket = await alice.client.socket();
    const hello = await socket.next('hello');
    await socket.resume(hello.feedSeq);
    const general = world.team.defaultChannelId;
    const sent = await world.admin.post(`/api/v1/channels/${general}/posts`, { message: 'Welcome aboard @alice' });
    assert.equal(sent.status, 201);
    const event = await socket.until((frames) => frames.find((frame) => frame.type === 'event' && frame.event.type === 'post.created'));
    assert.equal(event.event.data.message, 'Welcome aboard @alice');
    const channels = await alice.client.get('/api/v1/channels');
    const row = channels.body.channels.find((channel: any) => channel.id === general);
    assert.equal(row.unread, 1);
    assert.equal(row.mentions, 1);
    await socket.close();
  } finally {
    await world.dispose();
  }
});
