/**
 * Changing posts that exist: reactions, pins, edits, deletes. These need the box (they are not
 * queued like new posts); the change shows at once and is undone if the box refuses it.
 */
import { api } from '../net/api';
import { reactedBy, withReaction } from '../lib/reactions';
import type { Post } from '../types';
import { findPost, tombstone, upsertPosts } from './posts';

async function optimistic(postId: string, change: (post: Post) => Post, request: () => Promise<unknown>): Promise<void> {
  const before = findPost(postId);
  if (before) upsertPosts([change(before)], false);
  try {
    await request();
  } catch (error) {
    if (before) upsertPosts([before], false);
    throw error;
  }
}

export function toggleReaction(post: Post, emoji: string, userId: string): Promise<void> {
  const active = !reactedBy(post, emoji, userId);
  const path = `/posts/${post.id}/reactions/${encodeURIComponent(emoji)}`;
  return optimistic(
    post.id,
    (current) => ({ ...current, reactions: withReaction(current, emoji, userId, active) }),
    () => (active ? api.put(path) : api.delete(path)),
  );
}

export function togglePin(post: Post): Promise<void> {
  return optimistic(
    post.id,
    (current) => ({ ...current, pinned: !post.pinned }),
    () => (post.pinned ? api.delete(`/posts/${post.id}/pin`) : api.put(`/posts/${post.id}/pin`)),
  );
}

export function editPost(post: Post, message: string): Promise<void> {
  return optimistic(
    post.id,
    (current) => ({ ...current, message, editedAt: Date.now() }),
    () => api.patch(`/posts/${post.id}`, { message }),
  );
}

export function deletePost(post: Post): Promise<void> {
  return optimistic(post.id, tombstone, () => api.delete(`/posts/${post.id}`));
}

export async function pinnedPosts(channelId: string): Promise<Post[]> {
  return (await api.get<{ posts: Post[] }>(`/channels/${channelId}/pins`)).posts;
}
