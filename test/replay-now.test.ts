/**
 * A replay shows what a post is now. `resume {since:0}` used to replay each `post.created` with
 * the text it was written with: a deleted post's text came back, also to people added to a
 * private channel after the delete, and an edited post's first text too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import { startWorld } from './helpers/world.js';

test('resume replays a deleted post as a tombstone and an edited post with its current text, also to someone added later', async () => {
  const world = await startWorld();
  try {
    const channel = (
      await world.admin.post('/api/v1/channels', { teamId: world.team.id, type: 'private', name: 'plans', displayName: 'Plans' })
    ).body.channel.id;
    const post = async (message: string) => {
      const posted = await world.admin.post(`/api/v1/channels/${channel}/posts`, { id: uuidv7(), message });
      assert.equal(posted.status, 201);
      return posted.body.post.id as string;
    };
    const deleted = await post('the deleted secret');
    const edited = await post('the first draft');
    assert.equal((await world.admin.patch(`/api/v1/posts/${edited}`, { message: 'the second draft' })).status, 200);
    assert.equal((await world.admin.patch(`/api/v1/posts/${edited}`, { message: 'the final text' })).status, 200);
    assert.equal((await world.admin.delete(`/api/v1/posts/${deleted}`)).status, 204);
    const kept = await post('still here');

    const bosun = await world.join('bosun');
    assert.equal((await world.admin.post(`/api/v1/channels/${channel}/members`, { userId: bosun.id })).status, 204);

    for (const [who, client] of [
      ['the author', world.admin],
      ['someone added after the delete', bosun.client],
    ] as const) {
      const socket = await client.socket();
      await socket.resume(0);
      const events = socket.events().map((frame) => frame.event);
      const text = JSON.stringify(events);
      for (const gone of ['the deleted secret', 'the first draft', 'the second draft'])
        assert.ok(!text.includes(gone), `${who} was replayed "${gone}"`);
      const created = (id: string) => events.find((event) => event.type === 'post.created' && event.id === id);
      assert.deepEqual(
        { message: created(deleted).data.message, deleted: created(deleted).data.deleted, files: created(deleted).data.files },
        { message: '', deleted: true, files: [] },
        who,
      );
      assert.ok(
        events.some((event) => event.type === 'post.deleted' && event.id === deleted),
        who,
      );
      assert.equal(created(edited).data.message, 'the final text', who);
      for (const edit of events.filter((event) => event.type === 'post.edited')) assert.equal(edit.data.message, 'the final text', who);
      assert.equal(created(kept).data.message, 'still here', who);
      await socket.close();
    }
  } finally {
    await world.dispose();
  }
});
