/** People and teams: names to show beside posts, in completions, in the sidebar. */
import { computed, signal } from '@preact/signals';
import { api } from '../net/api';
import type { Team, User } from '../types';
import { replaceAll } from './db';

export const users = signal<ReadonlyMap<string, User>>(new Map());
export const teams = signal<readonly Team[]>([]);
export const chosenTeamId = signal<string | undefined>(undefined);
export const currentTeam = computed(() => teams.value.find((team) => team.id === chosenTeamId.value) ?? teams.value.find((team) => team.member !== false));

export const displayName = (userId: string): string => users.value.get(userId)?.displayName ?? '…';

export function showDirectory(cachedUsers: readonly User[], cachedTeams: readonly Team[]): void {
  users.value = new Map(cachedUsers.map((user) => [user.id, user]));
  teams.value = cachedTeams;
}

export async function loadUsers(): Promise<void> {
  const { users: list } = await api.get<{ users: User[] }>('/users?limit=200');
  users.value = new Map(list.map((user) => [user.id, user]));
  await replaceAll('users', list);
}

export async function loadTeams(): Promise<void> {
  const { teams: list } = await api.get<{ teams: Team[] }>('/teams');
  teams.value = list;
  await replaceAll('teams', list);
}

export function rememberUser(user: User): void {
  users.value = new Map(users.value).set(user.id, user);
}

export function patchUser(userId: string, change: Partial<User>): void {
  const user = users.value.get(userId);
  if (user) rememberUser({ ...user, ...change });
}
