/**
 * Field schemas shared by op bodies and request bodies, so a limit is stated once. A schema
 * may carry `errorCode`: the validation error code reported when that field is wrong
 * (`post_too_long` says more to a client than a generic `invalid_body`), and `errorMessage`,
 * said instead of the validator's own words.
 */
import { FormatRegistry, Type } from '@sinclair/typebox';
import { ID_PATTERN } from './ids.js';

export const MAX_POST_LENGTH = 16383;

/** Characters as people count them: code points, so an emoji is one, not two UTF-16 units. */
export const characterCount = (text: string): number => text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);

// A schema's maxLength counts UTF-16 units; a post's limit is in characters.
FormatRegistry.Set('post-length', (text) => text.length <= MAX_POST_LENGTH || characterCount(text) <= MAX_POST_LENGTH);

export const Id = Type.String({ pattern: ID_PATTERN, description: 'A lower-case UUID; clients mint UUIDv7.' });
export const Username = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{1,31}$',
  errorCode: 'invalid_username',
  description: '2 to 32 characters: lower-case letters, digits, dot, dash, underscore; starting with a letter or digit.',
});
export const DisplayName = Type.String({ minLength: 1, maxLength: 64, errorCode: 'invalid_display_name' });
export const Password = Type.String({ minLength: 8, maxLength: 256, errorCode: 'weak_password', description: 'At least 8 characters.' });
export const Role = Type.Union([Type.Literal('admin'), Type.Literal('member'), Type.Literal('guest')]);
export const ChannelName = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
  errorCode: 'invalid_channel_name',
  description: '1 to 64 characters: lower-case letters, digits, dash, underscore.',
});
export const TeamName = ChannelName;
export const Header = Type.String({ maxLength: 1024, errorCode: 'header_too_long' });
export const Purpose = Type.String({ maxLength: 250, errorCode: 'purpose_too_long' });
// Emptiness is checked by the post kinds (code `empty_post`): a post with files may have no text.
export const Message = Type.String({
  format: 'post-length',
  errorCode: 'post_too_long',
  errorMessage: 'a post holds at most 16,383 characters',
  description: 'Markdown, up to 16,383 characters (Unicode code points: an emoji counts as one).',
});
export const Emoji = Type.String({
  pattern: '^[a-z0-9_+-]{1,64}$',
  errorCode: 'invalid_emoji',
  description: 'An emoji short name such as `thumbsup`.',
});
export const PasswordHash = Type.String({ pattern: '^scrypt\\$', maxLength: 256 });

export const MAX_FILES_PER_POST = 10;
export const Sha256 = Type.String({
  pattern: '^[0-9a-f]{64}$',
  errorCode: 'invalid_file_hash',
  description: 'SHA-256 of the bytes, lower-case hex.',
});
export const FileName = Type.String({
  minLength: 1,
  maxLength: 255,
  // No path separators or control characters, and not a bare dot or dot-dot.
  pattern: '^(?!\\.{1,2}$)[^/\\\\\\u0000-\\u001f\\u007f]+$',
  errorCode: 'invalid_file_name',
  description: 'A file name without path separators or control characters.',
});
export const FileType = Type.String({
  pattern: '^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$',
  maxLength: 127,
  errorCode: 'invalid_file_type',
  description: 'A MIME type such as `image/png`.',
});
export const FileRef = Type.Object(
  {
    hash: Sha256,
    name: FileName,
    type: FileType,
    size: Type.Integer({ minimum: 0 }),
    width: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    height: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    thumbnailHash: Type.Optional(Sha256),
  },
  { additionalProperties: false },
);
export const PostFiles = Type.Array(FileRef, { maxItems: MAX_FILES_PER_POST, errorCode: 'too_many_files' });
