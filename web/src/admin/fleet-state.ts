/** The Fleet section's reads and actions: the paired boxes (GET /api/v1/peers), pairing, renaming, addresses, unpairing. */
import { signal } from '@preact/signals';
import { api } from '../net/api';

export interface Peer {
  readonly id: string;
  readonly name: string;
  readonly fingerprint: string;
  readonly addresses: readonly string[];
  readonly link: 'down' | 'connecting' | 'open';
  readonly lastContact: number | null;
  readonly opsToSend: number;
  readonly opsToReceive: number;
  readonly bytes: {
    readonly sentToday: number;
    readonly receivedToday: number;
    readonly sentTotal: number;
    readonly receivedTotal: number;
  };
  readonly forks: readonly { readonly origin: string; readonly seq: number; readonly foundAt: number }[];
}

export interface Fleet {
  readonly nodeId: string;
  readonly fingerprint: string;
  readonly peers: readonly Peer[];
}

export interface PairingInvitation {
  readonly invitation: string;
  readonly expiresAt: number;
  readonly qrSvg: string;
}

export const fleet = signal<Fleet | undefined>(undefined);

export async function loadFleet(): Promise<void> {
  fleet.value = await api.get<Fleet>('/peers');
}

export async function createPairingInvitation(): Promise<PairingInvitation> {
  return api.post<PairingInvitation>('/peers/invites', {});
}

export async function pair(invitation: string): Promise<void> {
  await api.post('/peers', { invitation });
  await loadFleet();
}

export async function updatePeer(id: string, change: { name?: string; addresses?: string[] }): Promise<void> {
  await api.patch(`/peers/${id}`, change);
  await loadFleet();
}

export async function unpair(id: string): Promise<void> {
  await api.delete(`/peers/${id}`);
  await loadFleet();
}
