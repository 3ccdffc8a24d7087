/** The people on this server, and what admins do to accounts. */
import { Type } from '@sinclair/typebox';
import { Reply } from '../answers.js';
import { defineRoute, type RequestContext } from '../route.js';
import { Role } from '../../core/fields.js';
import { notFound } from '../../core/errors.js';
import { findUser } from '../../core/permissions.js';
import { canSeeUser, listUsers, presentUser } from '../../store/read/users.js';
import { createPasswordReset } from '../password-resets.js';
import { endUserSessions } from '../sessions.js';

const userOr404 = (found: ReturnType<typeof findUser>) => {
  if (!found) throw notFound('user_not_found', 'No such user.');
  return found;
};

/** An admin's change to an account: one op, answered with the account as it is now. */
async function userChange({ services, user, params }: RequestContext<unknown, unknown>, type: string, body: object) {
  userOr404(findUser(services.db, params.id!));
  await services.committer.commit({ author: user.id, ops: [{ type, entity: params.id!, body }] });
  return { user: presentUser(findUser(services.db, params.id!)!) };
}

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/users',
    summary:
      'List users, optionally those whose username or display name starts with `q`. Guests see only people who share a channel with them.',
    access: 'user',
    query: Type.Object(
      {
        q: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        offset: Type.Optional(Type.Integer({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
    handle: ({ services, user, query }) => ({ users: listUsers(services.db, user, query.q ?? '', query.limit ?? 100, query.offset ?? 0) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/users/:id',
    summary: 'One user.',
    access: 'user',
    handle({ services, user, params }) {
      const found = findUser(services.db, params.id!);
      if (!found || !canSeeUser(services.db, user, found.id)) throw notFound('user_not_found', 'No such user.');
      return { user: presentUser(found) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users/:id/deactivate',
    summary: 'Deactivate an account (admin). Its sessions, tokens and sockets end at once; its posts stay.',
    access: 'admin',
    handle: (context) => userChange(context, 'user.active-set', { active: false }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users/:id/reactivate',
    summary: 'Reactivate a deactivated account (admin). The user logs in again.',
    access: 'admin',
    handle: (context) => userChange(context, 'user.active-set', { active: true }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users/:id/password-reset',
    summary:
      'Make a one-time password reset link for a user (admin): valid for 24 hours, shown only in this answer. The user sets a new password with `POST /api/v1/password-reset`.',
    access: 'admin',
    handle({ services, user, params }) {
      const target = userOr404(findUser(services.db, params.id!));
      const { token, expiresAt } = createPasswordReset(services.db, target.id, user.id, services.now());
      return new Reply(201, { token, path: `/reset/${token}`, expiresAt });
    },
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/users/:id/sessions',
    summary: 'End every session and bot token of a user (admin); their sockets close.',
    access: 'admin',
    handle({ services, params }) {
      const target = userOr404(findUser(services.db, params.id!));
      endUserSessions(services.db, services.hub, target.id);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/users/:id/role',
    summary: "Change a user's role (admin): `admin`, `member` or `guest`.",
    access: 'admin',
    body: Type.Object({ role: Role }, { additionalProperties: false }),
    handle: (context) => userChange(context, 'user.role-set', { role: context.body.role }),
  }),
];
