/**
 * One post in a list of results (search, mentions): where and by whom, then its text. Opening it
 * shows the channel, and the thread when the post is a reply.
 */
import type { ComponentChildren } from 'preact';
import { formatDateTime } from '../i18n';
import { channels, channelTitle } from '../state/channels';
import { displayName } from '../state/directory';
import { navigate } from '../state/route';
import { openThreadInChannel } from '../state/thread';
import type { Post } from '../types';

function openPost(post: Post): void {
  if (post.rootId) openThreadInChannel(post.channelId, post.rootId);
  else navigate(`/c/${post.channelId}`);
}

export function PostResult({ post, onOpen, children }: { post: Post; onOpen: () => void; children: ComponentChildren }) {
  const channel = channels.value.find((candidate) => candidate.id === post.channelId);
  return (
    <li>
      <button type="button" class="result" data-post-id={post.id} onClick={() => (onOpen(), openPost(post))}>
        <span class="muted">
          {channel ? channelTitle(channel) : ''} · {displayName(post.userId)} · {formatDateTime(post.createdAt)}
        </span>
        {children}
      </button>
    </li>
  );
}

/** Back on a list after opening one of its posts: put focus (and so the scroll) where the reader was. */
export function focusOpened(list: HTMLElement | null, postId: string | undefined): void {
  if (postId) list?.querySelector<HTMLElement>(`[data-post-id="${postId}"]`)?.focus();
}
