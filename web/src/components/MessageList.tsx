/**
 * A channel's (or thread's) history: virtualized, with day separators, posts by the same person
 * within a few minutes grouped under one name, a "new since you last read" line above the first
 * unread post, and the view kept at the bottom while it is there; further up, one pill leads
 * back down, counting what came below, or offering the newest posts when the reader is far
 * back (useFollowBottom.ts). A post opened for editing (↑ in the composer) is scrolled to. Scrolling near the top loads older posts; the post
 * that was on screen stays where it was (useVirtualizer.ts says how).
 */
import { ArrowDown } from 'lucide';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { formatDay, t } from '../i18n';
import { editingPostId } from '../state/editing';
import type { OutboxEntry } from '../state/outbox-entry';
import type { Post } from '../types';
import { PendingItem, PostItem } from './PostItem';
import { useFollowBottom } from './useFollowBottom';
import { usePressedRow } from './usePressedRow';
import { useVirtualizer } from './useVirtualizer';
import { Icon } from './Icon';

const GROUP_MS = 5 * 60 * 1000;
const NEAR_TOP_PX = 300;

export type Item = { kind: 'post'; post: Post } | { kind: 'pending'; entry: OutboxEntry };

/**
 * Posts, then what waits in the outbox. A post whose WebSocket event came before the answer to
 * its own send is in both for a moment: it shows once, as the post.
 */
export function historyItems(posts: readonly Post[], pending: readonly OutboxEntry[]): Item[] {
  const known = new Set(posts.map((post) => post.id));
  return [
    ...posts.map((post): Item => ({ kind: 'post', post })),
    ...pending.filter((entry) => !known.has(entry.id)).map((entry): Item => ({ kind: 'pending', entry })),
  ];
}

const itemKey = (item: Item) => (item.kind === 'post' ? item.post.id : item.entry.id);
const dayOf = (ms: number) => new Date(ms).toDateString();

export interface MessageListProps {
  label: string;
  items: readonly Item[];
  firstUnreadId?: string | undefined;
  inThread?: boolean;
  hasOlder?: boolean;
  loadOlder?: () => Promise<void>;
}

export function MessageList({ label, items, firstUnreadId, inThread, hasOlder, loadOlder }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const feed = useRef<HTMLDivElement>(null);
  const loadingOlder = useRef(false);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    getItemKey: (index) => itemKey(items[index]!),
    overscan: 8,
  });
  const pressed = usePressedRow();
  // A list opens at its newest post.
  useLayoutEffect(() => virtualizer.scrollToEnd(), []);
  const bottom = useFollowBottom(scroller, feed, () => virtualizer.scrollToEnd(), {
    count: items.length,
    keyAt: (index) => itemKey(items[index]!),
  });
  // Whoever sends wants to see their post go out, wherever they were reading.
  const last = items[items.length - 1];
  useLayoutEffect(() => {
    if (last?.kind === 'pending') bottom.rejoin();
  }, [last && itemKey(last)]);

  // Offered while the first unread post is above the screen.
  const firstUnreadIndex = firstUnreadId ? items.findIndex((item) => itemKey(item) === firstUnreadId) : -1;
  const unreadAbove = firstUnreadIndex >= 0 && virtualizer.range !== null && firstUnreadIndex < virtualizer.range.startIndex;
  const jumpToUnread = () => virtualizer.scrollToIndex(firstUnreadIndex, { align: 'start' });

  const editingIndex = editingPostId.value ? items.findIndex((item) => itemKey(item) === editingPostId.value) : -1;
  useEffect(() => {
    if (editingIndex >= 0) virtualizer.scrollToIndex(editingIndex);
  }, [editingIndex >= 0 && editingPostId.value]);

  const loadOlderIfNearTop = () => {
    if (scroller.current!.scrollTop < NEAR_TOP_PX && hasOlder && loadOlder && !loadingOlder.current) {
      loadingOlder.current = true;
      void loadOlder()
        .catch(() => undefined)
        .finally(() => (loadingOlder.current = false));
    }
  };
  const onScroll = () => {
    bottom.onScroll();
    loadOlderIfNearTop();
  };
  // A reader already at the top scrolls no more: a page that came (or older posts found to
  // exist) while they wait there must lead to the next one without a scroll event.
  useEffect(loadOlderIfNearTop, [hasOlder, items.length]);

  // Keyboard: from a focused post, arrows and Page keys move between posts (feed pattern).
  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (target.getAttribute('role') !== 'article') return;
    const index = Number(target.dataset.index);
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 5, PageUp: -5 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(items.length - 1, index + step));
    virtualizer.scrollToIndex(next);
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus());
  };

  const rows = virtualizer.getVirtualItems();
  // Above the list, not over it: a pill on top of the list would hide the post under it.
  return (
    <>
      {unreadAbove && (
        <div class="jump-unread">
          <button type="button" class="small" onClick={jumpToUnread}>
            {t('channel.jumpUnread')}
          </button>
        </div>
      )}
      <div class="message-scroller" ref={scroller} onScroll={onScroll}>
        <div
          role="feed"
          aria-label={label}
          aria-busy={loadingOlder.current}
          class="message-feed"
          ref={feed}
          style={{ height: `${virtualizer.getTotalSize()}px` }}
          onKeyDown={onKeyDown}
        >
          {rows.map((row) => {
            const item = items[row.index]!;
            const previous = items[row.index - 1];
            const at = item.kind === 'post' ? item.post.createdAt : item.entry.queuedAt;
            const previousAt = previous ? (previous.kind === 'post' ? previous.post.createdAt : previous.entry.queuedAt) : undefined;
            // Above the first post loaded, the day is unknown until the older page comes.
            const newDay = previousAt === undefined ? !hasOlder : dayOf(previousAt) !== dayOf(at);
            const unreadLine = item.kind === 'post' && item.post.id === firstUnreadId;
            const grouped =
              !newDay &&
              !unreadLine &&
              item.kind === 'post' &&
              previous?.kind === 'post' &&
              previous.post.userId === item.post.userId &&
              at - previousAt! < GROUP_MS &&
              !previous.post.deleted;
            return (
              <div
                key={row.key}
                role="article"
                tabIndex={0}
                aria-posinset={row.index + 1}
                aria-setsize={hasOlder ? -1 : items.length}
                data-index={row.index}
                ref={virtualizer.measureElement}
                class={`message-row${pressed.open === row.key ? ' actions-open' : ''}`}
                {...pressed.handlers(String(row.key))}
                style={{ transform: `translateY(${row.start}px)` }}
              >
                {newDay && (
                  <div class="day-separator">
                    <span>{formatDay(at)}</span>
                  </div>
                )}
                {unreadLine && (
                  <div class="unread-line">
                    <span>{t('channel.newMessages')}</span>
                  </div>
                )}
                {item.kind === 'post' ? (
                  <PostItem post={item.post} grouped={grouped} inThread={inThread} />
                ) : (
                  <PendingItem entry={item.entry} />
                )}
              </div>
            );
          })}
        </div>
        {(bottom.unseen > 0 || bottom.far) && (
          <button type="button" class="small new-below" onClick={bottom.rejoin}>
            {bottom.unseen > 0 ? t('channel.newBelow', { count: bottom.unseen }) : t('channel.jumpPresent')} <Icon icon={ArrowDown} />
          </button>
        )}
      </div>
    </>
  );
}
