/**
 * Read positions: where each member has read up to, kept on this box as it moves and written to
 * the op log only once it has stayed put for a while.
 *
 * A reader marks a channel read every time they leave it, about once a minute, and every mark
 * would travel to every box of the fleet (core/ops/channel-viewed.ts). The position of the
 * moment is local (the read_positions table): the mark route moves it at once, unread counts
 * on this box read it (store/read/channels.ts), and the person's other devices hear of it over
 * their sockets. A position that has not moved for `settleMs` becomes one channel.viewed op,
 * carrying the position itself (not the later time it is written at), and so does every
 * position still pending when the server stops.
 */
import type { Committer } from './commit.js';
import { encodeHlc, type HybridClock } from './hlc.js';
import { ApiError, forbidden } from './errors.js';
import { isChannelMember, readableChannel } from './permissions.js';
import type { UserRow } from '../store/read/users.js';
import { sql, type Db } from '../store/database.js';

/** Positions settled per tick: one op each, so a tick stays short however many readers left at once. */
const SETTLE_BATCH = 50;

interface PendingPosition {
  channel_id: string;
  user_id: string;
  viewed_hlc: string;
}

export class ReadMarks {
  constructor(
    private readonly db: Db,
    private readonly clock: HybridClock,
    private readonly committer: Committer,
    private readonly now: () => number,
    private readonly settleMs: number,
  ) {}

  /** Moves the user's position in the channel to now; false when nothing unread would change. */
  mark(user: UserRow, channelId: string): boolean {
    readableChannel(this.db, user, channelId);
    if (!isChannelMember(this.db, channelId, user.id)) throw forbidden('not_channel_member', 'Only members keep a read position.');
    // Every op this box holds is at or before the clock's last reading, so all of it is read.
    const position = encodeHlc(this.clock.current);
    const unseen = sql(
      this.db,
      `SELECT 1 FROM posts WHERE channel_id = @channel AND deleted = 0 AND user_id != @user AND created_hlc <= @position
         AND created_hlc > (SELECT max(m.last_viewed_hlc, coalesce(r.viewed_hlc, ''))
           FROM channel_members m LEFT JOIN read_positions r ON r.channel_id = m.channel_id AND r.user_id = m.user_id
           WHERE m.channel_id = @channel AND m.user_id = @user)
       LIMIT 1`,
    ).get({ channel: channelId, user: user.id, position });
    if (!unseen) return false;
    sql(
      this.db,
      `INSERT INTO read_positions (channel_id, user_id, viewed_hlc, moved_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (channel_id, user_id) DO UPDATE SET viewed_hlc = max(viewed_hlc, excluded.viewed_hlc), moved_at = excluded.moved_at`,
    ).run(channelId, user.id, position, this.now());
    return true;
  }

  /** Writes the positions that have stayed put for the settle time (all of them when `everything`). */
  async settle(everything = false): Promise<void> {
    const before = everything ? Number.MAX_SAFE_INTEGER : this.now() - this.settleMs;
    for (;;) {
      const due = sql<[number, number], PendingPosition>(
        this.db,
        'SELECT channel_id, user_id, viewed_hlc FROM read_positions WHERE moved_at <= ? ORDER BY moved_at LIMIT ?',
      ).all(before, SETTLE_BATCH);
      for (const position of due) {
        await this.committer
          .commit({
            author: position.user_id,
            ops: [{ type: 'channel.viewed', entity: position.channel_id, body: { upTo: position.viewed_hlc } }],
          })
          .catch((error: unknown) => {
            // A member who has left since, or a channel now gone, has nothing left to mark; any
            // other failure (a full disk) keeps the position for a later tick.
            if (!(error instanceof ApiError && (error.status === 403 || error.status === 404))) throw error;
          });
        // Kept when it moved again while the op was written: it settles on a later tick.
        sql(this.db, 'DELETE FROM read_positions WHERE channel_id = ? AND user_id = ? AND viewed_hlc = ?').run(
          position.channel_id,
          position.user_id,
          position.viewed_hlc,
        );
      }
      if (!everything || due.length < SETTLE_BATCH) return;
    }
  }
}
