/** Teams: create one (it comes with a General channel), rename it, choose who is in it. */
import { useEffect, useState } from 'preact/hooks';
import { Dialog } from '../components/Dialog';
import { Field } from '../components/Field';
import { useAction } from '../components/useAction';
import { t } from '../i18n';
import { slug } from '../lib/slug';
import { uuidv7 } from '../lib/uuidv7';
import { loadTeamMembers, teamMembers, teams, users } from '../state/directory';
import type { Team } from '../types';
import { addTeamMember, createTeam, removeTeamMember, renameTeam } from './teams-state';
import { Problem } from '../components/Problem';

function RenameTeamDialog({ team, onClose }: { team: Team; onClose: () => void }) {
  const { busy, error, run } = useAction(async (form: HTMLFormElement) => {
    await renameTeam(team.id, String(new FormData(form).get('displayName')).trim());
    onClose();
  });
  return (
    <Dialog title={t('admin.renameTeam', { team: team.displayName })} onClose={onClose}>
      <Problem error={error} />
      <form onSubmit={(event) => (event.preventDefault(), run(event.currentTarget))}>
        <Field label={t('admin.teamName')} name="displayName" defaultValue={team.displayName} required maxLength={64} />
        <button class="primary" disabled={busy}>
          {t('common.save')}
        </button>
      </form>
    </Dialog>
  );
}

function TeamMembersDialog({ team, onClose }: { team: Team; onClose: () => void }) {
  const members = teamMembers.value.get(team.id);
  const [chosen, setChosen] = useState('');
  const load = useAction(() => loadTeamMembers(team.id));
  const change = useAction(async (work: () => Promise<void>) => {
    await work();
    setChosen('');
  });
  useEffect(() => void load.run(), [team.id]);
  const inTeam = new Set(members?.map((member) => member.id));
  const others = [...users.value.values()].filter((user) => user.active && !inTeam.has(user.id));
  return (
    <Dialog title={t('admin.membersOf', { team: team.displayName })} onClose={onClose}>
      <Problem error={load.error ?? change.error} />
      {members === undefined ? (
        <p>{t('common.loading')}</p>
      ) : (
        <>
          <ul class="plain-list">
            {members.map((member) => (
              <li key={member.id} class="row">
                <span>
                  <strong>{member.displayName}</strong> <span class="muted">@{member.username}</span>
                </span>
                <button
                  type="button"
                  class="small"
                  disabled={change.busy}
                  aria-label={t('admin.removeFrom', { name: member.displayName, team: team.displayName })}
                  onClick={() => change.run(() => removeTeamMember(team.id, member.id))}
                >
                  {t('admin.remove')}
                </button>
              </li>
            ))}
          </ul>
          {others.length === 0 ? (
            <p class="muted">{t('admin.everyoneIn')}</p>
          ) : (
            <form
              class="row add-member"
              onSubmit={(event) => (event.preventDefault(), chosen && change.run(() => addTeamMember(team.id, chosen)))}
            >
              <select aria-label={t('admin.addPerson')} value={chosen} onChange={(event) => setChosen(event.currentTarget.value)} required>
                <option value="">{t('admin.addPerson')}</option>
                {others.map((user) => (
                  <option key={user.id} value={user.id}>
                    {user.displayName} (@{user.username})
                  </option>
                ))}
              </select>
              <button disabled={change.busy || !chosen}>{t('admin.add')}</button>
            </form>
          )}
        </>
      )}
    </Dialog>
  );
}

type Editing = { kind: 'rename' | 'members'; team: Team } | undefined;

export function Teams() {
  const [editing, setEditing] = useState<Editing>(undefined);
  const create = useAction(async (form: HTMLFormElement) => {
    const displayName = String(new FormData(form).get('displayName')).trim();
    await createTeam({ id: uuidv7(), name: slug(displayName, 'team'), displayName });
    form.reset();
  });
  return (
    <section aria-labelledby="teams-heading">
      <h2 id="teams-heading">{t('admin.teams')}</h2>
      <ul class="plain-list">
        {teams.value.map((team) => (
          <li key={team.id} class="admin-item">
            <div class="admin-item-name">
              <strong>{team.displayName}</strong>{' '}
              <span class="muted">
                {team.name}
                {team.member === false ? ` · ${t('admin.notMember')}` : ''}
              </span>
            </div>
            <div class="admin-item-actions">
              <button type="button" class="small" onClick={() => setEditing({ kind: 'rename', team })}>
                {t('admin.rename')}
              </button>
              <button type="button" class="small" onClick={() => setEditing({ kind: 'members', team })}>
                {t('admin.members')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <Problem error={create.error} />
      <form class="inline-form" onSubmit={(event) => (event.preventDefault(), create.run(event.currentTarget))}>
        <Field label={t('admin.teamName')} name="displayName" required maxLength={64} />
        <button class="primary" disabled={create.busy}>
          {t('admin.createTeam')}
        </button>
      </form>
      {editing?.kind === 'rename' && <RenameTeamDialog team={editing.team} onClose={() => setEditing(undefined)} />}
      {editing?.kind === 'members' && <TeamMembersDialog team={editing.team} onClose={() => setEditing(undefined)} />}
    </section>
  );
}
