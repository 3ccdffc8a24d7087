/** Browse and join public channels, create a channel, start a direct or group conversation. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { slug } from '../lib/slug';
import { uuidv7 } from '../lib/uuidv7';
import { browseChannels, createChannel, joinChannel, openConversation } from '../state/channels';
import { users } from '../state/directory';
import { navigate } from '../state/route';
import { me } from '../state/session';
import type { Channel } from '../types';
import { Dialog } from './Dialog';
import { Field } from './Field';
import { OnlineDot } from './OnlineDot';
import { useAction } from './useAction';
import { Problem } from './Problem';

export function BrowseChannelsDialog({ teamId, onClose }: { teamId: string; onClose: () => void }) {
  const [list, setList] = useState<Channel[] | undefined>(undefined);
  const { error, run } = useAction(async () => setList(await browseChannels(teamId)));
  useEffect(() => void run(), [teamId]);
  const join = useAction(async (channel: Channel) => {
    await joinChannel(channel.id);
    onClose();
    navigate(`/c/${channel.id}`);
  });
  return (
    <Dialog title={t('sidebar.browse')} onClose={onClose}>
      <Problem error={error ?? join.error} />
      {list === undefined ? (
        <p>{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p>{t('browse.none')}</p>
      ) : (
        <ul class="plain-list">
          {list.map((channel) => (
            <li key={channel.id} class="row">
              <div>
                <strong># {channel.displayName}</strong>
                {channel.purpose && <p class="muted">{channel.purpose}</p>}
              </div>
              <button type="button" onClick={() => join.run(channel)} disabled={join.busy}>
                {t('browse.join')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}

export function CreateChannelDialog({ teamId, onClose }: { teamId: string; onClose: () => void }) {
  const [isPrivate, setPrivate] = useState(false);
  const { busy, error, run } = useAction(async (form: HTMLFormElement) => {
    const values = new FormData(form);
    const displayName = String(values.get('displayName')).trim();
    const channel = await createChannel({
      id: uuidv7(),
      teamId,
      type: isPrivate ? 'private' : 'public',
      displayName,
      name: slug(displayName, 'channel'),
      purpose: String(values.get('purpose') ?? ''),
    });
    onClose();
    navigate(`/c/${channel.id}`);
  });
  return (
    <Dialog title={t('sidebar.createChannel')} onClose={onClose}>
      <Problem error={error} />
      <form onSubmit={(event) => (event.preventDefault(), run(event.currentTarget))}>
        <Field label={t('channel.name')} name="displayName" required maxLength={64} />
        <Field label={t('channel.purpose')} name="purpose" maxLength={250} />
        <label class="check">
          <input type="checkbox" checked={isPrivate} onChange={(event) => setPrivate(event.currentTarget.checked)} /> {t('channel.private')}
        </label>
        <button class="primary" disabled={busy}>
          {t('channel.create')}
        </button>
      </form>
    </Dialog>
  );
}

export function NewConversationDialog({ onClose }: { onClose: () => void }) {
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const people = [...users.value.values()].filter(
    (user) =>
      user.id !== me.value?.id && user.active && `${user.username} ${user.displayName}`.toLowerCase().includes(filter.toLowerCase()),
  );
  const { busy, error, run } = useAction(async () => {
    const channel = await openConversation(chosen);
    onClose();
    navigate(`/c/${channel.id}`);
  });
  const toggle = (id: string) => setChosen(chosen.includes(id) ? chosen.filter((other) => other !== id) : [...chosen, id].slice(0, 7));
  return (
    <Dialog title={t('sidebar.newConversation')} onClose={onClose}>
      <Problem error={error} />
      <Field label={t('conversation.find')} type="search" value={filter} onInput={(event) => setFilter(event.currentTarget.value)} />
      <fieldset class="people">
        <legend class="sr-only">{t('conversation.people')}</legend>
        {people.map((user) => (
          <label key={user.id} class="check">
            <input type="checkbox" checked={chosen.includes(user.id)} onChange={() => toggle(user.id)} /> <OnlineDot userId={user.id} />{' '}
            {user.displayName} <span class="muted">@{user.username}</span>
          </label>
        ))}
      </fieldset>
      <button class="primary" disabled={busy || chosen.length === 0} onClick={() => run()}>
        {t('conversation.start')}
      </button>
    </Dialog>
  );
}
