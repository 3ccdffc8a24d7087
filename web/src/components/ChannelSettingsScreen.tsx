/**
 * A channel's settings, a screen of its own (/c/:id/settings) so it has room on a phone: names,
 * header and purpose; my notifications for it; its members; archiving and leaving. A direct or
 * group conversation shows only its members and notifications. Controls appear only for those
 * the server will allow; when it refuses anyway, its reason is shown beside the control.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import {
  addMember,
  channelMembers,
  channelPermissions,
  type ChannelNotifyLevel,
  loadMembers,
  removeMember,
  setArchived,
  setNotifications,
  updateChannel,
} from '../state/channel-settings';
import { channels, channelTitle, isConversation, leaveChannel } from '../state/channels';
import { loadTeamMembers, teamMembers } from '../state/directory';
import { navigate } from '../state/route';
import { me } from '../state/session';
import type { Channel, User } from '../types';
import { Field } from './Field';
import { ScreenHeader } from './ScreenHeader';
import { NotInChannel } from './NotInChannel';
import { Avatar } from './Avatar';
import { OnlineDot } from './OnlineDot';
import { useAction } from './useAction';
import { Problem } from './Problem';

const aboutOf = (channel: Channel) => JSON.stringify([channel.displayName, channel.name, channel.header, channel.purpose]);

function AboutSection({ channel, editable }: { channel: Channel; editable: boolean }) {
  const [saved, setSaved] = useState(false);
  const [editing, setEditing] = useState(false);
  // What the form shows: the channel as it is, until someone starts typing; from then on, what
  // it was when they started, so a change saved elsewhere does not wipe what they typed.
  const started = useRef(channel);
  if (!editing) started.current = channel;
  const shown = started.current;
  const changedElsewhere = editing && aboutOf(shown) !== aboutOf(channel);
  const save = useAction(async (form: HTMLFormElement) => {
    const values = new FormData(form);
    setSaved(false);
    await updateChannel(channel.id, {
      displayName: String(values.get('displayName')).trim(),
      name: String(values.get('name')).trim(),
      header: String(values.get('header')),
      purpose: String(values.get('purpose')),
    });
    setEditing(false);
    setSaved(true);
  });
  const why = channel.archived ? t('channel.cannotEditArchived') : me.value?.role === 'guest' ? t('channel.cannotEditGuest') : undefined;
  return (
    <section aria-labelledby="about-heading">
      <h2 id="about-heading">{t('channel.about')}</h2>
      {why && <p class="muted">{why}</p>}
      <Problem error={save.error} />
      {saved && (
        <p class="success" role="status">
          {t('settings.saved')}
        </p>
      )}
      {changedElsewhere && (
        <p class="notice">
          {t('channel.changedElsewhere')}{' '}
          <button type="button" class="link" onClick={() => setEditing(false)}>
            {t('channel.showTheirs')}
          </button>
        </p>
      )}
      <form
        key={aboutOf(shown)}
        onInput={() => (setEditing(true), setSaved(false))}
        onSubmit={(event) => (event.preventDefault(), save.run(event.currentTarget))}
      >
        <fieldset class="plain" disabled={!editable}>
          <Field label={t('channel.displayName')} name="displayName" defaultValue={shown.displayName} required maxLength={64} />
          <Field
            label={t('channel.handle')}
            name="name"
            defaultValue={shown.name}
            required
            maxLength={64}
            pattern="[a-z0-9_\-]+"
            hint={t('channel.handleHint')}
          />
          <div class="field">
            <label for="channel-header">{t('channel.header')}</label>
            <textarea
              id="channel-header"
              name="header"
              rows={2}
              maxLength={1024}
              defaultValue={shown.header}
              aria-describedby="channel-header-hint"
            />
            <p class="hint" id="channel-header-hint">
              {t('channel.headerHint')}
            </p>
          </div>
          <Field label={t('channel.purpose')} name="purpose" defaultValue={shown.purpose} maxLength={250} />
          {editable && (
            <button class="primary" disabled={save.busy}>
              {t('common.save')}
            </button>
          )}
        </fieldset>
      </form>
    </section>
  );
}

function NotificationsSection({ channel }: { channel: Channel }) {
  const level = (channel.notifyLevel ?? 'default') as ChannelNotifyLevel;
  const muted = channel.muted === true;
  const change = useAction((next: { level: ChannelNotifyLevel; muted: boolean }) => setNotifications(channel.id, next.level, next.muted));
  return (
    <section aria-labelledby="notify-heading">
      <h2 id="notify-heading">{t('channel.notifications')}</h2>
      <Problem error={change.error} />
      <div class="field">
        <label for="channel-notify">{t('settings.notifications')}</label>
        <select
          id="channel-notify"
          value={level}
          disabled={change.busy}
          onChange={(event) => change.run({ level: event.currentTarget.value as ChannelNotifyLevel, muted })}
        >
          <option value="default">{t('channel.notifyDefault')}</option>
          <option value="all">{t('settings.notifyAll')}</option>
          <option value="mentions">{t('settings.notifyMentions')}</option>
          <option value="none">{t('settings.notifyNone')}</option>
        </select>
      </div>
      <label class="check">
        <input
          type="checkbox"
          id="channel-mute"
          checked={muted}
          disabled={change.busy}
          onChange={(event) => change.run({ level, muted: event.currentTarget.checked })}
          aria-describedby="channel-mute-hint"
        />
        {t('channel.mute')}
      </label>
      <p class="hint" id="channel-mute-hint">
        {t('channel.muteHint')}
      </p>
    </section>
  );
}

function AddPeople({ channel, members }: { channel: Channel; members: readonly User[] }) {
  const [filter, setFilter] = useState('');
  const add = useAction((user: User) => addMember(channel.id, user.id));
  const load = useAction(() => loadTeamMembers(channel.teamId!));
  useEffect(() => void load.run(), [channel.teamId]);
  const inChannel = new Set(members.map((member) => member.id));
  const candidates = (teamMembers.value.get(channel.teamId!) ?? []).filter((user) => user.active && !inChannel.has(user.id));
  const shown = candidates.filter((user) => `${user.username} ${user.displayName}`.toLowerCase().includes(filter.trim().toLowerCase()));
  return (
    <div class="add-people">
      <h3>{t('channel.addPeople')}</h3>
      <Problem error={load.error ?? add.error} />
      {candidates.length > 0 && (
        <Field label={t('conversation.find')} type="search" value={filter} onInput={(event) => setFilter(event.currentTarget.value)} />
      )}
      {candidates.length === 0 ? (
        <p class="muted">{t('channel.nobodyToAdd')}</p>
      ) : shown.length === 0 ? (
        <p class="muted">{t('search.none')}</p>
      ) : (
        <ul class="plain-list" aria-label={t('channel.addPeople')}>
          {shown.slice(0, 20).map((user) => (
            <li key={user.id} class="row">
              <span>
                <Avatar userId={user.id} size="tiny" /> <OnlineDot userId={user.id} /> {user.displayName}{' '}
                <span class="muted">@{user.username}</span>
              </span>
              <button
                type="button"
                class="small"
                aria-label={t('channel.addName', { name: user.displayName })}
                disabled={add.busy}
                onClick={() => add.run(user)}
              >
                {t('channel.add')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function MembersSection({ channel, canAdd, canRemove }: { channel: Channel; canAdd: boolean; canRemove: boolean }) {
  const load = useAction(() => loadMembers(channel.id));
  const remove = useAction((user: User) => removeMember(channel.id, user.id));
  useEffect(() => void load.run(), [channel.id]);
  const members = channelMembers.value.get(channel.id);
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">
        {t('channel.members')}
        {members && <span class="muted"> ({members.length})</span>}
      </h2>
      <Problem error={load.error ?? remove.error} />
      {members === undefined ? (
        <p>{t('common.loading')}</p>
      ) : (
        <ul class="plain-list" aria-labelledby="members-heading">
          {members.map((user) => (
            <li key={user.id} class="row">
              <span>
                <OnlineDot userId={user.id} /> {user.displayName} <span class="muted">@{user.username}</span>
              </span>
              {canRemove && user.id !== me.value?.id && (
                <button
                  type="button"
                  class="small danger"
                  aria-label={t('channel.removeName', { name: user.displayName })}
                  disabled={remove.busy}
                  onClick={() => confirm(t('channel.confirmRemove', { name: user.displayName })) && remove.run(user)}
                >
                  {t('channel.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canAdd && members && <AddPeople channel={channel} members={members} />}
    </section>
  );
}

function ManageSection({ channel, canArchive, canLeave }: { channel: Channel; canArchive: boolean; canLeave: boolean }) {
  const archive = useAction(() => setArchived(channel.id, !channel.archived));
  const leave = useAction(async () => {
    await leaveChannel(channel.id);
    navigate('/', true);
  });
  return (
    <section aria-labelledby="manage-heading">
      <h2 id="manage-heading">{t('channel.manage')}</h2>
      <Problem error={archive.error ?? leave.error} />
      <div class="row-buttons">
        {canArchive && (
          <button
            type="button"
            disabled={archive.busy}
            onClick={() => confirm(channel.archived ? t('channel.confirmUnarchive') : t('channel.confirmArchive')) && archive.run()}
          >
            {channel.archived ? t('channel.unarchive') : t('channel.archive')}
          </button>
        )}
        {canLeave && (
          <button type="button" class="danger" disabled={leave.busy} onClick={() => confirm(t('channel.confirmLeave')) && leave.run()}>
            {t('channel.leave')}
          </button>
        )}
      </div>
    </section>
  );
}

export function ChannelSettingsScreen({ channelId }: { channelId: string }) {
  const channel = channels.value.find((candidate) => candidate.id === channelId);
  if (!channel) {
    return (
      <main class="screen">
        <ScreenHeader title={t('channel.settings')} />
        <NotInChannel channelId={channelId} />
      </main>
    );
  }
  const allowed = channelPermissions(channel);
  const conversation = isConversation(channel);
  return (
    <main class="screen channel-settings">
      <ScreenHeader title={t('channel.settingsOf', { name: channelTitle(channel) })} />
      {channel.archived && <p class="callout archived-notice">{t('channel.archived')}</p>}
      {!conversation && <AboutSection channel={channel} editable={allowed.edit} />}
      <NotificationsSection channel={channel} />
      <MembersSection channel={channel} canAdd={allowed.addMembers} canRemove={allowed.removeMembers} />
      {(allowed.archive || allowed.leave) && <ManageSection channel={channel} canArchive={allowed.archive} canLeave={allowed.leave} />}
    </main>
  );
}
