/**
 * The lines of Mattermost's bulk format ("bulk loading data format" in Mattermost's
 * documentation), as far as Hail reads them. Each line is `{"type": T, T: {...}}`; fields Hail
 * does not keep are allowed and ignored (docs/IMPORT.md lists them), so a newer export with
 * more fields still imports. Names are checked loosely here and made to fit Hail's rules by
 * the importer.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Name = Type.String({ minLength: 1, maxLength: 256 });
const Time = Type.Integer({ minimum: 0 });
const Attachments = Type.Optional(Type.Array(Type.Object({ path: Type.String({ minLength: 1 }) })));
const Reactions = Type.Optional(
  Type.Array(Type.Object({ user: Name, emoji_name: Type.String({ minLength: 1 }), create_at: Type.Optional(Time) })),
);
const Reply = Type.Object({ user: Name, message: Type.String(), create_at: Time, reactions: Reactions, attachments: Attachments });
const Replies = Type.Optional(Type.Array(Reply));

export const TeamRecord = Type.Object({
  name: Name,
  display_name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
});
export const ChannelRecord = Type.Object({
  team: Name,
  name: Name,
  display_name: Type.Optional(Type.String()),
  type: Type.Union([Type.Literal('O'), Type.Literal('P')]),
  header: Type.Optional(Type.String()),
  purpose: Type.Optional(Type.String()),
  deleted_at: Type.Optional(Time),
});
export const UserRecord = Type.Object({
  username: Name,
  nickname: Type.Optional(Type.String()),
  first_name: Type.Optional(Type.String()),
  last_name: Type.Optional(Type.String()),
  roles: Type.Optional(Type.String()),
  delete_at: Type.Optional(Time),
  teams: Type.Optional(Type.Array(Type.Object({ name: Name, channels: Type.Optional(Type.Array(Type.Object({ name: Name }))) }))),
});
export const PostRecord = Type.Object({
  team: Name,
  channel: Name,
  user: Name,
  message: Type.String(),
  create_at: Time,
  is_pinned: Type.Optional(Type.Boolean()),
  reactions: Reactions,
  replies: Replies,
  attachments: Attachments,
});
export const DirectChannelRecord = Type.Object({ members: Type.Array(Name, { minItems: 1 }), header: Type.Optional(Type.String()) });
export const DirectPostRecord = Type.Object({
  channel_members: Type.Array(Name, { minItems: 1 }),
  user: Name,
  message: Type.String(),
  create_at: Time,
  is_pinned: Type.Optional(Type.Boolean()),
  reactions: Reactions,
  replies: Replies,
  attachments: Attachments,
});

export type TeamRecord = Static<typeof TeamRecord>;
export type ChannelRecord = Static<typeof ChannelRecord>;
export type UserRecord = Static<typeof UserRecord>;
export type PostRecord = Static<typeof PostRecord>;
export type ReplyRecord = Static<typeof Reply>;
export type DirectChannelRecord = Static<typeof DirectChannelRecord>;
export type DirectPostRecord = Static<typeof DirectPostRecord>;

export type MattermostLine =
  | { type: 'version'; version: number }
  | { type: 'team'; team: TeamRecord }
  | { type: 'channel'; channel: ChannelRecord }
  | { type: 'user'; user: UserRecord }
  | { type: 'post'; post: PostRecord }
  | { type: 'direct_channel'; direct_channel: DirectChannelRecord }
  | { type: 'direct_post'; direct_post: DirectPostRecord }
  /** Kinds Hail has no place for (schemes, custom emoji images, roles, bots' settings): counted, not imported. */
  | { type: 'dropped'; kind: string };

const SCHEMAS = {
  team: TeamRecord,
  channel: ChannelRecord,
  user: UserRecord,
  post: PostRecord,
  direct_channel: DirectChannelRecord,
  direct_post: DirectPostRecord,
} as const;

export class BadLine extends Error {}

/** The line as a record, or BadLine saying what is wrong with it. */
export function parseLine(text: string): MattermostLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadLine('not valid JSON');
  }
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string')
    throw new BadLine('a line needs a "type"');
  const { type } = value as { type: string };
  const fields = (value as Record<string, unknown>)[type];
  if (type === 'version') {
    if ((value as { version?: unknown }).version !== 1) throw new BadLine('only version 1 of the bulk format is known');
    return { type, version: 1 };
  }
  const schema = SCHEMAS[type as keyof typeof SCHEMAS];
  if (!schema) return { type: 'dropped', kind: type };
  if (!Value.Check(schema, fields)) {
    const error = Value.Errors(schema, fields).First();
    throw new BadLine(`${type}${error?.path ?? ''}: ${error?.message ?? 'does not match the format'}`);
  }
  return { type, [type]: fields } as MattermostLine;
}
