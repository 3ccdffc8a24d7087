/**
 * Who is logged in and which screen family the app shows: the first-start form, the log-in
 * form, or the chat. Account actions (setup, log in, register by invite, reset, log out) live
 * here; what happens once someone is in is boot.ts's job.
 */
import { signal } from '@preact/signals';
import { api } from '../net/api';
import type { User } from '../types';
import { patchUser } from './directory';
import { clearEverything, deleteValue, writeValue } from './db';

export type Phase = 'starting' | 'setup' | 'login' | 'unreachable' | 'chat';

export const me = signal<User | undefined>(undefined);
export const phase = signal<Phase>('starting');

export function signedIn(user: User): void {
  me.value = user;
  void writeValue('me', user);
  phase.value = 'chat';
}

export async function setupNeeded(): Promise<boolean> {
  return (await api.get<{ needed: boolean }>('/setup')).needed;
}

export async function setup(input: {
  code: string;
  username: string;
  password: string;
  displayName: string;
  teamName: string;
  teamDisplayName: string;
}): Promise<User> {
  return (await api.post<{ user: User }>('/setup', input)).user;
}

/** Joins an existing fleet instead of starting one; its accounts then log in here. */
export async function joinFleet(code: string, invitation: string): Promise<void> {
  await api.post('/setup/join', { code, invitation });
  phase.value = 'login';
}

export async function logIn(username: string, password: string): Promise<User> {
  return (await api.post<{ user: User }>('/auth/login', { username, password })).user;
}

export async function inviteTeam(token: string): Promise<string> {
  return (await api.get<{ team: { displayName: string } }>(`/invites/${token}`)).team.displayName;
}

export async function register(input: { token: string; username: string; password: string; displayName: string }): Promise<User> {
  return (await api.post<{ user: User }>('/register', input)).user;
}

export async function resetPassword(token: string, password: string): Promise<void> {
  await api.post('/password-reset', { token, password });
}

/** Ends the session everywhere in this browser: cookie, caches, drafts and unsent posts. */
export function logOut(): Promise<never> {
  return leave(async () => {
    await api.post('/auth/logout').catch(() => undefined);
    await clearEverything({ leaving: true });
  });
}

/**
 * Wipes what this browser holds of the account and starts afresh: a new page, so nothing of
 * it stays in memory either (the next person to log in on this phone sees none of it).
 */
export function forgetAccount(): Promise<never> {
  return leave(() => clearEverything({ leaving: true }));
}

/**
 * The server ended the session (the password changed elsewhere, an administrator ended the
 * sessions, the account was deactivated). What this browser holds stays, but hidden: without
 * 'me' a start with no connection shows the log-in rather than the history. The same person
 * logging in again finds their unsent posts still queued; anyone else wipes it all (boot.ts
 * checks the owner). Wiping here would lose what was written offline, with no one asking.
 */
export function signOut(): Promise<never> {
  return leave(() => deleteValue('me'));
}

let leaving: Promise<never> | undefined;

/**
 * The one way out of this page: `prepare`, then a new page at the start, where nothing of this
 * one stays in memory. The first way out wins and later ones wait for it. A log out makes the
 * server close the socket with "session ended" before it answers the log-out request; had that
 * started its own way out, its navigation would abort the wipe still under way, leaving the
 * history for the next person on the phone.
 */
function leave(prepare: () => Promise<void>): Promise<never> {
  // A failed step still leaves: the next page's start asks the server again and hides or wipes.
  leaving ??= prepare()
    .catch(() => undefined)
    .then(() => {
      location.assign('/');
      return new Promise<never>(() => undefined);
    });
  return leaving;
}

export async function changeDisplayName(displayName: string): Promise<void> {
  const { user } = await api.patch<{ user: User }>('/me', { displayName });
  signedIn(user);
}

/** A new profile picture (the box crops and resizes it), or none. */
export async function changePicture(picture: File | null): Promise<void> {
  const { user } = picture
    ? await api.putBytes<{ user: User }>(`/users/${me.value!.id}/picture`, picture)
    : await api.delete<{ user: User }>(`/users/${me.value!.id}/picture`);
  signedIn(user);
  patchUser(user.id, { picture: user.picture });
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await api.post('/me/password', { currentPassword, newPassword });
}
