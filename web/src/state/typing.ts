/** Who is typing where: shown for a few seconds after each typing frame. */
import { signal } from '@preact/signals';

const SHOWN_MS = 5000;
const key = (channelId: string, rootId: string | null) => `${channelId}/${rootId ?? ''}`;

export const typingNow = signal<ReadonlyMap<string, ReadonlyMap<string, number>>>(new Map());

export function someoneTyping(channelId: string, rootId: string | null, userId: string): void {
  const where = key(channelId, rootId);
  const next = new Map(typingNow.value);
  next.set(where, new Map(next.get(where)).set(userId, Date.now() + SHOWN_MS));
  typingNow.value = next;
  setTimeout(() => expire(where), SHOWN_MS + 50);
}

function expire(where: string): void {
  const now = Date.now();
  const still = new Map([...(typingNow.value.get(where) ?? [])].filter(([, until]) => until > now));
  typingNow.value = new Map(typingNow.value).set(where, still);
}

/** Someone who posts has stopped typing. */
export function stoppedTyping(channelId: string, rootId: string | null, userId: string): void {
  const where = key(channelId, rootId);
  const current = typingNow.value.get(where);
  if (!current?.has(userId)) return;
  const still = new Map(current);
  still.delete(userId);
  typingNow.value = new Map(typingNow.value).set(where, still);
}

export const typistsIn = (channelId: string, rootId: string | null): string[] => [
  ...(typingNow.value.get(key(channelId, rootId))?.keys() ?? []),
];
