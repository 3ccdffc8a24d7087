/** Every op kind. Adding a kind means adding its file and one line here. */
import type { OpKind } from '../op.js';
import { takeParked } from '../../store/parked-ops.js';
import userCreated from './user-created.js';
import userUpdated from './user-updated.js';
import userPasswordSet from './user-password-set.js';
import userRoleSet from './user-role-set.js';
import userActiveSet from './user-active-set.js';
import userPictureSet from './user-picture-set.js';
import inviteCreated from './invite-created.js';
import inviteRevoked from './invite-revoked.js';
import teamCreated from './team-created.js';
import teamUpdated from './team-updated.js';
import teamMemberSet from './team-member-set.js';
import channelCreated from './channel-created.js';
import channelUpdated from './channel-updated.js';
import channelArchivedSet from './channel-archived-set.js';
import channelMemberSet from './channel-member-set.js';
import channelViewed from './channel-viewed.js';
import channelNotifySet from './channel-notify-set.js';
import postCreated from './post-created.js';
import postEdited from './post-edited.js';
import postDeleted from './post-deleted.js';
import reactionSet from './reaction-set.js';
import pinSet from './pin-set.js';

const kinds: OpKind[] = [
  userCreated,
  userUpdated,
  userPasswordSet,
  userRoleSet,
  userActiveSet,
  userPictureSet,
  inviteCreated,
  inviteRevoked,
  teamCreated,
  teamUpdated,
  teamMemberSet,
  channelCreated,
  channelUpdated,
  channelArchivedSet,
  channelMemberSet,
  channelViewed,
  channelNotifySet,
  postCreated,
  postEdited,
  postDeleted,
  reactionSet,
  pinSet,
] as unknown as OpKind[];

/**
 * A kind that creates entities applies, after its own apply, the ops that arrived before those
 * entities existed and waited for them (store/parked-ops.ts). Here, so that every way an op is
 * applied (commit, ops from other boxes, rebuild) does it.
 */
function releasingParked(kind: OpKind): OpKind {
  const { creates } = kind;
  if (!creates) return kind;
  return {
    ...kind,
    apply(db, op) {
      kind.apply(db, op);
      for (const entity of creates(op)) {
        for (const parked of takeParked(db, entity)) OP_KINDS.get(parked.type)?.apply(db, parked as never);
      }
    },
  };
}

export const OP_KINDS: ReadonlyMap<string, OpKind> = new Map(kinds.map((kind) => [kind.type, releasingParked(kind)]));
