/** Logging in and out, the caller's own account, and bot tokens. */
import { nameClashesOf } from '../../store/read/name-clashes.js';
import { Type } from '@sinclair/typebox';
import { Reply } from '../answers.js';
import { defineRoute } from '../route.js';
import { DisplayName, Password } from '../../core/fields.js';
import { ApiError, forbidden, notFound } from '../../core/errors.js';
import { hashPassword, verifyPassword } from '../../core/passwords.js';
import { findUser, findUserByName } from '../../core/permissions.js';
import { presentUser } from '../../store/read/users.js';
import { clearedSessionCookie, sessionCookie } from '../cookies.js';
import { createSession, deleteSession, endUserSessions, listTokens } from '../sessions.js';
import { slowAfterFailures, throttle } from '../throttle.js';
import { consumePasswordReset } from '../password-resets.js';

const invalidLogin = () => new ApiError(401, 'invalid_credentials', 'Wrong username or password.');

export default [
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/login',
    summary:
      'Log in with username and password; sets the HttpOnly session cookie. Rate-limited per address; wrong passwords for a username with many recent failures are answered slowly, its right password is never refused.',
    access: 'public',
    body: Type.Object(
      { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
      { additionalProperties: false },
    ),
    async handle({ services, body, ip, secure, setCookie }) {
      const { db, limits, now } = services;
      const username = body.username.trim().toLowerCase();
      throttle(limits.loginByAddress, ip);
      const user = await slowAfterFailures(limits.loginByUsername, username, async () => {
        const found = findUserByName(db, username);
        if (!(await verifyPassword(body.password, found?.password_hash)) || !found) throw invalidLogin();
        return found;
      });
      if (user.active !== 1) throw forbidden('user_deactivated', 'This account is deactivated. Ask an administrator.');
      const { token } = createSession(db, user.id, 'cookie', null, now());
      setCookie(sessionCookie(token, secure));
      return { user: presentUser(user) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/logout',
    summary: 'End this session and clear its cookie.',
    access: 'user',
    handle({ services, session, user, secure, setCookie }) {
      deleteSession(services.db, session!.id, user.id);
      services.hub.closeSessions(user.id, (sessionId) => sessionId === session!.id);
      setCookie(clearedSessionCookie(secure));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me',
    summary:
      'The logged-in user, and the `origin` of this box\'s database (docs/DESIGN.md "The op log"): a restore or a new database gives a new one, so a client that cached data under another origin knows its copy belongs to another database and drops it. `nameClashes`: names of yours that a merge of two boxes\' histories changed (your username, a team or channel you belong to), each `kind` (`user`, `team`, `channel`), `id`, `requested` (the name asked for, which the earlier one of that name keeps) and `name` (the name now).',
    access: 'user',
    handle: ({ services, user }) => ({
      user: presentUser(user),
      origin: services.identity.origin,
      nameClashes: nameClashesOf(services.db, user.id),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/session',
    summary:
      'Who is logged in, for a client starting up: with a session, the same answer as `GET /api/v1/me`; without one, `{ "user": null }` (200, where `/me` answers 401), so a start on the log-in screen is not a failed request. Tells a caller with no session nothing more than that.',
    access: 'public',
    handle: ({ services, session }) =>
      session
        ? { user: presentUser(session.user), origin: services.identity.origin, nameClashes: nameClashesOf(services.db, session.user.id) }
        : { user: null },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/me',
    summary: 'Change your display name.',
    access: 'user',
    body: Type.Object({ displayName: DisplayName }, { additionalProperties: false }),
    async handle({ services, user, body }) {
      await services.committer.commit({
        author: user.id,
        ops: [{ type: 'user.updated', entity: user.id, body: { displayName: body.displayName } }],
      });
      return { user: presentUser(findUser(services.db, user.id)!) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/me/password',
    summary: 'Change your password; the current one is required. Your other sessions and bot tokens end.',
    access: 'user',
    body: Type.Object(
      { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
      { additionalProperties: false },
    ),
    async handle({ services, user, session, body }) {
      await slowAfterFailures(services.limits.loginByUsername, user.username, async () => {
        const right = await verifyPassword(body.currentPassword, user.password_hash);
        if (!right) throw forbidden('invalid_credentials', 'The current password is wrong.');
      });
      const passwordHash = await hashPassword(body.newPassword);
      await services.committer.commit({ author: user.id, ops: [{ type: 'user.password-set', entity: user.id, body: { passwordHash } }] });
      // Whoever else held this account's sessions may be why the password changed.
      endUserSessions(services.db, services.hub, user.id, session!.id);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/password-reset',
    summary:
      "Set a new password with a one-time reset link's token (from an admin). Every session of the account ends; log in with the new password.",
    access: 'public',
    body: Type.Object(
      { token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', errorCode: 'reset_invalid' }), password: Password },
      { additionalProperties: false },
    ),
    async handle({ services, body, ip }) {
      throttle(services.limits.loginByAddress, ip);
      const userId = consumePasswordReset(services.db, body.token, services.now());
      const user = userId ? findUser(services.db, userId) : undefined;
      if (!user || user.active !== 1)
        throw forbidden('reset_invalid', 'This reset link is not valid any more. Ask an administrator for a new one.');
      const passwordHash = await hashPassword(body.password);
      await services.committer.commit({ author: user.id, ops: [{ type: 'user.password-set', entity: user.id, body: { passwordHash } }] });
      endUserSessions(services.db, services.hub, user.id);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/tokens',
    summary: 'Your bot tokens (their secrets are never shown again).',
    access: 'user',
    handle: ({ services, user }) => ({ tokens: listTokens(services.db, user.id) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/me/tokens',
    summary: 'Create a bot token: send it as `Authorization: Bearer <token>`. The token is shown only in this answer.',
    access: 'user',
    body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
    handle({ services, user, body }) {
      const { id, token } = createSession(services.db, user.id, 'token', body.name, services.now());
      return new Reply(201, { id, name: body.name, token });
    },
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/me/tokens/:id',
    summary: 'Revoke one of your bot tokens; its open sockets close.',
    access: 'user',
    handle({ services, user, params }) {
      if (!deleteSession(services.db, params.id!, user.id)) throw notFound('token_not_found', 'No such token.');
      services.hub.closeSessions(user.id, (sessionId) => sessionId === params.id);
    },
  }),
];
