/**
 * Who is online on the box: the WebSocket's `hello` lists everyone connected at that moment, and
 * `presence` frames follow each person's first socket opening and last one closing (so a second
 * tab changes nothing). Ephemeral: nothing here is stored, and after a reconnect the next
 * `hello` replaces the whole set.
 */
import { signal } from '@preact/signals';

export const online = signal<ReadonlySet<string>>(new Set());

export function setPresence(userId: string, isOnline: boolean, everyone?: string[]): void {
  if (everyone) {
    online.value = new Set(everyone);
    return;
  }
  const next = new Set(online.value);
  if (isOnline) next.add(userId);
  else next.delete(userId);
  online.value = next;
}
