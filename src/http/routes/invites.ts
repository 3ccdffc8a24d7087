/** Invite links: the only way a new account comes into being after setup. */
import { Type } from '@sinclair/typebox';
import { Reply } from '../answers.js';
import { defineRoute } from '../route.js';
import { DisplayName, Id, Password, Role, Username } from '../../core/fields.js';
import { forbidden, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { hashPassword } from '../../core/passwords.js';
import { hashSecret } from '../../core/ids.js';
import { findInvite, findInviteByTokenHash, inviteProblem, inviteUses, newInvite, type InviteRow } from '../../core/invites.js';
import { findTeam, findUser } from '../../core/permissions.js';
import { sql } from '../../store/database.js';
import { presentUser } from '../../store/read/users.js';
import { sessionCookie } from '../cookies.js';
import { createSession } from '../sessions.js';
import { throttle } from '../throttle.js';
import type { Db } from '../../store/database.js';

const presentInvite = (db: Db, invite: InviteRow, now: number) => ({
  id: invite.id,
  teamId: invite.team_id,
  role: invite.role,
  expiresAt: invite.expires_at,
  maxUses: invite.max_uses,
  uses: inviteUses(db, invite.id),
  revoked: invite.revoked === 1,
  valid: inviteProblem(db, invite, now) === undefined,
  createdBy: invite.created_by,
  createdAt: invite.created_at,
});

const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', errorCode: 'invite_invalid' });

export default [
  defineRoute({
    method: 'post',
    path: '/api/v1/invites',
    summary:
      'Create an invite link to a team with a role (admin). `expiresInHours` and `maxUses` are optional limits. The link is shown only in this answer.',
    access: 'admin',
    body: Type.Object(
      {
        teamId: Id,
        role: Type.Optional(Role),
        expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 365 })),
        maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
      },
      { additionalProperties: false },
    ),
    async handle({ services, user, body }) {
      const { id, token, draft } = newInvite({
        teamId: body.teamId,
        role: body.role ?? 'member',
        lifetimeHours: body.expiresInHours ?? null,
        maxUses: body.maxUses ?? null,
      });
      await services.committer.commit({ author: user.id, ops: [draft] });
      return new Reply(201, {
        invite: presentInvite(services.db, findInvite(services.db, id)!, services.now()),
        token,
        path: `/invite/${token}`,
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/invites',
    summary: 'All invites with their use counts (admin).',
    access: 'admin',
    handle({ services }) {
      const rows = sql<[], InviteRow>(services.db, 'SELECT * FROM invites ORDER BY created_at DESC').all();
      return { invites: rows.map((invite) => presentInvite(services.db, invite, services.now())) };
    },
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/invites/:id',
    summary: 'Revoke an invite (admin). Accounts already made with it stay.',
    access: 'admin',
    async handle({ services, user, params }) {
      await services.committer.commit({ author: user.id, ops: [{ type: 'invite.revoked', entity: params.id!, body: {} }] });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/invites/:token',
    summary: "What an invite link leads to (the team's name), for the join page; 404 when it cannot be used.",
    access: 'public',
    handle({ services, params, ip }) {
      throttle(services.limits.loginByAddress, ip);
      const invite = findInviteByTokenHash(services.db, hashSecret(params.token!));
      const problem = inviteProblem(services.db, invite, services.now());
      if (!invite || problem) throw notFound(problem ?? 'invite_invalid', 'This invite link is not valid any more. Ask for a new one.');
      const team = findTeam(services.db, invite.team_id)!;
      return { team: { id: team.id, name: team.name, displayName: team.display_name }, role: invite.role };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/register',
    summary:
      "Create an account with an invite link's token; joins its team and the team's default channel, and logs in. A guest joins the team but not its default channel (deliberately: a guest sees only the channels it is added to).",
    access: 'public',
    body: Type.Object({ token: Token, username: Username, password: Password, displayName: DisplayName }, { additionalProperties: false }),
    async handle({ services, body, ip, secure, setCookie }) {
      const { db, committer, now } = services;
      throttle(services.limits.loginByAddress, ip);
      const invite = findInviteByTokenHash(db, hashSecret(body.token));
      if (!invite) throw forbidden('invite_invalid', 'This invite link is not valid. Ask for a new one.');
      const userId = newId();
      const passwordHash = await hashPassword(body.password);
      await committer.commit({
        author: userId,
        grant: { kind: 'invite', inviteId: invite.id },
        ops: [
          {
            type: 'user.created',
            entity: userId,
            body: { username: body.username, displayName: body.displayName, role: invite.role, passwordHash, inviteId: invite.id },
          },
        ],
      });
      const { token } = createSession(db, userId, 'cookie', null, now());
      setCookie(sessionCookie(token, secure));
      return new Reply(201, { user: presentUser(findUser(db, userId)!) });
    },
  }),
];
