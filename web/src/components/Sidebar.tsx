/** Teams, channels and conversations with their unread and mention badges. */
import { AtSign, BellOff, Hash, List, Lock, Pencil, Plus, Search, Settings, Users, Wrench } from 'lucide';
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { channels, channelTitle, currentChannelId, isConversation } from '../state/channels';
import { chooseTeam, currentTeam, teams } from '../state/directory';
import { drafts } from '../state/drafts';
import { navigate, route } from '../state/route';
import { me } from '../state/session';
import type { Channel } from '../types';
import { BrowseChannelsDialog, CreateChannelDialog, NewConversationDialog } from './ChannelDialogs';
import { Avatar } from './Avatar';
import { OnlineDot } from './OnlineDot';
import { Icon } from './Icon';

function ChannelLink({ channel }: { channel: Channel }) {
  const current = channel.id === currentChannelId.value;
  // A muted channel stays quiet: dimmed, never bold, no badge (the title's count skips it too).
  const muted = channel.muted === true;
  const unread = (channel.unread ?? 0) > 0 && !muted;
  const mentions = muted ? 0 : (channel.mentions ?? 0);
  const mark = channel.type === 'private' ? Lock : channel.type === 'public' ? Hash : channel.type === 'group' ? Users : AtSign;
  // What was typed here and not sent waits in the channel's composer (a thread's draft is in its thread).
  const draft = !current && (drafts.value.get(channel.id) ?? '').trim() !== '';
  const partnerId = channel.type === 'direct' ? channel.memberIds?.find((id) => id !== me.value?.id) : undefined;
  return (
    <li>
      <a
        href={`/c/${channel.id}`}
        class={`channel-link${current ? ' current' : ''}${unread ? ' unread' : ''}${muted ? ' muted-channel' : ''}`}
        aria-current={current ? 'page' : undefined}
        onClick={(event) => (event.preventDefault(), navigate(`/c/${channel.id}`))}
      >
        <Icon icon={mark} class="channel-mark" />
        {partnerId && <Avatar userId={partnerId} size="tiny" />}
        <span class="channel-name">{channelTitle(channel)}</span>
        {partnerId && <OnlineDot userId={partnerId} />}
        {draft && (
          <span class="draft-mark" title={t('sidebar.draft')}>
            <Icon icon={Pencil} />
            <span class="sr-only">{t('sidebar.draft')}</span>
          </span>
        )}
        {mentions > 0 && (
          <span class="badge" aria-label={t('sidebar.mentions', { count: mentions })}>
            {mentions}
          </span>
        )}
        {mentions === 0 && unread && <span class="sr-only">{t('sidebar.unread')}</span>}
        {muted && (
          <span class="muted-mark" title={t('channel.muted')}>
            <Icon icon={BellOff} />
            <span class="sr-only">{t('channel.muted')}</span>
          </span>
        )}
      </a>
    </li>
  );
}

type Open = 'browse' | 'create' | 'conversation' | undefined;

/** The screen a sidebar link opens is marked while it shows (beside the sidebar from tablet width). */
const here = (screen: 'search' | 'mentions' | 'settings' | 'admin') => (route.value.name === screen ? 'page' : undefined);

export function Sidebar() {
  const [open, setOpen] = useState<Open>(undefined);
  const team = currentTeam.value;
  const teamChannels = channels.value.filter((channel) => !isConversation(channel) && channel.teamId === team?.id);
  const conversations = channels.value.filter(isConversation);
  const memberTeams = teams.value.filter((candidate) => candidate.member !== false);
  return (
    <nav class="sidebar" aria-label={t('sidebar.label')}>
      <header class="sidebar-head">
        {memberTeams.length > 1 ? (
          <select aria-label={t('sidebar.team')} value={team?.id} onChange={(event) => chooseTeam(event.currentTarget.value)}>
            {memberTeams.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.displayName}
              </option>
            ))}
          </select>
        ) : (
          <h1 class="team-name">{team?.displayName ?? 'Hail'}</h1>
        )}
        <span class="me-name">{me.value?.displayName}</span>
      </header>
      <div class="sidebar-tools">
        <a href="/search" aria-current={here('search')} class="tool" onClick={(event) => (event.preventDefault(), navigate('/search'))}>
          <Icon icon={Search} /> {t('search.title')}
        </a>
        <a
          href="/mentions"
          aria-current={here('mentions')}
          class="tool"
          onClick={(event) => (event.preventDefault(), navigate('/mentions'))}
        >
          <Icon icon={AtSign} /> {t('mentions.title')}
        </a>
      </div>
      <section aria-labelledby="channels-heading">
        <div class="section-head">
          <h2 id="channels-heading">{t('sidebar.channels')}</h2>
          <button
            type="button"
            class="icon-button"
            aria-label={t('sidebar.browse')}
            title={t('sidebar.browse')}
            onClick={() => setOpen('browse')}
            disabled={!team}
          >
            <Icon icon={List} />
          </button>
          <button
            type="button"
            class="icon-button"
            aria-label={t('sidebar.createChannel')}
            title={t('sidebar.createChannel')}
            onClick={() => setOpen('create')}
            disabled={!team}
          >
            <Icon icon={Plus} />
          </button>
        </div>
        <ul class="channel-list">
          {teamChannels.map((channel) => (
            <ChannelLink key={channel.id} channel={channel} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="dm-heading">
        <div class="section-head">
          <h2 id="dm-heading">{t('sidebar.conversations')}</h2>
          <button
            type="button"
            class="icon-button"
            aria-label={t('sidebar.newConversation')}
            title={t('sidebar.newConversation')}
            onClick={() => setOpen('conversation')}
          >
            <Icon icon={Plus} />
          </button>
        </div>
        <ul class="channel-list">
          {conversations.map((channel) => (
            <ChannelLink key={channel.id} channel={channel} />
          ))}
        </ul>
      </section>
      <footer class="sidebar-foot">
        <a href="/settings" aria-current={here('settings')} onClick={(event) => (event.preventDefault(), navigate('/settings'))}>
          <Icon icon={Settings} /> {t('settings.title')}
        </a>
        {me.value?.role === 'admin' && (
          <a href="/admin" aria-current={here('admin')} onClick={(event) => (event.preventDefault(), navigate('/admin'))}>
            <Icon icon={Wrench} /> {t('admin.title')}
          </a>
        )}
      </footer>
      {open === 'browse' && team && <BrowseChannelsDialog teamId={team.id} onClose={() => setOpen(undefined)} />}
      {open === 'create' && team && <CreateChannelDialog teamId={team.id} onClose={() => setOpen(undefined)} />}
      {open === 'conversation' && <NewConversationDialog onClose={() => setOpen(undefined)} />}
    </nav>
  );
}
