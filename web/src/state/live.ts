/**
 * Keeps the app current over the WebSocket: applies events in order, remembers the feed
 * sequence of the last one applied (in IndexedDB, so a reload resumes too), wakes the outbox
 * when the box is back, and reloads everything when the box's feed was reset.
 */
import { api } from '../net/api';
import { Realtime } from '../net/socket';
import { patchChannel } from './channels';
import { connected, connectionTried } from './connection';
import { readValue, writeValue } from './db';
import { applyEvent } from './events';
import { flushOutbox } from './outbox';
import { setPresence } from './presence';
import { signOut } from './session';
import { someoneTyping } from './typing';

const TYPING_EVERY_MS = 3000;
let feedSeq: number | undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let lastTyping = 0;
let realtime: Realtime | undefined;

function ended(): void {
  // Also stops it reconnecting when the browser comes back online with a later session's cookie.
  realtime?.stop();
  void signOut();
}

/**
 * `reload` fetches the lists and the open channel again: after a reset, and on connecting,
 * for whatever the lists missed while away. `listsFresh` says the lists were just fetched:
 * then a first connection that resumes from a stored feed sequence replays all that changed
 * since, and reloading them again would only repeat the same requests on every start.
 */
export async function startLive(reload: () => Promise<void>, listsFresh: boolean): Promise<void> {
  feedSeq = await readValue<number>('feedSeq');
  let skipReload = listsFresh && feedSeq !== undefined;
  realtime = new Realtime({
    since: () => feedSeq,
    event(seq, event) {
      applyEvent(event);
      feedSeq = seq;
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => void writeValue('feedSeq', feedSeq), 200);
    },
    async reset(seq) {
      feedSeq = seq;
      await writeValue('feedSeq', seq);
      await reload();
    },
    typing: someoneTyping,
    presence: setPresence,
    read: (channelId) => patchChannel(channelId, () => ({ unread: 0, mentions: 0 })),
    status(isConnected, resumedTo) {
      connected.value = isConnected;
      connectionTried.value = true;
      // Remembered even when no event came, so the next start resumes rather than reloads.
      if (resumedTo !== undefined && resumedTo !== feedSeq) {
        feedSeq = resumedTo;
        void writeValue('feedSeq', resumedTo);
      }
      // Away from the box, nobody can be seen online; the next hello tells who is.
      if (!isConnected) setPresence('', false, []);
      if (isConnected) {
        flushOutbox();
        // Whatever the lists missed while away (a first start has no feed to resume from).
        if (!skipReload) void reload().catch(() => undefined);
        skipReload = false;
      }
    },
    ended,
    refused() {
      void api
        .get<{ user: unknown }>('/session')
        .then((answer) => answer.user === null && ended())
        .catch(() => undefined);
    },
  });
  realtime.start();
}

export function sendTyping(channelId: string, rootId: string | null): void {
  if (Date.now() - lastTyping < TYPING_EVERY_MS) return;
  lastTyping = Date.now();
  realtime?.send({ type: 'typing', channelId, ...(rootId ? { rootId } : {}) });
}
