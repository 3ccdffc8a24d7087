/** What request handlers and the realtime layer are given: no module-level singletons. */
import type { Config } from '../config.js';
import type { Committer } from '../core/commit.js';
import type { ReadMarks } from '../core/read-marks.js';
import type { BoxTime } from '../core/box-time.js';
import type { HybridClock } from '../core/hlc.js';
import type { BlobStore } from '../files/blob-store.js';
import type { DiskGuard } from '../files/disk-guard.js';
import type { PictureMaker } from '../files/picture-maker.js';
import type { NodeIdentity } from '../core/node-identity.js';
import type { Log } from '../log.js';
import type { Hub } from '../realtime/hub.js';
import type { Db } from '../store/database.js';
import type { SetupCode } from '../setup-code.js';
import type { RateLimiter } from './rate-limit.js';
import type { NearbyList } from '../mdns/nearby.js';
import type { BoxUrls } from './pages/box-urls.js';
import type { SyncService } from '../sync/sync-service.js';

export interface Services {
  readonly config: Config;
  readonly db: Db;
  readonly log: Log;
  readonly identity: NodeIdentity;
  readonly clock: HybridClock;
  /** Where `now` comes from: the system clock, or what clients agree on when it is behind. */
  readonly boxTime: BoxTime;
  /** The box's idea of now, in milliseconds. */
  readonly now: () => number;
  readonly committer: Committer;
  readonly readMarks: ReadMarks;
  readonly hub: Hub;
  readonly blobs: BlobStore;
  readonly disk: DiskGuard;
  readonly pictures: PictureMaker;
  readonly setupCode: SetupCode;
  /** Other boxes and Signal K servers seen by mDNS. */
  readonly nearby: () => NearbyList;
  /** The addresses people on the network reach the box at, as the join page prints them. */
  readonly urls: () => BoxUrls;
  /** Sync with other boxes; undefined when `sync = false`. */
  readonly sync: SyncService | undefined;
  readonly limits: {
    readonly loginByAddress: RateLimiter;
    readonly loginByUsername: RateLimiter;
    readonly posts: RateLimiter;
  };
}
