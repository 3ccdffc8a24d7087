/**
 * Invite links to a team with a role, optionally limited in time and in uses, with a QR code
 * to scan from the screen; the list shows how much of each limit is left.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Field } from '../components/Field';
import { useAction } from '../components/useAction';
import { formatDateTime, t } from '../i18n';
import { currentTeam, teams } from '../state/directory';
import type { Invite, Role } from '../types';
import { createInvite, invites, revokeInvite } from './admin-state';
import { QrCode } from './QrCode';
import { ROLES, roleName } from './roles';
import { Problem } from '../components/Problem';

type Unit = 'hours' | 'days';
// The server takes at most a year (expiresInHours up to 8760).
const MAX_EXPIRY: Record<Unit, number> = { hours: 24 * 365, days: 365 };

/** "Used 1 / 5 · Expires 24 Nov 2026, 05:40", and whether it can still be used. */
function limits(invite: Invite): string {
  const uses = `${t('admin.uses')} ${invite.maxUses ? `${invite.uses} / ${invite.maxUses}` : invite.uses}`;
  if (invite.revoked) return `${uses} · ${t('admin.revoked')}`;
  const expires = invite.expiresAt ? `${t('admin.expires')} ${formatDateTime(invite.expiresAt)}` : t('admin.neverExpires');
  return [uses, expires, ...(invite.valid === false ? [t('admin.invalid')] : [])].join(' · ');
}

export function Invites() {
  const [link, setLink] = useState<string | undefined>(undefined);
  const [unit, setUnit] = useState<Unit>('days');
  const create = useAction(async (form: HTMLFormElement) => {
    const values = new FormData(form);
    const lifetime = Number(values.get('expiry'));
    const maxUses = Number(values.get('maxUses'));
    setLink(
      await createInvite(String(values.get('teamId')), values.get('role') as Role, {
        ...(lifetime ? { expiresInHours: unit === 'days' ? lifetime * 24 : lifetime } : {}),
        ...(maxUses ? { maxUses } : {}),
      }),
    );
  });
  const revoke = useAction(revokeInvite);
  // On a phone the new link appears below the form, out of sight: bring it into view.
  const shown = useRef<HTMLDivElement>(null);
  useEffect(() => shown.current?.scrollIntoView({ block: 'start' }), [link]);
  const teamName = (teamId: string) => teams.value.find((team) => team.id === teamId)?.displayName ?? '';
  return (
    <section aria-labelledby="invites-heading">
      <h2 id="invites-heading">{t('admin.invites')}</h2>
      <p>{t('admin.joinPageIntro')}</p>
      <p>
        <a class="button" href="/join" target="_blank" rel="noopener">
          {t('admin.joinPage')}
        </a>
      </p>
      <Problem error={create.error ?? revoke.error} />
      <form class="invite-form" onSubmit={(event) => (event.preventDefault(), create.run(event.currentTarget))}>
        <div class="field">
          <label for="invite-team">{t('admin.team')}</label>
          <select id="invite-team" name="teamId" required>
            {teams.value.map((team) => (
              <option key={team.id} value={team.id} selected={team.id === currentTeam.value?.id}>
                {team.displayName}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="invite-role">{t('admin.role')}</label>
          <select id="invite-role" name="role">
            {ROLES.map((option) => (
              <option key={option} value={option} selected={option === 'member'}>
                {roleName(option)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="invite-expiry">{t('admin.expiresAfter')}</label>
          <div class="expiry">
            <input
              id="invite-expiry"
              name="expiry"
              type="number"
              min={1}
              max={MAX_EXPIRY[unit]}
              inputMode="numeric"
              aria-describedby="invite-expiry-hint"
            />
            <select aria-label={t('admin.expiryUnit')} value={unit} onChange={(event) => setUnit(event.currentTarget.value as Unit)}>
              <option value="hours">{t('admin.hours')}</option>
              <option value="days">{t('admin.days')}</option>
            </select>
          </div>
          <p class="hint" id="invite-expiry-hint">
            {t('admin.expiryHint')}
          </p>
        </div>
        <Field
          label={t('admin.maxUses')}
          name="maxUses"
          type="number"
          min={1}
          max={10000}
          inputMode="numeric"
          hint={t('admin.maxUsesHint')}
        />
        <button class="primary" disabled={create.busy || teams.value.length === 0}>
          {t('admin.createInvite')}
        </button>
      </form>
      {link && (
        <div class="invite-link" ref={shown}>
          <p>{t('admin.inviteShown')}</p>
          <input readOnly value={link} aria-label={t('admin.inviteLink')} onFocus={(event) => event.currentTarget.select()} />
          <QrCode text={link} label={t('admin.qrLabel', { link })} />
        </div>
      )}
      <ul class="plain-list invites" aria-label={t('admin.invites')}>
        {invites.value.map((invite) => (
          <li key={invite.id} class="admin-item">
            <div class="admin-item-name">
              <strong>
                {teamName(invite.teamId)} · {roleName(invite.role)}
              </strong>
              <div class="muted">{limits(invite)}</div>
            </div>
            {!invite.revoked && (
              <button type="button" class="small" onClick={() => revoke.run(invite.id)}>
                {t('admin.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
