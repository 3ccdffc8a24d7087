/**
 * Teams and channels over real HTTP: creating and renaming teams, team membership and what it
 * does to channels, public and private channels, joining, leaving, members, settings,
 * archiving, browsing a team's channels, and direct and group conversations.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import type { ApiResponse, Client } from './helpers/server.js';
import { startWorld, type World } from './helpers/world.js';

function assertError(response: ApiResponse, status: number, code: string): void {
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status} ${JSON.stringify(response.body)}`);
  assert.equal(response.body?.error?.code, code);
  assert.equal(typeof response.body.error.message, 'string');
}

const ids = (rows: { id: string }[]): string[] => rows.map((row) => row.id);

describe('teams and channels', () => {
  let world: World;
  let alice: { client: Client; id: string };
  let bob: { client: Client; id: string };
  let guest: { client: Client; id: string };
  let counter = 0;
  /** A fresh channel name, so no test depends on another's channels. */
  const fresh = (prefix: string) => `${prefix}-${++counter}`;

  before(async () => {
    world = await startWorld();
    alice = await world.join('alice');
    bob = await world.join('bob');
    guest = await world.join('gwen', 'guest');
  });
  after(async () => {
    await world.dispose();
  });

  const createChannel = async (client: Client, type: 'public' | 'private', name = fresh(type), extra: Record<string, unknown> = {}) => {
    const made = await client.post('/api/v1/channels', { teamId: world.team.id, type, name, displayName: `Channel ${name}`, ...extra });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return made.body.channel as { id: string; name: string; type: string; [key: string]: unknown };
  };
  const myChannelIds = async (client: Client) => ids((await client.get('/api/v1/channels')).body.channels);
  const send = (client: Client, channelId: string, message: string) => client.post(`/api/v1/channels/${channelId}/posts`, { message });

  describe('teams', () => {
    test('an admin creates a team with its default channel general, and is in both', async () => {
      const made = await world.admin.post('/api/v1/teams', { name: 'shore', displayName: 'Shore Club' });
      assert.equal(made.status, 201);
      const team = made.body.team;
      assert.equal(team.name, 'shore');
      assert.equal(team.displayName, 'Shore Club');
      const general = await world.admin.get(`/api/v1/channels/${team.defaultChannelId}`);
      assert.equal(general.status, 200);
      assert.equal(general.body.channel.name, 'general');
      assert.equal(general.body.channel.teamId, team.id);
      assert.equal(general.body.channel.type, 'public');
      const teams = await world.admin.get('/api/v1/teams');
      assert.equal(teams.body.teams.find((row: any) => row.id === team.id).member, true);
      assert.ok((await myChannelIds(world.admin)).includes(team.defaultChannelId));
      const members = await world.admin.get(`/api/v1/teams/${team.id}/members`);
      assert.deepEqual(
        members.body.members.map((member: any) => member.username),
        ['admin'],
      );
    });

    test('a member cannot create a team', async () => {
      assertError(await alice.client.post('/api/v1/teams', { name: 'rebels', displayName: 'Rebels' }), 403, 'admin_only');
      const teams = await world.admin.get('/api/v1/teams');
      assert.ok(!teams.body.teams.some((team: any) => team.name === 'rebels'));
    });

    test('a team name that is taken is refused with 409', async () => {
      assertError(await world.admin.post('/api/v1/teams', { name: 'crew', displayName: 'Another Crew' }), 409, 'team_name_taken');
    });

    test('a retried team creation with the same client-minted id makes one team', async () => {
      const id = uuidv7();
      const first = await world.admin.post('/api/v1/teams', { id, name: 'retry-team', displayName: 'Retry' });
      const second = await world.admin.post('/api/v1/teams', { id, name: 'retry-team', displayName: 'Retry' });
      assert.equal(first.status, 201);
      assert.equal(second.status, 200);
      assert.equal(second.body.team.id, id);
      assert.equal(second.body.team.defaultChannelId, first.body.team.defaultChannelId);
      const teams = await world.admin.get('/api/v1/teams');
      assert.equal(teams.body.teams.filter((team: any) => team.name === 'retry-team').length, 1);
    });

    test('an admin renames a team; a member cannot', async () => {
      const made = await world.admin.post('/api/v1/teams', { name: 'renamed', displayName: 'Old Name' });
      const renamed = await world.admin.patch(`/api/v1/teams/${made.body.team.id}`, { displayName: 'New Name' });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.team.displayName, 'New Name');
      assert.equal(renamed.body.team.name, 'renamed');
      assertError(await alice.client.patch(`/api/v1/teams/${world.team.id}`, { displayName: 'Alice Rules' }), 403, 'admin_only');
      assert.equal((await alice.client.get(`/api/v1/teams/${world.team.id}`)).body.team.displayName, 'The Crew');
    });

    test('a user added to a team sees it and is in its default channel', async () => {
      const made = (await world.admin.post('/api/v1/teams', { name: 'racing', displayName: 'Racing' })).body.team;
      assertError(await bob.client.get(`/api/v1/teams/${made.id}`), 404, 'team_not_found');
      const added = await world.admin.post(`/api/v1/teams/${made.id}/members`, { userId: bob.id });
      assert.equal(added.status, 204);
      const teams = await bob.client.get('/api/v1/teams');
      assert.deepEqual(teams.body.teams.map((team: any) => team.name).sort(), ['crew', 'racing']);
      assert.ok((await myChannelIds(bob.client)).includes(made.defaultChannelId));
      const members = await bob.client.get(`/api/v1/teams/${made.id}/members`);
      assert.deepEqual(
        members.body.members.map((member: any) => member.username),
        ['admin', 'bob'],
      );
      assert.equal((await send(bob.client, made.defaultChannelId, 'Ready to race')).status, 201);
    });

    test('only an admin adds people to a team', async () => {
      const made = (await world.admin.post('/api/v1/teams', { name: 'closed', displayName: 'Closed' })).body.team;
      assertError(await alice.client.post(`/api/v1/teams/${made.id}/members`, { userId: alice.id }), 403, 'admin_only');
      assert.equal((await alice.client.get('/api/v1/teams')).body.teams.length, 1);
    });

    test('a user removed from a team leaves all of its channels', async () => {
      const made = (await world.admin.post('/api/v1/teams', { name: 'cruising', displayName: 'Cruising' })).body.team;
      await world.admin.post(`/api/v1/teams/${made.id}/members`, { userId: alice.id });
      const side = (
        await alice.client.post('/api/v1/channels', { teamId: made.id, type: 'public', name: 'anchorages', displayName: 'Anchorages' })
      ).body.channel;
      assert.ok((await myChannelIds(alice.client)).includes(side.id));
      const removed = await world.admin.delete(`/api/v1/teams/${made.id}/members/${alice.id}`);
      assert.equal(removed.status, 204);
      const mine = await myChannelIds(alice.client);
      assert.ok(!mine.includes(made.defaultChannelId));
      assert.ok(!mine.includes(side.id));
      assertError(await alice.client.get(`/api/v1/teams/${made.id}`), 404, 'team_not_found');
      assertError(await send(alice.client, made.defaultChannelId, 'still here?'), 404, 'channel_not_found');
    });

    test('a user leaves a team by themselves, and with it its channels', async () => {
      const made = (await world.admin.post('/api/v1/teams', { name: 'divers', displayName: 'Divers' })).body.team;
      await world.admin.post(`/api/v1/teams/${made.id}/members`, { userId: bob.id });
      const left = await bob.client.delete(`/api/v1/teams/${made.id}/members/${bob.id}`);
      assert.equal(left.status, 204);
      assert.ok(!(await myChannelIds(bob.client)).includes(made.defaultChannelId));
      assert.ok(!(await bob.client.get('/api/v1/teams')).body.teams.some((team: any) => team.id === made.id));
      const members = await world.admin.get(`/api/v1/teams/${made.id}/members`);
      assert.deepEqual(
        members.body.members.map((member: any) => member.username),
        ['admin'],
      );
    });

    test('a member cannot remove someone else from a team', async () => {
      assertError(await alice.client.delete(`/api/v1/teams/${world.team.id}/members/${bob.id}`), 403, 'admin_only');
      assert.ok((await myChannelIds(bob.client)).includes(world.team.defaultChannelId));
    });
  });

  describe('channels', () => {
    test('a member creates a public channel and is its first member', async () => {
      const channel = await createChannel(alice.client, 'public', fresh('weather'), { header: 'GRIBs here', purpose: 'Forecasts' });
      assert.equal(channel.type, 'public');
      assert.equal(channel.teamId, world.team.id);
      assert.equal(channel.header, 'GRIBs here');
      assert.equal(channel.purpose, 'Forecasts');
      assert.equal(channel.creatorId, alice.id);
      assert.equal(channel.archived, false);
      const members = await alice.client.get(`/api/v1/channels/${channel.id}/members`);
      assert.deepEqual(
        members.body.members.map((member: any) => member.username),
        ['alice'],
      );
      assert.ok((await myChannelIds(alice.client)).includes(channel.id));
    });

    test('a private channel is invisible to team members who are not in it', async () => {
      const channel = await createChannel(alice.client, 'private');
      assert.equal(channel.type, 'private');
      assertError(await bob.client.get(`/api/v1/channels/${channel.id}`), 404, 'channel_not_found');
      assertError(await bob.client.get(`/api/v1/channels/${channel.id}/posts`), 404, 'channel_not_found');
      assertError(await bob.client.get(`/api/v1/channels/${channel.id}/members`), 404, 'channel_not_found');
    });

    test('a channel name already in the team is refused with 409 channel_name_taken', async () => {
      const name = fresh('galley');
      await createChannel(alice.client, 'public', name);
      assertError(
        await bob.client.post('/api/v1/channels', { teamId: world.team.id, type: 'private', name, displayName: 'Galley too' }),
        409,
        'channel_name_taken',
      );
      assertError(
        await bob.client.post('/api/v1/channels', { teamId: world.team.id, type: 'public', name: 'general', displayName: 'General 2' }),
        409,
        'channel_name_taken',
      );
    });

    test('a retried channel creation with the same client-minted id is harmless', async () => {
      const id = uuidv7();
      const name = fresh('retry');
      const body = { id, teamId: world.team.id, type: 'public', name, displayName: 'Retry' };
      const first = await alice.client.post('/api/v1/channels', body);
      const second = await alice.client.post('/api/v1/channels', body);
      assert.equal(first.status, 201);
      assert.equal(second.status, 200);
      assert.equal(second.body.channel.id, id);
      assert.equal(second.body.channel.name, name);
      const browse = await alice.client.get(`/api/v1/teams/${world.team.id}/channels`);
      assert.equal(browse.body.channels.filter((channel: any) => channel.name === name || channel.name.startsWith(`${name}-`)).length, 1);
    });

    test("someone else's channel id cannot be reused", async () => {
      const channel = await createChannel(alice.client, 'public');
      const stolen = await bob.client.post('/api/v1/channels', {
        id: channel.id,
        teamId: world.team.id,
        type: 'public',
        name: fresh('stolen'),
        displayName: 'Stolen',
      });
      assertError(stolen, 409, 'channel_id_taken');
      assert.equal((await bob.client.get(`/api/v1/channels/${channel.id}`)).body.channel.creatorId, alice.id);
    });

    test('a guest cannot create channels', async () => {
      assertError(
        await guest.client.post('/api/v1/channels', {
          teamId: world.team.id,
          type: 'public',
          name: fresh('guesty'),
          displayName: 'Guesty',
        }),
        403,
        'guest_not_allowed',
      );
    });

    test('a member joins and leaves a public channel', async () => {
      const channel = await createChannel(alice.client, 'public');
      const joined = await bob.client.post(`/api/v1/channels/${channel.id}/join`);
      assert.equal(joined.status, 200);
      assert.equal(joined.body.channel.id, channel.id);
      assert.ok((await myChannelIds(bob.client)).includes(channel.id));
      assert.equal((await send(bob.client, channel.id, 'Hello from bob')).status, 201);
      const left = await bob.client.post(`/api/v1/channels/${channel.id}/leave`);
      assert.equal(left.status, 204);
      assert.ok(!(await myChannelIds(bob.client)).includes(channel.id));
      assertError(await send(bob.client, channel.id, 'after leaving'), 403, 'not_channel_member');
    });

    test('joining a public channel twice is harmless', async () => {
      const channel = await createChannel(alice.client, 'public');
      assert.equal((await bob.client.post(`/api/v1/channels/${channel.id}/join`)).status, 200);
      assert.equal((await bob.client.post(`/api/v1/channels/${channel.id}/join`)).status, 200);
      const members = await alice.client.get(`/api/v1/channels/${channel.id}/members`);
      assert.deepEqual(
        members.body.members.map((member: any) => member.username),
        ['alice', 'bob'],
      );
    });

    test('nobody joins a private channel by themselves', async () => {
      const channel = await createChannel(alice.client, 'private');
      // 404, not 403: a private channel's existence is not revealed to those outside it.
      assertError(await bob.client.post(`/api/v1/channels/${channel.id}/join`), 404, 'channel_not_found');
      const members = await alice.client.get(`/api/v1/channels/${channel.id}/members`);
      assert.deepEqual(
        members.body.members.map((member: any) => member.username),
        ['alice'],
      );
    });

    test('a guest cannot join a public channel by themselves', async () => {
      const channel = await createChannel(alice.client, 'public');
      assertError(await guest.client.post(`/api/v1/channels/${channel.id}/join`), 404, 'channel_not_found');
      assert.ok(!(await myChannelIds(guest.client)).includes(channel.id));
    });

    test('a member of a private channel adds and removes people', async () => {
      const channel = await createChannel(alice.client, 'private');
      assert.equal((await alice.client.post(`/api/v1/channels/${channel.id}/members`, { userId: bob.id })).status, 204);
      assert.equal((await bob.client.get(`/api/v1/channels/${channel.id}`)).status, 200);
      assert.equal((await send(bob.client, channel.id, 'Thanks for the invite')).status, 201);
      const members = await bob.client.get(`/api/v1/channels/${channel.id}/members`);
      assert.deepEqual(
        members.body.members.map((member: any) => member.username),
        ['alice', 'bob'],
      );
      assert.equal((await alice.client.delete(`/api/v1/channels/${channel.id}/members/${bob.id}`)).status, 204);
      assertError(await bob.client.get(`/api/v1/channels/${channel.id}`), 404, 'channel_not_found');
      assertError(await send(bob.client, channel.id, 'let me back in'), 404, 'channel_not_found');
      assert.ok(!(await myChannelIds(bob.client)).includes(channel.id));
    });

    test('an outsider cannot add people to a private channel', async () => {
      const channel = await createChannel(alice.client, 'private');
      assertError(await bob.client.post(`/api/v1/channels/${channel.id}/members`, { userId: bob.id }), 404, 'channel_not_found');
      const members = await alice.client.get(`/api/v1/channels/${channel.id}/members`);
      assert.deepEqual(
        members.body.members.map((member: any) => member.username),
        ['alice'],
      );
    });

    test('a guest added to a channel reads it and posts there', async () => {
      const channel = await createChannel(alice.client, 'public');
      assert.equal((await alice.client.post(`/api/v1/channels/${channel.id}/members`, { userId: guest.id })).status, 204);
      assert.equal((await guest.client.get(`/api/v1/channels/${channel.id}`)).status, 200);
      assert.equal((await send(guest.client, channel.id, 'Hi, guest here')).status, 201);
    });

    test('a public channel member who is not its creator cannot remove others', async () => {
      const channel = await createChannel(alice.client, 'public');
      await bob.client.post(`/api/v1/channels/${channel.id}/join`);
      await alice.client.post(`/api/v1/channels/${channel.id}/members`, { userId: guest.id });
      assertError(await bob.client.delete(`/api/v1/channels/${channel.id}/members/${guest.id}`), 403, 'not_allowed');
      assert.equal((await world.admin.delete(`/api/v1/channels/${channel.id}/members/${guest.id}`)).status, 204);
      const members = await alice.client.get(`/api/v1/channels/${channel.id}/members`);
      assert.deepEqual(
        members.body.members.map((member: any) => member.username),
        ['alice', 'bob'],
      );
    });

    test("nobody leaves a team's default channel", async () => {
      assertError(await bob.client.post(`/api/v1/channels/${world.team.defaultChannelId}/leave`), 400, 'default_channel');
      assertError(await world.admin.delete(`/api/v1/channels/${world.team.defaultChannelId}/members/${bob.id}`), 400, 'default_channel');
      assert.ok((await myChannelIds(bob.client)).includes(world.team.defaultChannelId));
    });

    test('a member changes a channel’s name, display name, header and purpose', async () => {
      const channel = await createChannel(alice.client, 'public');
      await bob.client.post(`/api/v1/channels/${channel.id}/join`);
      const newName = fresh('renamed');
      const changed = await bob.client.patch(`/api/v1/channels/${channel.id}`, {
        name: newName,
        displayName: 'Renamed',
        header: 'New header',
        purpose: 'New purpose',
      });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.channel.name, newName);
      assert.equal(changed.body.channel.displayName, 'Renamed');
      assert.equal(changed.body.channel.header, 'New header');
      assert.equal(changed.body.channel.purpose, 'New purpose');
      const headerOnly = await alice.client.patch(`/api/v1/channels/${channel.id}`, { header: 'Only the header' });
      assert.equal(headerOnly.body.channel.header, 'Only the header');
      assert.equal(headerOnly.body.channel.name, newName);
      assert.equal(headerOnly.body.channel.purpose, 'New purpose');
      // The old name is free again.
      await createChannel(alice.client, 'public', channel.name);
    });

    test('a channel cannot be renamed to a name the team already uses', async () => {
      const first = await createChannel(alice.client, 'public');
      const second = await createChannel(alice.client, 'public');
      assertError(await alice.client.patch(`/api/v1/channels/${second.id}`, { name: first.name }), 409, 'channel_name_taken');
      assert.equal((await alice.client.get(`/api/v1/channels/${second.id}`)).body.channel.name, second.name);
    });

    test('a guest or a non-member cannot change a channel’s settings', async () => {
      const channel = await createChannel(alice.client, 'public');
      await alice.client.post(`/api/v1/channels/${channel.id}/members`, { userId: guest.id });
      assertError(await guest.client.patch(`/api/v1/channels/${channel.id}`, { header: 'guest was here' }), 403, 'not_channel_manager');
      assertError(await bob.client.patch(`/api/v1/channels/${channel.id}`, { header: 'bob was here' }), 403, 'not_channel_manager');
      assert.equal((await alice.client.get(`/api/v1/channels/${channel.id}`)).body.channel.header, '');
    });

    test('an archived channel stays readable but refuses posts, and unarchiving restores it', async () => {
      const channel = await createChannel(alice.client, 'public');
      await bob.client.post(`/api/v1/channels/${channel.id}/join`);
      const before = await send(bob.client, channel.id, 'Before the archive');
      assert.equal(before.status, 201);
      const archived = await alice.client.post(`/api/v1/channels/${channel.id}/archive`);
      assert.equal(archived.status, 200);
      assert.equal(archived.body.channel.archived, true);
      assertError(await send(bob.client, channel.id, 'During the archive'), 403, 'channel_archived');
      assertError(
        await bob.client.patch(`/api/v1/posts/${before.body.post.id}`, { message: 'edited while archived' }),
        403,
        'channel_archived',
      );
      assertError(await bob.client.put(`/api/v1/posts/${before.body.post.id}/reactions/anchor`), 403, 'channel_archived');
      const history = await bob.client.get(`/api/v1/channels/${channel.id}/posts`);
      assert.equal(history.status, 200);
      assert.deepEqual(
        history.body.posts.map((post: any) => post.message),
        ['Before the archive'],
      );
      const unarchived = await alice.client.post(`/api/v1/channels/${channel.id}/unarchive`);
      assert.equal(unarchived.status, 200);
      assert.equal(unarchived.body.channel.archived, false);
      assert.equal((await send(bob.client, channel.id, 'After the archive')).status, 201);
    });

    test('only an admin or the creator archives a channel', async () => {
      const channel = await createChannel(alice.client, 'public');
      await bob.client.post(`/api/v1/channels/${channel.id}/join`);
      assertError(await bob.client.post(`/api/v1/channels/${channel.id}/archive`), 403, 'not_channel_manager');
      assert.equal((await world.admin.post(`/api/v1/channels/${channel.id}/archive`)).body.channel.archived, true);
      assertError(await bob.client.post(`/api/v1/channels/${channel.id}/unarchive`), 403, 'not_channel_manager');
      assert.equal((await alice.client.post(`/api/v1/channels/${channel.id}/unarchive`)).body.channel.archived, false);
    });

    test("a team's default channel cannot be archived", async () => {
      assertError(await world.admin.post(`/api/v1/channels/${world.team.defaultChannelId}/archive`), 400, 'default_channel');
      assert.equal((await world.admin.get(`/api/v1/channels/${world.team.defaultChannelId}`)).body.channel.archived, false);
    });

    test("browsing a team's channels shows public ones to join and only one's own private ones", async () => {
      const open = await createChannel(alice.client, 'public');
      const secret = await createChannel(alice.client, 'private');
      const bobs = await createChannel(bob.client, 'private');
      const browse = await bob.client.get(`/api/v1/teams/${world.team.id}/channels`);
      assert.equal(browse.status, 200);
      const byId = new Map<string, any>(browse.body.channels.map((channel: any) => [channel.id, channel]));
      assert.equal(byId.get(open.id)?.member, false);
      assert.equal(byId.get(bobs.id)?.member, true);
      assert.equal(byId.get(world.team.defaultChannelId)?.member, true);
      assert.equal(byId.has(secret.id), false);
      for (const channel of browse.body.channels)
        assert.ok(channel.type === 'public' || channel.member, `${channel.name} should not be listed`);
    });

    test("a guest's browse list shows only the channels it is in", async () => {
      await createChannel(alice.client, 'public');
      const browse = await guest.client.get(`/api/v1/teams/${world.team.id}/channels`);
      assert.equal(browse.status, 200);
      assert.ok(browse.body.channels.length >= 1);
      for (const channel of browse.body.channels) assert.equal(channel.member, true);
    });

    test('browsing a team one is not in is 404', async () => {
      const made = (await world.admin.post('/api/v1/teams', { name: 'secret-team', displayName: 'Secret' })).body.team;
      assertError(await bob.client.get(`/api/v1/teams/${made.id}/channels`), 404, 'team_not_found');
    });
  });

  describe('direct and group conversations', () => {
    test('opening a direct conversation twice, from either side, gives the same channel', async () => {
      const first = await alice.client.post('/api/v1/channels/direct', { userId: bob.id });
      assert.equal(first.status, 201);
      assert.equal(first.body.channel.type, 'direct');
      assert.equal(first.body.channel.teamId, null);
      assert.deepEqual(first.body.channel.memberIds, [alice.id, bob.id].sort());
      const second = await alice.client.post('/api/v1/channels/direct', { userId: bob.id });
      assert.equal(second.body.channel.id, first.body.channel.id);
      const fromBob = await bob.client.post('/api/v1/channels/direct', { userId: alice.id });
      assert.equal(fromBob.body.channel.id, first.body.channel.id);
      assert.equal((await myChannelIds(bob.client)).filter((id) => id === first.body.channel.id).length, 1);
      assert.equal((await send(bob.client, first.body.channel.id, 'Psst')).status, 201);
    });

    test('a direct conversation is private to its two people', async () => {
      const carol = await world.join('carol');
      const direct = (await alice.client.post('/api/v1/channels/direct', { userId: bob.id })).body.channel;
      assertError(await carol.client.get(`/api/v1/channels/${direct.id}`), 404, 'channel_not_found');
      assertError(await carol.client.get(`/api/v1/channels/${direct.id}/posts`), 404, 'channel_not_found');
      assertError(
        await alice.client.post(`/api/v1/channels/${direct.id}/members`, { userId: carol.id }),
        400,
        'conversation_members_fixed',
      );
    });

    test('a direct conversation with someone who does not exist is 404', async () => {
      assertError(
        await alice.client.post('/api/v1/channels/direct', { userId: '00000000-0000-7000-8000-000000000000' }),
        404,
        'user_not_found',
      );
    });

    test('a group conversation with two others is found again by the same people in any order', async () => {
      const carol = (await alice.client.get('/api/v1/users?q=carol')).body.users[0] ?? (await world.join('carol2'));
      const first = await alice.client.post('/api/v1/channels/group', { userIds: [bob.id, carol.id] });
      assert.equal(first.status, 201);
      assert.equal(first.body.channel.type, 'group');
      assert.deepEqual(first.body.channel.memberIds, [alice.id, bob.id, carol.id].sort());
      const again = await bob.client.post('/api/v1/channels/group', { userIds: [carol.id, alice.id] });
      assert.equal(again.body.channel.id, first.body.channel.id);
    });

    test('a group conversation has 2 to 7 others', async () => {
      const others: string[] = [];
      for (let index = 1; index <= 8; index++) others.push((await world.join(`deckhand${index}`)).id);
      assertError(await alice.client.post('/api/v1/channels/group', { userIds: others.slice(0, 1) }), 400, 'invalid_body');
      assertError(await alice.client.post('/api/v1/channels/group', { userIds: others.slice(0, 8) }), 400, 'invalid_body');
      const seven = await alice.client.post('/api/v1/channels/group', { userIds: others.slice(0, 7) });
      assert.equal(seven.status, 201, JSON.stringify(seven.body));
      assert.equal(seven.body.channel.memberIds.length, 8);
      const two = await alice.client.post('/api/v1/channels/group', { userIds: others.slice(0, 2) });
      assert.equal(two.status, 201);
      assert.equal(two.body.channel.memberIds.length, 3);
      assert.notEqual(two.body.channel.id, seven.body.channel.id);
    });

    test('a conversation cannot be archived, renamed or left', async () => {
      const direct = (await alice.client.post('/api/v1/channels/direct', { userId: bob.id })).body.channel;
      assertError(await alice.client.post(`/api/v1/channels/${direct.id}/archive`), 400, 'conversation_not_editable');
      assertError(await alice.client.patch(`/api/v1/channels/${direct.id}`, { header: 'hi' }), 400, 'conversation_not_editable');
      assertError(await alice.client.post(`/api/v1/channels/${direct.id}/leave`), 400, 'conversation_members_fixed');
    });
  });
});
