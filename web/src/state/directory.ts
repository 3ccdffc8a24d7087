/** People and teams: names to show beside posts, in completions, in the sidebar. */
import { computed, signal } from '@preact/signals';
import { sameJson } from '../lib/same-json';
import { api } from '../net/api';
import type { Team, User } from '../types';
import { replaceAll } from './db';
import { navigate, route } from './route';

export const users = signal<ReadonlyMap<string, User>>(new Map());
export const teams = signal<readonly Team[]>([]);
const chosenTeamId = signal<string | undefined>(undefined);
// Admins see every team; only one they are in is shown (a team they were removed from is not).
export const currentTeam = computed(
  () =>
    teams.value.find((team) => team.id === chosenTeamId.value && team.member !== false) ??
    teams.value.find((team) => team.member !== false),
);

/** The team switcher: the other team's channels, and its first one opened in place of the previous team's. */
export function chooseTeam(teamId: string): void {
  chosenTeamId.value = teamId;
  if (route.value.name === 'channel') navigate('/');
}

/** The people of teams on screen (channel settings, the admin's team members), by team. */
export const teamMembers = signal<ReadonlyMap<string, readonly User[]>>(new Map());

export async function loadTeamMembers(teamId: string): Promise<void> {
  const { members } = await api.get<{ members: User[] }>(`/teams/${teamId}/members`);
  teamMembers.value = new Map(teamMembers.value).set(teamId, members);
}

export const displayName = (userId: string): string => users.value.get(userId)?.displayName ?? '…';

export function showDirectory(cachedUsers: readonly User[], cachedTeams: readonly Team[]): void {
  users.value = new Map(cachedUsers.map((user) => [user.id, user]));
  teams.value = cachedTeams;
}

export async function loadUsers(): Promise<void> {
  const { users: list } = await api.get<{ users: User[] }>('/users?limit=200');
  if (sameJson(list, [...users.value.values()])) return;
  users.value = new Map(list.map((user) => [user.id, user]));
  await replaceAll('users', list);
}

export async function loadTeams(): Promise<void> {
  const { teams: list } = await api.get<{ teams: Team[] }>('/teams');
  // The list is sorted by name: a new team sorting first must not take the sidebar over.
  chosenTeamId.value ??= currentTeam.value?.id;
  if (sameJson(list, teams.value)) return;
  teams.value = list;
  await replaceAll('teams', list);
}

export function patchUser(userId: string, change: Partial<User>): void {
  const user = users.value.get(userId);
  if (user) users.value = new Map(users.value).set(userId, { ...user, ...change });
}
