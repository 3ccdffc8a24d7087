/**
 * First start: whoever holds the setup code creates the first admin and the first team, or
 * joins an existing fleet with a pairing invitation instead (the fleet's accounts then log in).
 */
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
import { pairByInvitation } from './peers.js';
import type { Services } from '../services.js';

/** How long a join waits for the fleet's accounts to arrive before answering anyway. */
const JOIN_WAIT_MS = 20_000;

function allowSetup(services: Services, ip: string, code: string): void {
  throttle(services.limits.loginByAddress, ip);
  if (hasUsers(services.db) || services.sync?.peers.rows().length) throw forbidden('setup_done', 'This server is already set up.');
  if (!services.setupCode.matches(code)) {
    throw forbidden('invalid_setup_code', 'That setup code is not right. It is in the server log and in data/setup-code.');
  }
}

async function accountsArrived(services: Services): Promise<boolean> {
  const deadline = Date.now() + JOIN_WAIT_MS;
  while (!hasUsers(services.db) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
  return hasUsers(services.db);
}

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/setup',
    summary: 'Whether the server still waits for its first administrator (or to join a fleet).',
    access: 'public',
    handle: ({ services }) => ({ needed: !hasUsers(services.db) && !services.sync?.peers.rows().length }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/setup',
    summary:
      'Create the first administrator and the first team with the one-time setup code (printed in the log and in data/setup-code). Logs the new admin in.',
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
      const { db, committer, setupCode, now } = services;
      allowSetup(services, ip, body.code);
      const userId = newId();
      const passwordHash = await hashPassword(body.password);
      await committer.commit({
        author: userId,
        grant: { kind: 'setup' },
        ops: [
          {
            type: 'user.created',
            entity: userId,
            body: { username: body.username, displayName: body.displayName, role: 'admin', passwordHash, inviteId: null },
          },
          {
            type: 'team.created',
            entity: newId(),
            body: { name: body.teamName, displayName: body.teamDisplayName, defaultChannelId: newId() },
          },
        ],
      });
      setupCode.consume();
      const { token } = createSession(db, userId, 'cookie', null, now());
      setCookie(sessionCookie(token, secure));
      return new Reply(201, { user: presentUser(findUser(db, userId)!) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/setup/join',
    summary:
      "Join an existing fleet instead of starting one, with the one-time setup code and a pairing invitation from a box of the fleet: this box pairs with it (as POST /api/v1/peers) and pulls the fleet's history, whose accounts then log in here. Answers once the accounts have arrived (`accountsArrived`), or after 20 s with the pull still going on. 400 `invitation_invalid`, 502 `pairing_failed`, 409 `sync_off`.",
    access: 'public',
    body: Type.Object(
      { code: Type.String({ minLength: 1, maxLength: 64 }), invitation: Type.String({ minLength: 1, maxLength: 2000 }) },
      { additionalProperties: false },
    ),
    async handle({ services, body, ip }) {
      allowSetup(services, ip, body.code);
      const peer = await pairByInvitation(services, body.invitation);
      services.setupCode.consume();
      const arrived = await accountsArrived(services);
      return new Reply(201, { peer, accountsArrived: arrived });
    },
  }),
];
