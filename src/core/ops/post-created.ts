import { Type } from '@sinclair/typebox';
import { defineOp, opVersion, Purgeable, topic } from '../op.js';
import { Id, Message, PostFiles } from '../fields.js';
import { badRequest, conflict } from '../errors.js';
import { requirePoster } from '../permissions.js';
import { findPost, type PostRow } from '../posts.js';
import { encodeHlc } from '../hlc.js';
import { sql } from '../../store/database.js';
import { setPostMentions } from '../../store/mentions.js';
import { isPurged } from '../../store/op-chain.js';
import { indexPost } from '../../store/search-index.js';
import { opsWithTextOf, tombstonePost } from './post-deleted.js';

/**
 * A message, or a reply in a thread when `rootId` is set. The id is minted by the client, so a
 * retried send (seconds or days later) finds the post already there and creates nothing.
 *
 * `sourceTime` (milliseconds) is set only by importers (src/import/): the time the post was
 * written in the system it comes from. The post is then shown and ordered at that time rather
 * than at the op's hlc; it is part of the body, so every box folds it the same way. The REST
 * routes never pass it through, so a client cannot backdate a message.
 */
export default defineOp({
  type: 'post.created',
  body: Type.Object(
    {
      channelId: Id,
      message: Purgeable(Message),
      rootId: Type.Union([Id, Type.Null()]),
      files: Type.Optional(Purgeable(PostFiles)),
      sourceTime: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffffffff })),
    },
    { additionalProperties: false },
  ),
  authorize({ db, actor, entity, body }) {
    const existing = findPost(db, entity);
    if (existing) {
      // Its author sending it again (a retry, even days later, even after leaving the channel) may; anyone else collides.
      if (existing.user_id === actor?.id && existing.channel_id === body.channelId && existing.root_id === body.rootId) return;
      throw conflict('post_id_taken', 'Another post has that id.');
    }
    requirePoster(db, actor, body.channelId);
    const files = body.files ?? [];
    if (body.message.trim() === '' && files.length === 0) throw badRequest('empty_post', 'A post needs text or a file.');
    // Only bytes this author uploaded to this box can be attached, at their real size.
    for (const file of files) {
      const blobs: [string, number | undefined][] = [[file.hash, file.size]];
      if (file.thumbnailHash) blobs.push([file.thumbnailHash, undefined]);
      for (const [hash, size] of blobs) {
        const upload = sql<[string, string], { size: number }>(db, 'SELECT size FROM uploads WHERE hash = ? AND user_id = ?').get(
          hash,
          actor!.id,
        );
        if (!upload) throw badRequest('file_not_uploaded', `Upload ${file.name} before attaching it.`);
        if (size !== undefined && upload.size !== size)
          throw badRequest('file_size_mismatch', `The size given for ${file.name} is not the size uploaded.`);
      }
    }
    if (body.rootId !== null) {
      const root = findPost(db, body.rootId);
      if (!root || root.channel_id !== body.channelId || root.deleted === 1)
        throw badRequest('invalid_root', 'The thread to reply to does not exist in this channel.');
      if (root.root_id !== null) throw badRequest('invalid_root', 'Reply to the thread root, not to a reply.');
    }
  },
  unchanged: ({ db, entity }) => findPost(db, entity) !== undefined,
  apply(db, op) {
    const version = opVersion(op);
    const { channelId, rootId, sourceTime } = op.body;
    // Text is purged only once the post is deleted, wherever that happened: a purged create
    // stands for its post's tombstone, even before the delete itself arrives.
    const purged = isPurged(op.body.message);
    const message = purged ? '' : op.body.message;
    const createdHlc = sourceTime === undefined ? op.hlc : encodeHlc({ ms: sourceTime, counter: 0 });
    // The same post can be created twice (a phone that retried its send through another box):
    // the earliest create wins everywhere, so the row does not depend on arrival order. RETURNING
    // gives the row as written, or none when an earlier create already stands.
    const post = sql<unknown[], PostRow>(
      db,
      `INSERT INTO posts (id, channel_id, user_id, root_id, message, created_hlc, created_ver, edited_hlc, edit_ver, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 0)
       ON CONFLICT (id) DO UPDATE SET created_hlc = excluded.created_hlc, created_ver = excluded.created_ver,
         edit_ver = CASE WHEN posts.edit_ver = posts.created_ver THEN excluded.edit_ver ELSE posts.edit_ver END
       WHERE excluded.created_ver < posts.created_ver
       RETURNING id, channel_id, user_id, root_id, message, created_hlc, edited_hlc, deleted`,
    ).get(op.entity, channelId, op.author, rootId, message, createdHlc, version, version);
    if (purged) tombstonePost(db, op.entity);
    if (!post || post.deleted === 1 || purged) return;
    const files = op.body.files === undefined || isPurged(op.body.files) ? [] : op.body.files;
    files.forEach((file, position) => {
      sql(
        db,
        `INSERT OR IGNORE INTO post_files (post_id, position, channel_id, hash, name, type, size, width, height, thumbnail_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        post.id,
        position,
        post.channel_id,
        file.hash,
        file.name,
        file.type,
        file.size,
        file.width ?? null,
        file.height ?? null,
        file.thumbnailHash ?? null,
      );
    });
    setPostMentions(db, post.id, post.channel_id, post.created_hlc, post.message);
    indexPost(db, post.id, post);
  },
  // Edits, deletes and pins that arrived first apply after it, over the text just written.
  creates: (op) => [op.entity],
  // Deleted already (a delete that came first, now applied): its text goes, and so does that of
  // the edits that came before it, which found no post to know they were obsolete.
  obsoletes: (db, op) => (findPost(db, op.entity)?.deleted === 1 ? [...opsWithTextOf(db, op.entity), op] : []),
  audience: (_db, op) => [topic.channel(op.body.channelId)],
});
