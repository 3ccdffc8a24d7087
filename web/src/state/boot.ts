/**
 * Starting the app. What IndexedDB holds is shown first, at once, with no network; then the
 * server is asked who is logged in. No answer (offline, the box is down) keeps the cached
 * view, and the WebSocket keeps trying; 401 leads to log-in (or first start); an answer
 * loads the lists and opens the live connection.
 */
import { api, ApiError } from '../net/api';
import type { User } from '../types';
import { currentChannelId, loadChannels, showChannels, channels } from './channels';
import { clearEverything, readAll, readValue } from './db';
import { loadTeams, loadUsers, showDirectory } from './directory';
import { loadDrafts } from './drafts';
import { startLive } from './live';
import { loadOutbox } from './outbox';
import { loadCachedChannel, loadNewest, prefetchHistory } from './posts';
import { me, phase, setupNeeded, signedIn } from './session';

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

async function reloadAll(): Promise<void> {
  await Promise.all([loadUsers(), loadTeams(), loadChannels()]);
  if (currentChannelId.value) await loadNewest(currentChannelId.value);
}

/** Joined channels this browser has no history of yet, fetched one after another. */
async function prefetchJoined(): Promise<void> {
  for (const channel of channels.value) await prefetchHistory(channel.id).catch(() => undefined);
}

export async function boot(): Promise<void> {
  const cached = await showCached().catch(() => false);
  let user: User;
  try {
    user = (await api.get<{ user: User }>('/me')).user;
  } catch (error) {
    if (!(error instanceof ApiError)) {
      // The socket keeps trying; once it is back, the lists reload.
      if (cached) await startLive(reloadAll);
      else phase.value = 'unreachable';
      return;
    }
    if (cached) await clearEverything();
    me.value = undefined;
    phase.value = (await setupNeeded().catch(() => false)) ? 'setup' : 'login';
    return;
  }
  if (cached && me.value?.id !== user.id) await clearEverything();
  signedIn(user);
  if (!cached) await Promise.all([loadDrafts(), loadOutbox()]);
  await reloadAll().catch(() => undefined);
  await startLive(reloadAll);
  void prefetchJoined();
}

/** After setup, log-in or registration: the session cookie is set, start as on a reload. */
export async function enter(user: User): Promise<void> {
  await clearEverything();
  signedIn(user);
  await boot();
}
