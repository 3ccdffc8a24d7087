/** Sync between boxes, for administrators: pairing invitations, the paired boxes, their status. */
import { Type } from '@sinclair/typebox';
import { Reply } from '../answers.js';
import { defineRoute } from '../route.js';
import { ApiError, badRequest, notFound } from '../../core/errors.js';
import type { Services } from '../services.js';
import { InvitationError } from '../../sync/pairing-invitation.js';
import { PairingError } from '../../sync/pairing.js';
import { parseAddress } from '../../sync/peers.js';
import type { PeerStatus, SyncService } from '../../sync/sync-service.js';

function syncOf(services: Services): SyncService {
  if (!services.sync) throw new ApiError(409, 'sync_off', 'Sync is turned off on this box (sync = false in its settings).');
  return services.sync;
}

/** Pairs with the box that wrote the invitation (here and when a new box joins a fleet at setup); answers its status. */
export async function pairByInvitation(services: Services, invitation: string): Promise<PeerStatus | undefined> {
  const sync = syncOf(services);
  try {
    const peer = await sync.pair(invitation);
    return sync.status().find((status) => status.id === peer.nodeId);
  } catch (error) {
    if (error instanceof InvitationError) throw badRequest('invitation_invalid', `${error.message}.`);
    if (error instanceof PairingError || error instanceof Error)
      throw new ApiError(502, 'pairing_failed', `Pairing failed: ${error.message}.`);
    throw error;
  }
}

const Address = Type.String({ minLength: 3, maxLength: 270, errorCode: 'address_invalid' });
const PeerName = Type.String({ minLength: 1, maxLength: 64 });

export default [
  defineRoute({
    method: 'get',
    path: '/api/v1/peers',
    summary:
      'The boxes this one syncs with (admin), and its own sync identity. Each peer: `id` (node id), `name`, `fingerprint` (SHA-256 of its key, hex), `addresses`, `link` (`down`, `connecting` or `open`), `lastContact` (ms), `opsToSend` and `opsToReceive` (ops waiting each way, as of the last vectors exchanged), `bytes` on the wire, TLS included (`sentToday`, `receivedToday`, `sentTotal`, `receivedTotal`), and `forks` (origin and seq of each quarantined copy).',
    access: 'admin',
    handle({ services }) {
      const sync = syncOf(services);
      return { nodeId: services.identity.nodeId, fingerprint: sync.fingerprint, syncPort: sync.port, peers: sync.status() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/peers/invites',
    summary:
      "Create a pairing invitation (admin): one string, `invitation`, to use on the other box (`hail peer add`, or POST /api/v1/peers there), with the same as an SVG QR code (`qrSvg`). It holds this box's addresses, its key fingerprint and a one-time secret; it expires after `expiresInHours` (24 unless given).",
    access: 'admin',
    body: Type.Object({ expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 30 })) }, { additionalProperties: false }),
    async handle({ services, body }) {
      const { invitation, expiresAt } = syncOf(services).invite(body.expiresInHours);
      const { default: QRCode } = await import('qrcode');
      const qrSvg = await QRCode.toString(invitation, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return new Reply(201, { invitation, expiresAt, qrSvg });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/peers',
    summary:
      'Pair with another box by its invitation (admin): this box dials it, checks its key against the invitation, proves itself with the secret, and both pin each other. 201 with the peer; 400 `invitation_invalid` for a damaged string; 502 `pairing_failed` when the other box cannot be reached or refuses (used or expired invitation).',
    access: 'admin',
    body: Type.Object({ invitation: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
    async handle({ services, body }) {
      return new Reply(201, { peer: await pairByInvitation(services, body.invitation) });
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/peers/:id',
    summary: 'Rename a peer or replace its addresses (`host:port`, tried in order) (admin).',
    access: 'admin',
    body: Type.Object(
      { name: Type.Optional(PeerName), addresses: Type.Optional(Type.Array(Address, { maxItems: 16 })) },
      { additionalProperties: false },
    ),
    handle({ services, params, body }) {
      const sync = syncOf(services);
      if (!sync.peers.find(params.id!)) throw notFound('peer_not_found', 'No paired box has that id.');
      const bad = body.addresses?.find((address) => parseAddress(address) === undefined);
      if (bad !== undefined) throw badRequest('address_invalid', `"${bad}" is not host:port.`);
      if (body.name !== undefined) sync.peers.rename(params.id!, body.name);
      if (body.addresses !== undefined) {
        sync.peers.setAddresses(params.id!, body.addresses);
        sync.redial(params.id!);
      }
      return { peer: sync.status().find((status) => status.id === params.id) };
    },
  }),
  defineRoute({
    method: 'del',
    path: '/api/v1/peers/:id',
    summary: 'Unpair a box (admin): its link closes at once and its key is refused from then on. What it sent stays.',
    access: 'admin',
    handle({ services, params }) {
      if (!syncOf(services).unpair(params.id!)) throw notFound('peer_not_found', 'No paired box has that id.');
    },
  }),
];
