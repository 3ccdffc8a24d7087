/**
 * The files of a Slack workspace export, as far as Hail reads them: `users.json`,
 * `channels.json` (public), `groups.json` (private), `dms.json`, `mpims.json`, and one folder
 * per conversation (named as the channel, or by id for a direct conversation) holding one
 * `YYYY-MM-DD.json` array of messages per day. Unknown fields are allowed and ignored.
 */
import { Type, type Static } from '@sinclair/typebox';

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const SlackUser = Type.Object({
  id: Id,
  name: Type.String({ minLength: 1 }),
  deleted: Type.Optional(Type.Boolean()),
  real_name: Type.Optional(Type.String()),
  is_admin: Type.Optional(Type.Boolean()),
  is_owner: Type.Optional(Type.Boolean()),
  is_restricted: Type.Optional(Type.Boolean()),
  profile: Type.Optional(Type.Object({ display_name: Type.Optional(Type.String()), real_name: Type.Optional(Type.String()) })),
});

const Text = Type.Optional(Type.Object({ value: Type.String() }));
export const SlackChannel = Type.Object({
  id: Id,
  name: Type.Optional(Type.String()),
  is_archived: Type.Optional(Type.Boolean()),
  is_general: Type.Optional(Type.Boolean()),
  members: Type.Optional(Type.Array(Id)),
  topic: Text,
  purpose: Text,
});

export const SlackMessage = Type.Object({
  type: Type.Optional(Type.String()),
  subtype: Type.Optional(Type.String()),
  user: Type.Optional(Id),
  text: Type.Optional(Type.String()),
  ts: Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' }),
  thread_ts: Type.Optional(Type.String()),
  reactions: Type.Optional(Type.Array(Type.Object({ name: Type.String(), users: Type.Array(Id) }))),
  files: Type.Optional(
    Type.Array(Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()), title: Type.Optional(Type.String()) })),
  ),
});

export type SlackUser = Static<typeof SlackUser>;
export type SlackChannel = Static<typeof SlackChannel>;
export type SlackMessage = Static<typeof SlackMessage>;

/** Slack's `ts` ("1714554000.000200") in milliseconds. */
export const tsMillis = (ts: string): number => Math.floor(Number(ts) * 1000);
