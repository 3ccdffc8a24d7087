/** The shapes the server answers with (docs/API.md). */
export type Role = 'admin' | 'member' | 'guest';

export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly active: boolean;
  /** The hashes of the profile picture's two sizes (made on the box), or null: initials instead. */
  readonly picture?: { readonly large: string; readonly small: string } | null;
}

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  readonly defaultChannelId?: string;
  readonly member?: boolean;
}

export type ChannelType = 'public' | 'private' | 'direct' | 'group';

export interface Channel {
  readonly id: string;
  readonly teamId: string | null;
  readonly type: ChannelType;
  readonly name: string;
  readonly displayName: string;
  readonly header: string;
  readonly purpose: string;
  readonly archived: boolean;
  readonly creatorId?: string | null;
  readonly memberIds?: string[];
  readonly member?: boolean;
  readonly unread?: number;
  readonly mentions?: number;
  readonly lastViewedAt?: number;
  readonly notifyLevel?: string;
  readonly muted?: boolean;
}

export interface PostFile {
  readonly hash: string;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly width?: number | null;
  readonly height?: number | null;
  readonly thumbnailHash?: string | null;
}

export interface Reaction {
  readonly emoji: string;
  readonly userIds: string[];
}

export interface Post {
  readonly id: string;
  readonly channelId: string;
  readonly userId: string;
  readonly rootId: string | null;
  readonly message: string;
  readonly createdAt: number;
  readonly editedAt: number | null;
  readonly deleted: boolean;
  readonly pinned: boolean;
  readonly replyCount: number;
  readonly reactions: Reaction[];
  readonly files: PostFile[];
}

export interface Invite {
  readonly id: string;
  readonly teamId: string;
  readonly role: Role;
  readonly uses: number;
  readonly maxUses: number | null;
  readonly expiresAt: number | null;
  readonly revoked?: boolean;
  /** False once revoked, expired or used up. */
  readonly valid?: boolean;
}

export interface ServerEvent {
  readonly type: string;
  readonly id: string;
  readonly actorId: string;
  readonly at: number;
  readonly data: Record<string, unknown>;
}
