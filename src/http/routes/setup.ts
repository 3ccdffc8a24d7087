/** First start: whoever holds the setup code creates the first admin and the first team. */
import { Type } from '@sinclair/typebox';
import { Reply } from '../answers.js';
import { defineRoute } from '../route.js';
import { DisplayName, Password, TeamName, Username } from '../../core/fields.js';
import { forbidden } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { hashPassword } from '../../core/passwords.js';
import { findUser, hasUsers } from '../../core/permissions.js';
import { presentUser } from '../../store/read/users.js';
import { sessionCookie } from '../cookies.js';
import { createSession } from '../sessions.js';
import { throttle } from '../throttle.js';

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/setup',
    summary: 'Whether the server still waits for its first administrator.',
    access: 'public',
    handle: ({ services }) => ({ needed: !hasUsers(services.db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/setup',
    summary: 'Create the first administrator and the first team with the one-time setup code (printed in the log and in data/setup-code). Logs the new admin in.',
    access: 'public',
    body: Type.Object(
      {
        code: Type.String({ minLength: 1, maxLength: 64 }),
        username: Username,
        password: Password,
        displayName: DisplayName,
        teamName: TeamName,
        teamDisplayName: DisplayName,
      },
      { additionalProperties: false },
    ),
    async handle({ services, body, ip, secure, setCookie }) {
      const { db, committer, setupCode, limits, now } = services;
      throttle(limits.loginByAddress, ip);
      if (hasUsers(db)) throw forbidden('setup_done', 'This server is already set up.');
      if (!setupCode.matches(body.code)) throw forbidden('invalid_setup_code', 'That setup code is not right. It is in the server log and in data/setup-code.');
      const userId = newId();
      const passwordHash = await hashPassword(body.password);
      await committer.commit({
        author: userId,
        grant: { kind: 'setup' },
        ops: [
          { type: 'user.created', entity: userId, body: { username: body.username, displayName: body.displayName, role: 'admin', passwordHash, inviteId: null } },
          { type: 'team.created', entity: newId(), body: { name: body.teamName, displayName: body.teamDisplayName, defaultChannelId: newId() } },
        ],
      });
      setupCode.consume();
      const { token } = createSession(db, userId, 'cookie', null, now());
      setCookie(sessionCookie(token, secure));
      return new Reply(201, { user: presentUser(findUser(db, userId)!) });
    },
  }),
];
