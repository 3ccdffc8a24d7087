/** The administrator's reads and actions: people, invites and the box's status. */
import { signal } from '@preact/signals';
import { api } from '../net/api';
import type { Invite, Role, User } from '../types';

export const allUsers = signal<User[]>([]);
export const invites = signal<Invite[]>([]);
export const status = signal<Record<string, unknown> | undefined>(undefined);

export async function loadAdmin(): Promise<void> {
  const [people, list, state] = await Promise.all([
    api.get<{ users: User[] }>('/users?limit=200'),
    api.get<{ invites: Invite[] }>('/invites'),
    api.get<Record<string, unknown>>('/status'),
  ]);
  allUsers.value = people.users;
  invites.value = list.invites;
  status.value = state;
}

/** Answers the invite link, which the server shows only once. */
export async function createInvite(teamId: string, role: Role, expiresInHours: number | undefined): Promise<string> {
  const created = await api.post<{ path: string }>('/invites', { teamId, role, ...(expiresInHours ? { expiresInHours } : {}) });
  await loadAdmin();
  return new URL(created.path, location.origin).href;
}

export async function revokeInvite(id: string): Promise<void> {
  await api.delete(`/invites/${id}`);
  await loadAdmin();
}

export async function setRole(userId: string, role: Role): Promise<void> {
  await api.put(`/users/${userId}/role`, { role });
  await loadAdmin();
}

export async function setActive(userId: string, active: boolean): Promise<void> {
  await api.post(`/users/${userId}/${active ? 'reactivate' : 'deactivate'}`);
  await loadAdmin();
}

export async function resetLink(userId: string): Promise<string> {
  const { path } = await api.post<{ path: string }>(`/users/${userId}/password-reset`);
  return new URL(path, location.origin).href;
}
