/**
 * Field schemas shared by op bodies and request bodies, so a limit is stated once. A schema
 * may carry `errorCode`: the validation error code reported when that field is wrong
 * (`post_too_long` says more to a client than a generic `invalid_body`).
 */
import { Type } from '@sinclair/typebox';
import { ID_PATTERN } from './ids.js';

export const MAX_POST_LENGTH = 16383;

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
export const Message = Type.String({ minLength: 1, maxLength: MAX_POST_LENGTH, errorCode: 'post_too_long', description: 'Markdown, 1 to 16,383 characters.' });
export const Emoji = Type.String({ pattern: '^[a-z0-9_+-]{1,64}$', errorCode: 'invalid_emoji', description: 'An emoji short name such as `thumbsup`.' });
export const PasswordHash = Type.String({ pattern: '^scrypt\\$', maxLength: 256 });
