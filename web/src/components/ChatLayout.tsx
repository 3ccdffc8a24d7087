/**
 * The logged-in app. On a phone one pane at a time (the channel list, a channel or a screen
 * such as settings, a thread); from tablet width the sidebar stays beside the channel or the
 * screen, and on a desktop the thread too.
 */
import { useEffect } from 'preact/hooks';
import { prepareFormatters, t } from '../i18n';
import { loadRenderer } from '../lib/markdown';
import { channels } from '../state/channels';
import { offline } from '../state/connection';
import { currentTeam } from '../state/directory';
import { notice } from '../state/notices';
import { outbox } from '../state/outbox';
import { navigate, route, type Route } from '../state/route';
import { channelShown, openThreadId } from '../state/thread';
import { ChannelSettingsScreen } from './ChannelSettingsScreen';
import { ChannelView } from './ChannelView';
import { Lazy } from './Lazy';
import { PostAlert } from './PostAlert';
import { NameClashNotice } from './NameClashNotice';
import { PlainHttpNote } from './PlainHttpNote';
import { SettingsScreen } from './SettingsScreen';
import { Sidebar } from './Sidebar';
import { ThreadPanel } from './ThreadPanel';

const loadSearch = () => import('../search/SearchScreen');
const loadMentions = () => import('../search/MentionsScreen');
const loadAdmin = () => import('../admin/AdminScreen');

function StatusBar() {
  const pending = outbox.value.filter((entry) => entry.state === 'pending').length;
  // The post alert floats outside the bar, which hides itself when it holds nothing.
  return (
    <>
      <div class="status-bar" role="status">
        {offline.value && <span class="offline">{t('status.offline')}</span>}
        {pending > 0 && <span>{t('status.pending', { count: pending })}</span>}
        {notice.value && <span class="notice-text">{notice.value}</span>}
        <NameClashNotice />
        <PlainHttpNote />
      </div>
      <PostAlert />
    </>
  );
}

/** The full screen a route opens in place of a channel: beside the sidebar from tablet width, alone on a phone. */
function screenOf(current: Route) {
  switch (current.name) {
    case 'channelSettings':
      return <ChannelSettingsScreen channelId={current.channelId} />;
    case 'settings':
      return <SettingsScreen />;
    case 'search':
      return <Lazy load={loadSearch} props={{}} />;
    case 'mentions':
      return <Lazy load={loadMentions} props={{}} />;
    case 'admin':
      return <Lazy load={loadAdmin} props={{}} />;
    default:
      return undefined;
  }
}

export function ChatLayout() {
  const current = route.value;
  const channelId = current.name === 'channel' ? current.channelId : undefined;
  useEffect(() => channelShown(channelId), [channelId]);
  useEffect(() => {
    loadRenderer();
    setTimeout(prepareFormatters);
  }, []);

  // On a wide screen, "/" opens the team's first channel rather than an empty pane.
  const wide = matchMedia('(min-width: 48rem)').matches;
  const fallback = channels.value.find((channel) => channel.teamId === currentTeam.value?.id) ?? channels.value[0];
  useEffect(() => {
    if (current.name === 'home' && wide && fallback) navigate(`/c/${fallback.id}`, true);
  }, [current.name, fallback?.id]);

  const screen = screenOf(current);
  if (screen)
    return (
      <div class="chat has-screen">
        <StatusBar />
        <Sidebar />
        {screen}
      </div>
    );
  const thread = openThreadId.value;
  // Keyed: another channel or thread is a new view, so nothing of the last one (attachments
  // chosen, scroll position, a page loading) carries over to it.
  return (
    <div class={`chat${channelId ? ' has-channel' : ''}${thread ? ' has-thread' : ''}`}>
      <StatusBar />
      <Sidebar />
      <main class="main-pane">
        {channelId ? <ChannelView key={channelId} channelId={channelId} /> : <p class="notice">{t('channel.pick')}</p>}
      </main>
      {thread && <ThreadPanel key={thread} rootId={thread} />}
    </div>
  );
}
