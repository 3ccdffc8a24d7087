/**
 * Starting the app. What IndexedDB holds is shown first, at once, with no network; then the
 * server is asked who is logged in. No answer, or a box too busy or failing to give one
 * (5xx, 429), keeps the cached view, and the WebSocket keeps trying; no session leads to log-in
 * (or first start); an answer loads the lists and opens the live connection.
 *
 * What IndexedDB holds belongs to one person on one box's database (its origin, which a
 * restore or a reset renews): when the session names another, all of it is wiped before anything more
 * is shown, also when the box comes back after a start without it. No session only hides it
 * (session.ts signOut), so what was written offline survives. Once the lists are fresh, old
 * history is pruned (posts.ts).
 */
import { api } from '../net/api';
import type { User } from '../types';
import { currentChannelId, loadChannels, showChannels, channels } from './channels';
import { clearEverything, readAll, readValue, writeValue } from './db';
import { loadTeams, loadUsers, showDirectory } from './directory';
import { loadDrafts } from './drafts';
import { startLive } from './live';
import { loadOutbox } from './outbox';
import { loadCachedChannel, loadNewest, prefetchHistory, pruneOfflineHistory } from './posts';
import { showNameClashes, type NameClash } from './name-clashes';
import { forgetAccount, me, phase, setupNeeded, signedIn, signOut } from './session';

/** Whose data IndexedDB holds, and from which database. */
interface CacheOwner {
  userId: string;
  origin: string;
}

async function showCached(): Promise<boolean> {
  const cachedMe = await readValue<User>('me');
  if (!cachedMe) return false;
  me.value = cachedMe;
  const [cachedUsers, cachedTeams, cachedChannels] = await Promise.all([readAll('users'), readAll('teams'), readAll('channels')]);
  showDirectory(cachedUsers, cachedTeams);
  showChannels(cachedChannels);
  if (currentChannelId.value) await loadCachedChannel(currentChannelId.value);
  await Promise.all([loadDrafts(), loadOutbox()]);
  phase.value = 'chat';
  return true;
}

const loadLists = () => Promise.all([loadUsers(), loadTeams(), loadChannels()]);

/** The lists and the open channel's newest page (on start, the channel view asks for that page itself). */
async function reloadAll(): Promise<void> {
  await loadLists();
  if (currentChannelId.value) await loadNewest(currentChannelId.value);
}

/** Joined channels this browser has no history of yet, fetched one after another. */
async function prefetchJoined(): Promise<void> {
  for (const channel of channels.value) await prefetchHistory(channel.id).catch(() => undefined);
}

interface Me {
  user: User;
  origin: string;
  nameClashes: NameClash[];
}

/** Another person or another database wipes what IndexedDB holds (and the page, if it showed it). */
async function claimCache(answer: Me, shown: boolean): Promise<void> {
  const owner: CacheOwner = { userId: answer.user.id, origin: answer.origin };
  const previous = await readValue<CacheOwner>('owner');
  if (previous?.userId === owner.userId && previous.origin === owner.origin) return;
  if (shown) await forgetAccount();
  await clearEverything({ leaving: false });
  await writeValue('owner', owner);
}

/**
 * Who the session cookie (HttpOnly, so unreadable here) belongs to, or null without one: the
 * probe answers 200 either way, so a start on the log-in screen logs no failed request.
 */
async function whoIsIn(): Promise<Me | null> {
  const answer = await api.get<Me | { user: null }>('/session');
  return answer.user ? (answer as Me) : null;
}

export async function boot(): Promise<void> {
  const cached = await showCached().catch(() => false);
  let answer: Me | null;
  try {
    answer = await whoIsIn();
  } catch {
    // The socket keeps trying; once the box is back, whose data this is gets checked, then the lists reload.
    if (cached) {
      await startLive(async () => {
        const again = await whoIsIn();
        if (!again) return signOut();
        await claimCache(again, true);
        await reloadAll();
      }, false);
    } else phase.value = 'unreachable';
    return;
  }
  if (!answer) {
    if (cached) await signOut();
    me.value = undefined;
    phase.value = (await setupNeeded().catch(() => false)) ? 'setup' : 'login';
    return;
  }
  await claimCache(answer, cached);
  signedIn(answer.user);
  showNameClashes(answer.nameClashes);
  if (!cached) await Promise.all([loadDrafts(), loadOutbox()]);
  const fresh = await loadLists().then(
    () => true,
    () => false,
  );
  await startLive(reloadAll, fresh);
  // After the first screen is up and its history fetched: the quiet moment for pruning.
  void prefetchJoined().then(async () => {
    if (fresh) await pruneOfflineHistory(channels.value.map((channel) => channel.id)).catch(() => undefined);
  });
}

/**
 * After setup, log-in or registration: the session cookie is set, start as on a reload. The
 * page got here through boot (a fresh page, or forgetAccount's), so memory holds no one's
 * data; boot's owner check wipes what another account left in IndexedDB.
 */
export const enter = (): Promise<void> => boot();
