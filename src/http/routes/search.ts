/** Search and recent mentions: only ever over channels the caller can read now. */
import { Type } from '@sinclair/typebox';
import { defineRoute } from '../route.js';
import { Id } from '../../core/fields.js';
import { notFound } from '../../core/errors.js';
import { parseSearch } from '../../search/query.js';
import { runSearch } from '../../search/run.js';
import { recentMentions } from '../../store/read/mentions.js';

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/search',
    summary:
      'Search posts and file names in the channels you can read. `q` takes words (all must match), "quoted phrases", prefix words (`gal*`), and filters `in:channel`, `from:@user`, `before:`/`after:`/`on:YYYY-MM-DD` (days in the time zone given by `tzOffset`, minutes as in JavaScript\'s getTimezoneOffset; UTC by default) and `has:file`. The newest 1,000 matches are ranked by relevance (narrow older searches with `before:`), paged by `offset`, each with the post and a snippet whose `marks` are [start, end) character ranges of the matches.',
    access: 'user',
    query: Type.Object(
      {
        q: Type.String({ minLength: 1, maxLength: 512, errorCode: 'invalid_search' }),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
        tzOffset: Type.Optional(Type.Integer({ minimum: -24 * 60, maximum: 24 * 60 })),
      },
      { additionalProperties: false },
    ),
    handle({ services, user, query }) {
      return runSearch(services.db, user, parseSearch(query.q, query.tzOffset ?? 0), query.limit ?? 20, query.offset ?? 0);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/mentions',
    summary:
      'Recent posts that mention you (by @username, @channel, @all or @here) in channels you are in, newest first; page with `before` (a post id).',
    access: 'user',
    query: Type.Object(
      { before: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
      { additionalProperties: false },
    ),
    handle({ services, user, query }) {
      const page = recentMentions(services.db, user, query.before, query.limit ?? 30);
      if (!page) throw notFound('post_not_found', 'The cursor post is not one of your mentions.');
      return page;
    },
  }),
];
