/** Posts: history pages, threads, sending (idempotent by id), editing, deleting, reactions and pins. */
import { Type } from '@sinclair/typebox';
import { Reply } from '../answers.js';
import { defineRoute, type RequestContext } from '../route.js';
import { Id, Message, PostFiles } from '../../core/fields.js';
import { badRequest, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { readableChannel } from '../../core/permissions.js';
import { readablePost, visiblePost } from '../../core/posts.js';
import { readTogether } from '../../store/database.js';
import { channelPage, getPost, thread } from '../../store/read/posts.js';
import { throttle } from '../throttle.js';

type Context = RequestContext<unknown, unknown>;

/** The post, found by `find`: live posts only, unless `visiblePost` lets a tombstone through. */
const answer = ({ services, user }: Context, postId: string, find = readablePost) =>
  readTogether(services.db, () => {
    find(services.db, user, postId);
    return { post: getPost(services.db, postId)! };
  });

async function postOp(context: Context, type: string, body: object) {
  const { services, user, params } = context;
  await services.committer.commit({ author: user.id, ops: [{ type, entity: params.id!, body }] });
  return answer(context, params.id!);
}

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/channels/:id/posts',
    summary:
      "A page of a channel's posts, oldest first: the newest page, or the page `before` / `after` a post id. `hasMore` says whether more lie beyond.",
    access: 'user',
    query: Type.Object(
      { before: Type.Optional(Id), after: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
      { additionalProperties: false },
    ),
    handle({ services, user, params, query }) {
      if (query.before && query.after) throw badRequest('invalid_query', 'Use before or after, not both.');
      const channel = readableChannel(services.db, user, params.id!);
      const page = channelPage(services.db, channel.id, query, query.limit ?? 50);
      if (!page) throw notFound('post_not_found', 'The cursor post is not in this channel.');
      return page;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/channels/:id/posts',
    summary:
      "Send a post, or a reply when `rootId` is set. Send your own UUIDv7 `id`: a retry with the same id, at any later time, answers with the original post (200; its tombstone if it was deleted meanwhile) and creates nothing; a new post answers 201. Attach files uploaded with `POST /api/v1/files` (with an image's width, height and thumbnail); a post with files may have empty text.",
    access: 'user',
    body: Type.Object(
      { id: Type.Optional(Id), message: Message, rootId: Type.Optional(Id), files: Type.Optional(PostFiles) },
      { additionalProperties: false },
    ),
    async handle(context) {
      const { services, user, params, body } = context;
      throttle(services.limits.posts, user.id);
      const id = body.id ?? newId();
      const entries = await services.committer.commit({
        author: user.id,
        ops: [
          {
            type: 'post.created',
            entity: id,
            body: {
              channelId: params.id!,
              message: body.message,
              rootId: body.rootId ?? null,
              ...(body.files ? { files: body.files } : {}),
            },
          },
        ],
      });
      return new Reply(entries.length > 0 ? 201 : 200, answer(context, id, visiblePost));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/posts/:id',
    summary: 'One post.',
    access: 'user',
    handle: (context) => answer(context, context.params.id!),
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/posts/:id',
    summary: "Edit your post's text.",
    access: 'user',
    body: Type.Object({ message: Message }, { additionalProperties: false }),
    handle: (context) => postOp(context, 'post.edited', { message: context.body.message }),
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/posts/:id',
    summary: 'Delete a post (its author, or an admin). A tombstone stays; the text is purged.',
    access: 'user',
    async handle({ services, user, params }) {
      await services.committer.commit({ author: user.id, ops: [{ type: 'post.deleted', entity: params.id!, body: {} }] });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/posts/:id/thread',
    summary: 'A thread: its root post (a tombstone when deleted) and every reply, oldest first.',
    access: 'user',
    handle({ services, user, params }) {
      const { post } = visiblePost(services.db, user, params.id!);
      return { posts: thread(services.db, post.root_id ?? post.id) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/posts/:id/reactions/:emoji',
    summary: 'Add your reaction (an emoji short name) to a post.',
    access: 'user',
    handle: (context) => postOp(context, 'reaction.set', { emoji: context.params.emoji!, active: true }),
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/posts/:id/reactions/:emoji',
    summary: 'Remove your reaction from a post.',
    access: 'user',
    handle: (context) => postOp(context, 'reaction.set', { emoji: context.params.emoji!, active: false }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/posts/:id/pin',
    summary: 'Pin a post in its channel.',
    access: 'user',
    handle: (context) => postOp(context, 'pin.set', { pinned: true }),
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/posts/:id/pin',
    summary: 'Unpin a post.',
    access: 'user',
    handle: (context) => postOp(context, 'pin.set', { pinned: false }),
  }),
];
