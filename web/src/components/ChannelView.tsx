/** A channel: its header (with the way to its settings), history, who is typing, and the composer. */
import { ChevronLeft, Pin, Settings } from 'lucide';
import { useComputed } from '@preact/signals';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { t } from '../i18n';
import { channelTitle, currentChannel, lastReadAt, markRead, sendReadMarks } from '../state/channels';
import { connected } from '../state/connection';
import { outbox } from '../state/outbox';
import { pinnedPosts } from '../state/post-actions';
import { loadCachedChannel, loadNewest, loadOlder, olderAvailable, postsByChannel } from '../state/posts';
import { navigate } from '../state/route';
import { me } from '../state/session';
import type { Post } from '../types';
import { Composer } from './Composer';
import { Dialog } from './Dialog';
import { historyItems, MessageList } from './MessageList';
import { NotInChannel } from './NotInChannel';
import { PostItem } from './PostItem';
import { TypingLine } from './TypingLine';
import { useAction } from './useAction';
import { Problem } from './Problem';
import { Icon } from './Icon';

function PinsDialog({ channelId, onClose }: { channelId: string; onClose: () => void }) {
  const [pins, setPins] = useState<Post[] | undefined>(undefined);
  const load = useAction(async () => setPins(await pinnedPosts(channelId)));
  useEffect(() => void load.run(), [channelId]);
  return (
    <Dialog title={t('channel.pins')} onClose={onClose}>
      <Problem error={load.error} />
      {pins?.length === 0 && <p>{t('channel.noPins')}</p>}
      {pins?.map((post) => (
        <PostItem key={post.id} post={post} grouped={false} inThread />
      ))}
    </Dialog>
  );
}

const NO_POSTS: readonly Post[] = [];

export function ChannelView({ channelId }: { channelId: string }) {
  const channel = currentChannel.value;
  const [showPins, setShowPins] = useState(false);
  // Only this channel's posts: the start's history prefetch of other channels renders nothing here.
  const posts = useComputed(() => postsByChannel.value.get(channelId) ?? NO_POSTS).value;

  // The newest post once the channel has caught up on opening: what comes later is read as it comes.
  const [caughtUpAt, setCaughtUpAt] = useState<number | undefined>(undefined);
  useEffect(() => {
    void loadCachedChannel(channelId)
      .then(() => loadNewest(channelId))
      .catch(() => undefined)
      .finally(() => setCaughtUpAt(postsByChannel.value.get(channelId)?.at(-1)?.createdAt ?? 0));
  }, [channelId]);

  // The read mark as it was when the channel was opened: the "new" line stays put while reading.
  const lastViewedAt = useMemo(() => channel && lastReadAt(channel), [channel !== undefined]);
  const firstUnread =
    lastViewedAt === undefined
      ? undefined
      : posts.find(
          (post) =>
            post.rootId === null &&
            post.createdAt > lastViewedAt &&
            (caughtUpAt === undefined || post.createdAt <= caughtUpAt) &&
            post.userId !== me.value?.id,
        );

  const newestAt = posts[posts.length - 1]?.createdAt;
  useEffect(() => {
    if (!document.hidden) markRead(channelId, newestAt);
  }, [channelId, posts.length]);

  // The server hears of what was read when the reader leaves: this channel for another, or the window.
  useEffect(() => {
    const visibility = () =>
      document.hidden ? sendReadMarks() : markRead(channelId, postsByChannel.value.get(channelId)?.at(-1)?.createdAt);
    document.addEventListener('visibilitychange', visibility);
    window.addEventListener('blur', sendReadMarks);
    window.addEventListener('pagehide', sendReadMarks);
    return () => {
      document.removeEventListener('visibilitychange', visibility);
      window.removeEventListener('blur', sendReadMarks);
      window.removeEventListener('pagehide', sendReadMarks);
      sendReadMarks();
    };
  }, [channelId]);

  const items = useMemo(
    () =>
      historyItems(
        posts.filter((post) => post.rootId === null),
        outbox.value.filter((entry) => entry.channelId === channelId && entry.rootId === null),
      ),
    [posts, outbox.value, channelId],
  );

  if (!channel)
    return (
      <section class="channel-view">
        <NotInChannel channelId={channelId} />
      </section>
    );
  const title = channelTitle(channel);
  return (
    <section class="channel-view" aria-labelledby="channel-title">
      <header class="channel-head">
        <button type="button" class="icon-button back" aria-label={t('common.back')} onClick={() => navigate('/')}>
          <Icon icon={ChevronLeft} />
        </button>
        <div class="channel-head-text">
          <h1 id="channel-title">
            {channel.type === 'public' ? '# ' : ''}
            {title}
          </h1>
          {(channel.header || channel.purpose) && <p class="muted">{channel.header || channel.purpose}</p>}
        </div>
        <button
          type="button"
          class="icon-button"
          aria-label={t('channel.pins')}
          title={t('channel.pins')}
          onClick={() => setShowPins(true)}
          disabled={!connected.value}
        >
          <Icon icon={Pin} />
        </button>
        <a
          href={`/c/${channelId}/settings`}
          class="icon-button"
          aria-label={t('channel.settings')}
          title={t('channel.settings')}
          onClick={(event) => (event.preventDefault(), navigate(`/c/${channelId}/settings`))}
        >
          <Icon icon={Settings} />
        </a>
      </header>
      {channel.archived && <p class="notice">{t('channel.archived')}</p>}
      <MessageList
        label={t('channel.history', { name: title })}
        items={items}
        firstUnreadId={firstUnread?.id}
        hasOlder={olderAvailable.value.has(channelId)}
        loadOlder={() => loadOlder(channelId)}
      />
      <TypingLine channelId={channelId} rootId={null} />
      <Composer channelId={channelId} rootId={null} label={t('composer.placeholder', { name: title })} disabled={channel.archived} />
      {showPins && <PinsDialog channelId={channelId} onClose={() => setShowPins(false)} />}
    </section>
  );
}
