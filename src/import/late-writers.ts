/**
 * Sources hold posts and reactions by people who have since left the channel, and by accounts
 * since deactivated; Hail lets only active members write. So the importer adds such a writer
 * for the import and removes them at its end (unless the source says they are a member), and
 * deactivates accounts and archives channels only at the end, after their history is written.
 */
import type { Command } from '../core/commit.js';
import { isChannelMember } from '../core/permissions.js';
import type { Db } from '../store/database.js';
import type { ImportBatch } from './import-batch.js';

const pair = (channelId: string, userId: string) => `${channelId}\n${userId}`;

export class LateWriters {
  private readonly declared = new Set<string>();
  private readonly added = new Set<string>();
  private readonly deactivated = new Set<string>();
  private readonly archived = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly adminId: string,
  ) {}

  /** The source says this person is a member: not to be removed at the end. */
  declareMember(channelId: string, userId: string): void {
    this.declared.add(pair(channelId, userId));
  }

  deactivateAtEnd(userId: string): void {
    this.deactivated.add(userId);
  }

  archiveAtEnd(channelId: string): void {
    this.archived.add(channelId);
  }

  /** Adds to `commands` what lets `userId` write in this team channel, when it cannot yet. */
  letWrite(channelId: string, userId: string, commands: Command[]): void {
    const key = pair(channelId, userId);
    if (this.added.has(key) || isChannelMember(this.db, channelId, userId)) return;
    this.added.add(key);
    commands.push({ author: this.adminId, ops: [{ type: 'channel.member-set', entity: channelId, body: { userId, member: true } }] });
  }

  async finish(batch: ImportBatch): Promise<void> {
    for (const key of this.added) {
      if (this.declared.has(key)) continue;
      const [channelId, userId] = key.split('\n') as [string, string];
      batch.queue(0, { author: this.adminId, ops: [{ type: 'channel.member-set', entity: channelId, body: { userId, member: false } }] });
    }
    for (const channelId of this.archived) {
      batch.queue(0, { author: this.adminId, ops: [{ type: 'channel.archived-set', entity: channelId, body: { archived: true } }] });
    }
    for (const userId of this.deactivated) {
      batch.queue(0, { author: this.adminId, ops: [{ type: 'user.active-set', entity: userId, body: { active: false } }] });
    }
    await batch.flush();
  }
}
