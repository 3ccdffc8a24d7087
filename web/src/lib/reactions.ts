/** A post's reactions with one person's reaction set or removed (one per person and emoji). */
import type { Post, Reaction } from '../types';

export function withReaction(post: Post, emoji: string, userId: string, active: boolean): Reaction[] {
  const others = post.reactions.map((reaction) =>
    reaction.emoji === emoji ? { emoji, userIds: reaction.userIds.filter((id) => id !== userId) } : reaction,
  );
  const withEmoji = others.some((reaction) => reaction.emoji === emoji) ? others : [...others, { emoji, userIds: [] }];
  return withEmoji
    .map((reaction) => (reaction.emoji === emoji && active ? { emoji, userIds: [...reaction.userIds, userId] } : reaction))
    .filter((reaction) => reaction.userIds.length > 0);
}

export const reactedBy = (post: Post, emoji: string, userId: string): boolean =>
  post.reactions.some((reaction) => reaction.emoji === emoji && reaction.userIds.includes(userId));
