/** A thread beside the channel: the root post, its replies, and a composer for replying. */
import { X } from 'lucide';
import { useMemo } from 'preact/hooks';
import { t } from '../i18n';
import { outbox } from '../state/outbox';
import { findPost, postsByChannel } from '../state/posts';
import { closeThread } from '../state/thread';
import { Composer } from './Composer';
import { historyItems, MessageList } from './MessageList';
import { TypingLine } from './TypingLine';
import { Icon } from './Icon';

export function ThreadPanel({ rootId }: { rootId: string }) {
  const root = findPost(rootId);
  const posts = root ? (postsByChannel.value.get(root.channelId) ?? []) : [];
  const items = useMemo(
    () =>
      historyItems(
        posts.filter((post) => post.id === rootId || post.rootId === rootId),
        outbox.value.filter((entry) => entry.rootId === rootId),
      ),
    [posts, outbox.value, rootId],
  );
  return (
    <aside class="thread-panel" aria-labelledby="thread-title">
      <header class="channel-head">
        <h2 id="thread-title">{t('thread.title')}</h2>
        <button type="button" class="icon-button" aria-label={t('common.close')} onClick={closeThread}>
          <Icon icon={X} />
        </button>
      </header>
      {root ? (
        <>
          <MessageList label={t('thread.title')} items={items} inThread />
          <TypingLine channelId={root.channelId} rootId={rootId} />
          <Composer channelId={root.channelId} rootId={rootId} label={t('thread.reply')} />
        </>
      ) : (
        <p class="notice">{t('common.loading')}</p>
      )}
    </aside>
  );
}
