/**
 * `hail admin reset-password USERNAME`: for the administrator who forgot their password on a
 * box with no other admin, where the web's reset links cannot help. Whoever runs it can read
 * the data directory, which already means full control of the box. It commits a
 * `user.password-set` op through the write path, authored by the user themself, so it syncs
 * and replays like any password change; then it ends every session of the account, as a
 * password change does (open sockets close at their next reconnect).
 *
 * The new password is made up and printed, unless `--password-stdin` reads one, so that it is
 * never in the shell history or the process list.
 */
import { text } from 'node:stream/consumers';
import { Password } from '../core/fields.js';
import { newReadableSecret } from '../core/ids.js';
import { hashPassword } from '../core/passwords.js';
import { Value } from '@sinclair/typebox/value';
import { deleteUserSessions } from '../http/sessions.js';
import { StartupError } from '../startup-error.js';
import { userByName, withWriter } from './database.js';

export async function resetPasswordCommand(username: string | undefined, dataDir: string, fromStdin: boolean): Promise<void> {
  if (!username) throw new StartupError('usage', 'name the account: hail admin reset-password USERNAME.');
  const password = fromStdin ? (await text(process.stdin)).replace(/\r?\n$/, '') : newReadableSecret(4);
  if (!Value.Check(Password, password)) throw new StartupError('weak_password', 'the new password must be 8 to 256 characters long.');
  const passwordHash = await hashPassword(password);
  await withWriter(dataDir, async ({ db, committer }) => {
    const user = userByName(db, username);
    await committer.commit({ author: user.id, ops: [{ type: 'user.password-set', entity: user.id, body: { passwordHash } }] });
    deleteUserSessions(db, user.id);
    if (user.active !== 1) process.stderr.write(`hail: note: ${username} is deactivated; an administrator can reactivate the account.\n`);
  });
  process.stdout.write(
    fromStdin
      ? `The password of ${username} is changed; their sessions have ended.\n`
      : `New password for ${username}: ${password}\nTheir sessions have ended. They can change the password once logged in.\n`,
  );
}
