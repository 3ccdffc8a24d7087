/** Channels: team channels (public, private), direct and group conversations, membership, read marks. */
import { Type } from '@sinclair/typebox';
import { Reply } from '../answers.js';
import { defineRoute, type RequestContext } from '../route.js';
import { ChannelName, DisplayName, Header, Id, Purpose } from '../../core/fields.js';
import { badRequest, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { manageableChannel, readableChannel } from '../../core/permissions.js';
import { conversationId } from '../../core/ops/channel-created.js';
import { topic } from '../../core/op.js';
import { NotifyLevel } from '../../core/ops/channel-notify-set.js';
import { channelMemberRows, myChannels, presentChannel } from '../../store/read/channels.js';
import { canSeeUser, presentUser } from '../../store/read/users.js';
import { pinnedPosts } from '../../store/read/posts.js';

type Context = RequestContext<unknown, unknown>;

// Channel settings, not posts: admins see those of every channel they manage.
const answer = ({ services, user }: Context, channelId: string) => ({
  channel: presentChannel(services.db, manageableChannel(services.db, user, channelId)),
});

async function setMember(context: Context, channelId: string, userId: string, member: boolean) {
  const { services, user } = context;
  await services.committer.commit({ author: user.id, ops: [{ type: 'channel.member-set', entity: channelId, body: { userId, member } }] });
}

async function openConversation(context: Context, type: 'direct' | 'group', others: string[]) {
  const { services, user } = context;
  for (const id of others) if (!canSeeUser(services.db, user, id)) throw notFound('user_not_found', 'No such user.');
  const memberIds = [...new Set([user.id, ...others])].sort();
  const id = conversationId(type, memberIds);
  await services.committer.commit({
    author: user.id,
    ops: [
      { type: 'channel.created', entity: id, body: { type, teamId: null, name: '', displayName: '', header: '', purpose: '', memberIds } },
    ],
  });
  return new Reply(201, answer(context, id));
}

async function archive(context: Context, archived: boolean) {
  const { services, user, params } = context;
  await services.committer.commit({ author: user.id, ops: [{ type: 'channel.archived-set', entity: params.id!, body: { archived } }] });
  return answer(context, params.id!);
}

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/channels',
    summary: "Your channels and conversations, each with `unread` (others' posts since your read mark) and `mentions`.",
    access: 'user',
    handle: ({ services, user }) => ({ channels: myChannels(services.db, user) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels',
    summary:
      'Create a public or private channel in a team; you join it. A retry with the same client-minted `id` answers 200 with the channel and creates nothing.',
    access: 'user',
    body: Type.Object(
      {
        id: Type.Optional(Id),
        teamId: Id,
        type: Type.Union([Type.Literal('public'), Type.Literal('private')]),
        name: ChannelName,
        displayName: DisplayName,
        header: Type.Optional(Header),
        purpose: Type.Optional(Purpose),
      },
      { additionalProperties: false },
    ),
    async handle(context) {
      const { services, user, body } = context;
      const id = body.id ?? newId();
      const { teamId, type, name, displayName } = body;
      const entries = await services.committer.commit({
        author: user.id,
        ops: [
          {
            type: 'channel.created',
            entity: id,
            body: { type, teamId, name, displayName, header: body.header ?? '', purpose: body.purpose ?? '', memberIds: [] },
          },
        ],
      });
      return new Reply(entries.length > 0 ? 201 : 200, answer(context, id));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels/direct',
    summary: 'Open (or find) the direct conversation with one user.',
    access: 'user',
    body: Type.Object({ userId: Id }, { additionalProperties: false }),
    handle: (context) => openConversation(context, 'direct', [context.body.userId]),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels/group',
    summary: 'Open (or find) a group conversation with 2 to 7 other users.',
    access: 'user',
    body: Type.Object({ userIds: Type.Array(Id, { minItems: 2, maxItems: 7, uniqueItems: true }) }, { additionalProperties: false }),
    handle: (context) => openConversation(context, 'group', context.body.userIds),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/channels/:id',
    summary: 'One channel you can read.',
    access: 'user',
    handle: (context) => answer(context, context.params.id!),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/channels/:id',
    summary: "Change a team channel's name, display name, header or purpose (members who are not guests; admins).",
    access: 'user',
    body: Type.Object(
      {
        name: Type.Optional(ChannelName),
        displayName: Type.Optional(DisplayName),
        header: Type.Optional(Header),
        purpose: Type.Optional(Purpose),
      },
      { additionalProperties: false },
    ),
    async handle(context) {
      const { services, user, params, body } = context;
      const current = manageableChannel(services.db, user, params.id!);
      // A conversation's name is empty, so the op built below would fail its schema with a
      // misleading invalid_channel_name before the op could say what is really wrong.
      if (current.team_id === null) throw badRequest('conversation_not_editable', 'Direct and group conversations have no settings.');
      const next = {
        name: body.name ?? current.requested_name,
        displayName: body.displayName ?? current.display_name,
        header: body.header ?? current.header,
        purpose: body.purpose ?? current.purpose,
      };
      await services.committer.commit({ author: user.id, ops: [{ type: 'channel.updated', entity: current.id, body: next }] });
      return answer(context, current.id);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels/:id/archive',
    summary: 'Archive a team channel: it stays readable and becomes read-only (admin or creator).',
    access: 'user',
    handle: (context) => archive(context, true),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels/:id/unarchive',
    summary: 'Unarchive a channel (admin or creator).',
    access: 'user',
    handle: (context) => archive(context, false),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels/:id/join',
    summary: 'Join a public channel of one of your teams.',
    access: 'user',
    async handle(context) {
      await setMember(context, context.params.id!, context.user.id, true);
      return answer(context, context.params.id!);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels/:id/leave',
    summary: "Leave a channel (not a team's default channel).",
    access: 'user',
    handle: (context) => setMember(context, context.params.id!, context.user.id, false),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/channels/:id/members',
    summary: 'The members of a channel you can read.',
    access: 'user',
    handle({ services, user, params }) {
      const channel = readableChannel(services.db, user, params.id!);
      return { members: channelMemberRows(services.db, channel.id).map(presentUser) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels/:id/members',
    summary: 'Add a team member to a channel you are in (needed for private channels).',
    access: 'user',
    body: Type.Object({ userId: Id }, { additionalProperties: false }),
    handle: (context) => setMember(context, context.params.id!, context.body.userId, true),
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/channels/:id/members/:userId',
    summary: 'Remove someone from a channel (admin, the creator, or any member of a private channel).',
    access: 'user',
    handle: (context) => setMember(context, context.params.id!, context.params.userId!, false),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels/:id/read',
    summary:
      'Mark everything in the channel as read, up to now. Your other devices hear of it at once; other boxes once it has stayed put for a while.',
    access: 'user',
    handle({ services, user, params }) {
      if (services.readMarks.mark(user, params.id!))
        services.hub.broadcast(topic.user(user.id), JSON.stringify({ type: 'read', channelId: params.id! }));
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/channels/:id/notifications',
    summary: 'Your notification level for this channel (`default`, `all`, `mentions`, `none`) and whether it is muted.',
    access: 'user',
    body: Type.Object({ level: NotifyLevel, muted: Type.Boolean() }, { additionalProperties: false }),
    async handle({ services, user, params, body }) {
      await services.committer.commit({ author: user.id, ops: [{ type: 'channel.notify-set', entity: params.id!, body }] });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/channels/:id/pins',
    summary: 'The pinned posts of a channel you can read.',
    access: 'user',
    handle({ services, user, params }) {
      const channel = readableChannel(services.db, user, params.id!);
      return { posts: pinnedPosts(services.db, channel.id) };
    },
  }),
];
