/** People: their roles, deactivating, password reset links, and ending their sessions everywhere. */
import { useState } from 'preact/hooks';
import { Dialog } from '../components/Dialog';
import { useAction } from '../components/useAction';
import { t } from '../i18n';
import { users } from '../state/directory';
import { me } from '../state/session';
import type { Role, User } from '../types';
import { endSessions, resetLink, setActive, setRole } from './admin-state';
import { ROLES, roleName } from './roles';
import { Avatar } from '../components/Avatar';
import { Problem } from '../components/Problem';

function EndSessionsDialog({ user, onDone, onClose }: { user: User; onDone: () => void; onClose: () => void }) {
  const { busy, error, run } = useAction(async () => {
    await endSessions(user.id);
    onDone();
  });
  return (
    <Dialog title={t('admin.endSessionsOf', { name: user.displayName })} onClose={onClose}>
      <Problem error={error} />
      <p>{t('admin.endSessionsExplain', { name: user.displayName })}</p>
      <div class="row-buttons">
        <button type="button" class="danger" disabled={busy} onClick={() => run()}>
          {t('admin.endSessions')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

export function People() {
  const [link, setLink] = useState<string | undefined>(undefined);
  const [ended, setEnded] = useState<string | undefined>(undefined);
  const [ending, setEnding] = useState<User | undefined>(undefined);
  const action = useAction(async (work: () => Promise<unknown>) => work());
  return (
    <section aria-labelledby="people-heading">
      <h2 id="people-heading">{t('admin.people')}</h2>
      <Problem error={action.error} />
      {ended && (
        <p class="success" role="status">
          {ended}
        </p>
      )}
      {link && (
        <div class="field">
          <label for="reset-link">{t('admin.resetShown')}</label>
          <input id="reset-link" readOnly value={link} onFocus={(event) => event.currentTarget.select()} />
        </div>
      )}
      <ul class="plain-list">
        {[...users.value.values()].map((user) => (
          <li key={user.id} class="admin-item">
            <div class="admin-item-name">
              <Avatar userId={user.id} size="tiny" /> <strong>{user.displayName}</strong>{' '}
              <span class="muted">
                @{user.username}
                {user.active ? '' : ` · ${t('admin.deactivated')}`}
              </span>
            </div>
            <div class="admin-item-actions">
              <select
                aria-label={t('admin.roleOf', { name: user.displayName })}
                value={user.role}
                disabled={user.id === me.value?.id}
                onChange={(event) => action.run(() => setRole(user.id, event.currentTarget.value as Role))}
              >
                {ROLES.map((option) => (
                  <option key={option} value={option}>
                    {roleName(option)}
                  </option>
                ))}
              </select>
              {user.id !== me.value?.id && (
                <>
                  <button type="button" class="small" onClick={() => action.run(() => setActive(user.id, !user.active))}>
                    {user.active ? t('admin.deactivate') : t('admin.reactivate')}
                  </button>
                  <button type="button" class="small" onClick={() => action.run(async () => setLink(await resetLink(user.id)))}>
                    {t('admin.resetPassword')}
                  </button>
                  {user.active && (
                    <button type="button" class="small" onClick={() => (setEnded(undefined), setEnding(user))}>
                      {t('admin.endSessions')}
                    </button>
                  )}
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {ending && (
        <EndSessionsDialog
          user={ending}
          onClose={() => setEnding(undefined)}
          onDone={() => (setEnded(t('admin.sessionsEnded', { name: ending.displayName })), setEnding(undefined))}
        />
      )}
    </section>
  );
}
