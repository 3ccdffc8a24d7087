/**
 * The administrator's reads and actions on people, invites and the box. The people are the
 * directory's list (admins see everyone), which live events keep current; invites and the
 * status are read here, when the screen opens.
 */
import { signal } from '@preact/signals';
import { api } from '../net/api';
import { loadUsers } from '../state/directory';
import { shareOrigin } from '../lib/share-origin';
import type { Invite, Role } from '../types';

export interface Disk {
  readonly freeBytes: number;
  readonly uploadsAllowed: boolean;
  readonly writesAllowed: boolean;
}

export interface NearbyService {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly addresses: readonly string[];
}

export interface ServerStatus {
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly users: number;
  readonly messages: number;
  readonly connectedClients: number;
  readonly filesBytes: number;
  readonly databaseBytes: number;
  readonly clock: { readonly suspect: boolean };
  readonly disk: Disk;
  readonly nearby: { readonly hail: readonly NearbyService[]; readonly signalk: readonly NearbyService[] };
  readonly urls: { readonly byIp: readonly string[] };
  readonly nameClashes: readonly {
    readonly kind: 'user' | 'team' | 'channel';
    readonly id: string;
    readonly requested: string;
    readonly name: string;
  }[];
}

export const invites = signal<Invite[]>([]);
export const status = signal<ServerStatus | undefined>(undefined);

/** A plain link, so the browser streams the archive to disk rather than holding it in memory. */
export const BACKUP_URL = '/api/v1/admin/backup';
export const EXPORT_URL = '/api/v1/admin/export';

export async function loadAdmin(): Promise<void> {
  const [state] = await Promise.all([api.get<ServerStatus>('/status'), loadUsers()]);
  status.value = state;
}

export async function loadInvites(): Promise<void> {
  invites.value = (await api.get<{ invites: Invite[] }>('/invites')).invites;
}

export interface InviteLimits {
  readonly expiresInHours?: number;
  readonly maxUses?: number;
}

/** A link for someone else's phone to the server's `path`. */
async function shareableLink(path: string): Promise<string> {
  status.value ??= await api.get<ServerStatus>('/status');
  return new URL(path, shareOrigin(location.origin, status.value.urls.byIp)).href;
}

/** Answers the invite link, which the server shows only once. */
export async function createInvite(teamId: string, role: Role, limits: InviteLimits): Promise<string> {
  const created = await api.post<{ path: string }>('/invites', { teamId, role, ...limits });
  await loadInvites();
  return shareableLink(created.path);
}

export async function revokeInvite(id: string): Promise<void> {
  await api.delete(`/invites/${id}`);
  await loadInvites();
}

export async function setRole(userId: string, role: Role): Promise<void> {
  await api.put(`/users/${userId}/role`, { role });
  await loadUsers();
}

export async function setActive(userId: string, active: boolean): Promise<void> {
  await api.post(`/users/${userId}/${active ? 'reactivate' : 'deactivate'}`);
  await loadUsers();
}

/** Logs the person out on every device and revokes their bot tokens; their open apps return to the log-in screen. */
export async function endSessions(userId: string): Promise<void> {
  await api.delete(`/users/${userId}/sessions`);
}

export async function resetLink(userId: string): Promise<string> {
  const { path } = await api.post<{ path: string }>(`/users/${userId}/password-reset`);
  return shareableLink(path);
}
