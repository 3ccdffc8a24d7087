/** Whether the box answers right now, and who is online on it. */
import { signal } from '@preact/signals';

/** The WebSocket is up and resumed: what is shown is current. */
export const connected = signal(false);
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
