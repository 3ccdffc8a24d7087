/** Administration (a lazy chunk): people and their roles, invite links with a QR code, the box's status. */
import { useEffect, useState } from 'preact/hooks';
import { ScreenHeader } from '../components/ScreenHeader';
import { useAction } from '../components/useAction';
import { formatBytes, formatDateTime, t } from '../i18n';
import { currentTeam } from '../state/directory';
import { me } from '../state/session';
import type { Role } from '../types';
import { allUsers, createInvite, invites, loadAdmin, resetLink, revokeInvite, setActive, setRole, status } from './admin-state';
import { QrCode } from './QrCode';

const ROLES: Role[] = ['admin', 'member', 'guest'];
const roleName = (role: Role) => t(`role.${role}` as const);

function Invites() {
  const [link, setLink] = useState<string | undefined>(undefined);
  const [role, setInviteRole] = useState<Role>('member');
  const create = useAction(async () => setLink(await createInvite(currentTeam.value!.id, role, undefined)));
  const revoke = useAction(revokeInvite);
  return (
    <section aria-labelledby="invites-heading">
      <h2 id="invites-heading">{t('admin.invites')}</h2>
      {(create.error ?? revoke.error) && <p class="error" role="alert">{create.error ?? revoke.error}</p>}
      <div class="row">
        <label>
          {t('admin.role')}{' '}
          <select value={role} onChange={(event) => setInviteRole(event.currentTarget.value as Role)}>
            {ROLES.map((option) => <option key={option} value={option}>{roleName(option)}</option>)}
          </select>
        </label>
        <button class="primary" disabled={create.busy || !currentTeam.value} onClick={() => create.run()}>{t('admin.createInvite')}</button>
      </div>
      {link && (
        <div class="invite-link">
          <p>{t('admin.inviteShown')}</p>
          <input readOnly value={link} aria-label={t('admin.inviteLink')} onFocus={(event) => event.currentTarget.select()} />
          <QrCode text={link} label={t('admin.qrLabel', { link })} />
        </div>
      )}
      <table>
        <caption class="sr-only">{t('admin.invites')}</caption>
        <thead><tr><th scope="col">{t('admin.role')}</th><th scope="col">{t('admin.uses')}</th><th scope="col">{t('admin.expires')}</th><th scope="col"><span class="sr-only">{t('admin.actions')}</span></th></tr></thead>
        <tbody>
          {invites.value.map((invite) => (
            <tr key={invite.id}>
              <td>{roleName(invite.role)}</td>
              <td>{invite.maxUses ? `${invite.uses} / ${invite.maxUses}` : invite.uses}</td>
              <td>{invite.revoked ? t('admin.revoked') : invite.expiresAt ? formatDateTime(invite.expiresAt) : t('admin.never')}</td>
              <td>{!invite.revoked && <button type="button" onClick={() => revoke.run(invite.id)}>{t('admin.revoke')}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function People() {
  const [link, setLink] = useState<string | undefined>(undefined);
  const action = useAction(async (work: () => Promise<unknown>) => work());
  return (
    <section aria-labelledby="people-heading">
      <h2 id="people-heading">{t('admin.people')}</h2>
      {action.error && <p class="error" role="alert">{action.error}</p>}
      {link && <p class="success" role="status">{t('admin.resetShown')} <input readOnly value={link} aria-label={t('admin.resetLink')} /></p>}
      <ul class="plain-list">
        {allUsers.value.map((user) => (
          <li key={user.id} class="row">
            <div><strong>{user.displayName}</strong> <span class="muted">@{user.username}{user.active ? '' : ` · ${t('admin.deactivated')}`}</span></div>
            <select aria-label={t('admin.roleOf', { name: user.displayName })} value={user.role} disabled={user.id === me.value?.id}
              onChange={(event) => action.run(() => setRole(user.id, event.currentTarget.value as Role))}>
              {ROLES.map((option) => <option key={option} value={option}>{roleName(option)}</option>)}
            </select>
            {user.id !== me.value?.id && (
              <>
                <button type="button" onClick={() => action.run(() => setActive(user.id, !user.active))}>{user.active ? t('admin.deactivate') : t('admin.reactivate')}</button>
                <button type="button" onClick={() => action.run(async () => setLink(await resetLink(user.id)))}>{t('admin.resetPassword')}</button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Status() {
  const state = status.value as { version?: string; uptimeSeconds?: number; users?: number; messages?: number; connectedClients?: number; filesBytes?: number; databaseBytes?: number; clock?: { suspect?: boolean } } | undefined;
  if (!state) return null;
  const rows: [string, string][] = [
    [t('admin.version'), String(state.version)],
    [t('admin.uptime'), t('admin.minutes', { count: Math.round((state.uptimeSeconds ?? 0) / 60) })],
    [t('admin.users'), String(state.users)],
    [t('admin.messages'), String(state.messages)],
    [t('admin.connected'), String(state.connectedClients)],
    [t('admin.storage'), `${formatBytes(state.databaseBytes ?? 0)} + ${formatBytes(state.filesBytes ?? 0)}`],
    [t('admin.clock'), state.clock?.suspect ? t('admin.clockSuspect') : t('admin.clockOk')],
  ];
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">{t('admin.status')}</h2>
      <dl class="status-list">{rows.map(([term, value]) => <div key={term}><dt>{term}</dt><dd>{value}</dd></div>)}</dl>
    </section>
  );
}

export default function AdminScreen() {
  const { error, run } = useAction(loadAdmin);
  useEffect(() => void run(), []);
  return (
    <main class="screen">
      <ScreenHeader title={t('admin.title')} />
      {error && <p class="error" role="alert">{error}</p>}
      <Invites />
      <People />
      <Status />
    </main>
  );
}
