/**
 * Versioned schema. Each entry runs once, in order, inside one transaction, and bumps
 * `PRAGMA user_version`; entries are never edited once released, only appended. An entry is
 * SQL, or a function for a change SQL cannot compute (the op hashes).
 *
 * Two kinds of tables live here:
 * - local: the op log, the local feed, sessions, meta. Never rebuilt.
 * - replicated state: a deterministic fold of the op log (see REPLICATED_TABLES). No
 *   autoincrement keys and no UNIQUE constraints a merge could violate: name clashes made
 *   during a partition are settled by the fold (store/names.ts), not refused by the schema.
 *
 * Last-writer-wins registers carry a `*_ver` column holding the op version
 * (core/op.ts `opVersion`), a string whose order is the (hlc, origin, seq) order.
 */
import type { Db } from './database.js';
import { purgeStoredFields, recomputeChains } from './op-log.js';

export type Migration = string | ((db: Db) => void);

export const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  CREATE TABLE ops (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hlc TEXT NOT NULL,
    author TEXT,
    type TEXT NOT NULL,
    entity TEXT NOT NULL,
    body TEXT NOT NULL,
    hash TEXT NOT NULL,
    clock_suspect INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (origin, seq)
  ) WITHOUT ROWID;

  CREATE TABLE feed (
    feed_seq INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    topics TEXT NOT NULL
  );

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX sessions_user ON sessions (user_id);

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    requested_username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL,
    invite_id TEXT,
    created_ver TEXT NOT NULL,
    profile_ver TEXT NOT NULL,
    role_ver TEXT NOT NULL,
    password_ver TEXT NOT NULL,
    active_ver TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX users_username ON users (username);
  CREATE INDEX users_requested_username ON users (requested_username);
  CREATE INDEX users_invite ON users (invite_id);

  CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    team_id TEXT NOT NULL,
    role TEXT NOT NULL,
    expires_at INTEGER,
    max_uses INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    created_ver TEXT NOT NULL,
    revoked_ver TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX invites_token ON invites (token_hash);

  CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    default_channel_id TEXT NOT NULL,
    created_ver TEXT NOT NULL,
    profile_ver TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE team_members (
    team_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    active INTEGER NOT NULL,
    ver TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX team_members_user ON team_members (user_id, team_id);

  CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    team_id TEXT,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    requested_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    header TEXT NOT NULL,
    purpose TEXT NOT NULL,
    creator_id TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    created_hlc TEXT NOT NULL,
    created_ver TEXT NOT NULL,
    profile_ver TEXT NOT NULL,
    archived_ver TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX channels_team_name ON channels (team_id, requested_name);

  CREATE TABLE channel_members (
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    active INTEGER NOT NULL,
    ver TEXT NOT NULL,
    last_viewed_hlc TEXT NOT NULL,
    viewed_ver TEXT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX channel_members_user ON channel_members (user_id, channel_id);

  CREATE TABLE posts (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    root_id TEXT,
    message TEXT NOT NULL,
    created_hlc TEXT NOT NULL,
    created_ver TEXT NOT NULL,
    edited_hlc TEXT,
    edit_ver TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  -- Covers the unread count (author and tombstone included), so counting reads only the index.
  CREATE INDEX posts_channel ON posts (channel_id, created_hlc, id, user_id, deleted);
  CREATE INDEX posts_root ON posts (root_id, created_hlc, id) WHERE root_id IS NOT NULL;

  CREATE TABLE post_mentions (
    post_id TEXT NOT NULL,
    name TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    created_hlc TEXT NOT NULL,
    PRIMARY KEY (post_id, name)
  ) WITHOUT ROWID;
  CREATE INDEX post_mentions_channel ON post_mentions (channel_id, name, created_hlc);

  CREATE TABLE reactions (
    post_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    emoji TEXT NOT NULL,
    active INTEGER NOT NULL,
    ver TEXT NOT NULL,
    PRIMARY KEY (post_id, user_id, emoji)
  ) WITHOUT ROWID;

  CREATE TABLE pins (
    post_id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    pinned INTEGER NOT NULL,
    by_user TEXT NOT NULL,
    ver TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX pins_channel ON pins (channel_id);
  `,
  `
  -- Files: content-addressed blobs on disk (files/ab/abcdef...), only metadata in ops.
  CREATE TABLE post_files (
    post_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    size INTEGER NOT NULL,
    width INTEGER,
    height INTEGER,
    thumbnail_hash TEXT,
    PRIMARY KEY (post_id, position)
  ) WITHOUT ROWID;
  CREATE INDEX post_files_hash ON post_files (hash);
  CREATE INDEX post_files_thumbnail ON post_files (thumbnail_hash) WHERE thumbnail_hash IS NOT NULL;

  -- Local: blobs this box holds and who uploaded them (an upload is readable by its uploader
  -- before any post refers to it).
  CREATE TABLE uploads (
    hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (hash, user_id)
  ) WITHOUT ROWID;

  -- Full-text index of message text and file names, kept by the post op kinds' apply.
  CREATE VIRTUAL TABLE posts_fts USING fts5(
    post_id UNINDEXED, channel_id UNINDEXED, user_id UNINDEXED, created_hlc UNINDEXED,
    message, file_names,
    tokenize = 'unicode61 remove_diacritics 2',
    -- Prefix indexes for 2 to 4 characters make \`gal*\` as cheap as a whole word.
    prefix = '2 3 4'
  );

  -- Per-member notification level and mute, a last-writer-wins register.
  ALTER TABLE channel_members ADD COLUMN notify_level TEXT NOT NULL DEFAULT 'default';
  ALTER TABLE channel_members ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE channel_members ADD COLUMN notify_ver TEXT NOT NULL DEFAULT '';

  -- Local: one-time password reset links made by an admin (only the token's hash).
  CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Memberships settle by the versions involved, not by the order ops arrived in
  -- (store/membership.ts): the newest join and leave of each team member, the register of each
  -- channel member apart from the effective \`active\`, and whether a team join wrote it.
  -- Rows from before keep their meaning; \`hail rebuild\` makes them exactly what the fold gives.
  ALTER TABLE team_members ADD COLUMN joined_ver TEXT NOT NULL DEFAULT '';
  ALTER TABLE team_members ADD COLUMN left_ver TEXT NOT NULL DEFAULT '';
  UPDATE team_members SET joined_ver = CASE WHEN active = 1 THEN ver ELSE '' END, left_ver = CASE WHEN active = 0 THEN ver ELSE '' END;
  ALTER TABLE channel_members ADD COLUMN joined INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE channel_members ADD COLUMN by_team_join INTEGER NOT NULL DEFAULT 0;
  UPDATE channel_members SET joined = active;

  -- Team names settle like usernames and channel names (store/names.ts).
  ALTER TABLE teams ADD COLUMN requested_name TEXT NOT NULL DEFAULT '';
  UPDATE teams SET requested_name = name;
  CREATE INDEX teams_requested_name ON teams (requested_name);

  -- Ops that arrived before the row they change, until it is created (store/parked-ops.ts).
  CREATE TABLE parked_ops (
    entity TEXT NOT NULL,
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (entity, origin, seq)
  ) WITHOUT ROWID;
  `,
  (db) => {
    // Hashes become a chain over a digest of the body (store/op-chain.ts); the digest is kept
    // beside the body so that `hail rebuild --verify` can tell a changed body from a broken link.
    db.exec("ALTER TABLE ops ADD COLUMN body_digest TEXT NOT NULL DEFAULT ''");
    recomputeChains(db);
  },
  `
  -- The ops about an entity: a deleted post's create and edits, a user's password ops, whose
  -- obsolete fields are purged (core/purge.ts).
  CREATE INDEX ops_entity ON ops (entity);
  -- A deleted post leaves no words in the search index's segments either (SQLite 3.44 and later).
  INSERT INTO posts_fts (posts_fts, rank) VALUES ('secure-delete', 1);
  `,
  (db) => {
    // What was deleted or replaced before ops could forget is forgotten now: the text and files
    // of deleted posts, superseded password hashes (the purgeable fields as of this version).
    const purgeable: Record<string, readonly string[]> = {
      'post.created': ['message', 'files'],
      'post.edited': ['message'],
      'user.created': ['passwordHash'],
      'user.password-set': ['passwordHash'],
    };
    const obsolete = db
      .prepare<[], { origin: string; seq: number }>(
        `SELECT o.origin, o.seq FROM ops o JOIN posts p ON p.id = o.entity
       WHERE o.type IN ('post.created', 'post.edited') AND p.deleted = 1
       UNION ALL
       SELECT o.origin, o.seq FROM ops o JOIN users u ON u.id = o.entity
       WHERE o.type IN ('user.created', 'user.password-set') AND o.hlc || '.' || o.origin || '.' || printf('%015d', o.seq) != u.password_ver`,
      )
      .all();
    for (const { origin, seq } of obsolete) purgeStoredFields(db, origin, seq, (type) => purgeable[type] ?? []);
    // Words of posts deleted before secure-delete was on stay in old index segments until rebuilt.
    db.exec("INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')");
  },
  `
  -- Where an op sits in the local feed: the sync reader starts from the first op a peer lacks.
  CREATE INDEX feed_op ON feed (origin, seq);

  -- Local: an op received from a peer with the name of one held and another hash (a fork). Kept
  -- for the administrators to look at, never applied and never relayed.
  CREATE TABLE quarantined_ops (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    hlc TEXT NOT NULL,
    author TEXT,
    type TEXT NOT NULL,
    entity TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (origin, seq, hash)
  ) WITHOUT ROWID;

  -- Local: ops of a type this version does not know (a newer box wrote them). Stored, relayed,
  -- and applied once an upgrade knows their type (core/op.ts).
  CREATE TABLE unapplied_ops (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    PRIMARY KEY (origin, seq)
  ) WITHOUT ROWID;
  `,
  `
  -- Local, sync between boxes (src/sync/). The boxes this one is paired with: their pinned key
  -- fingerprint, name, addresses, and what the status shows. Never replicated.
  CREATE TABLE sync_peers (
    node_id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    name TEXT NOT NULL,
    addresses TEXT NOT NULL,
    paired_at INTEGER NOT NULL,
    last_contact INTEGER,
    -- The peer's last version vector (JSON): what it holds, for "ops waiting each way".
    vector TEXT NOT NULL DEFAULT '{}',
    bytes_sent INTEGER NOT NULL DEFAULT 0,
    bytes_received INTEGER NOT NULL DEFAULT 0,
    -- Today's counters, for the UTC day named by traffic_day.
    traffic_day TEXT NOT NULL DEFAULT '',
    day_sent INTEGER NOT NULL DEFAULT 0,
    day_received INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;

  -- Local: open pairing invitations (only the secret's hash); deleted when used.
  CREATE TABLE sync_invitations (
    secret_hash TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- Which node key speaks for an origin: the origin record, signed by that key.
  CREATE TABLE sync_origins (
    origin TEXT PRIMARY KEY,
    node_key BLOB NOT NULL,
    signature BLOB NOT NULL
  ) WITHOUT ROWID;

  -- Chain heads signed by their origin's node key, kept to be forwarded with the ops they cover.
  CREATE TABLE sync_signed_heads (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (origin, seq)
  ) WITHOUT ROWID;

  -- Forks: a peer's copy of (origin, seq) whose hash differs from ours. Kept, never applied;
  -- the origin is not taken from that peer any more.
  CREATE TABLE sync_quarantine (
    peer TEXT NOT NULL,
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    op TEXT NOT NULL,
    found_at INTEGER NOT NULL,
    PRIMARY KEY (peer, origin, seq)
  ) WITHOUT ROWID;
  `,
  `
  -- Forks found by sync: the other copy of an op is kept once, in the op log's quarantined_ops;
  -- sync keeps only which origin it no longer takes from which peer, and where the copies part
  -- (seq 0: the origin record the peer sent names another node key, so there is no op to keep).
  CREATE TABLE sync_forked_origins (
    peer TEXT NOT NULL,
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    found_at INTEGER NOT NULL,
    PRIMARY KEY (peer, origin)
  ) WITHOUT ROWID;
  INSERT INTO sync_forked_origins (peer, origin, seq, found_at)
    SELECT peer, origin, min(seq), min(found_at) FROM sync_quarantine GROUP BY peer, origin;
  INSERT OR IGNORE INTO quarantined_ops (origin, seq, hash, hlc, author, type, entity, body, received_at)
    SELECT origin, seq, hash, op ->> 'hlc', op ->> 'author', op ->> 'type', op ->> 'entity', op ->> 'bodyText', found_at
    FROM sync_quarantine WHERE json_valid(op) AND op ->> 'bodyText' IS NOT NULL;
  DROP TABLE sync_quarantine;
  `,
  `
  -- Local: where each member has read up to on this box, ahead of the replicated mark
  -- (channel_members.last_viewed_hlc) until it settles into a channel.viewed op (core/read-marks.ts).
  CREATE TABLE read_positions (
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    viewed_hlc TEXT NOT NULL,
    moved_at INTEGER NOT NULL,
    PRIMARY KEY (channel_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX read_positions_by_moved ON read_positions (moved_at);
  `,
  `
  -- A profile picture: the hashes of its two sizes (core/ops/user-picture-set.ts), a register of its own.
  ALTER TABLE users ADD COLUMN picture_large TEXT;
  ALTER TABLE users ADD COLUMN picture_small TEXT;
  ALTER TABLE users ADD COLUMN picture_ver TEXT NOT NULL DEFAULT '';
  `,
];

/** The tables `hail rebuild` recomputes from the op log, and compares when verifying. */
export const REPLICATED_TABLES = [
  'users',
  'invites',
  'teams',
  'team_members',
  'channels',
  'channel_members',
  'posts',
  'post_mentions',
  'reactions',
  'pins',
  'post_files',
  'posts_fts',
  'parked_ops',
] as const;
