/** What request handlers and the realtime layer are given: no module-level singletons. */
import type { Config } from '../config.js';
import type { Committer } from '../core/commit.js';
import type { HybridClock } from '../core/hlc.js';
import type { NodeIdentity } from '../core/node-identity.js';
import type { Log } from '../log.js';
import type { Hub } from '../realtime/hub.js';
import type { Db } from '../store/database.js';
import type { SetupCode } from '../setup-code.js';
import type { RateLimiter } from './rate-limit.js';

export interface Services {
  readonly config: Config;
  readonly db: Db;
  readonly log: Log;
  readonly identity: NodeIdentity;
  readonly clock: HybridClock;
  /** The box's idea of now, in milliseconds. */
  readonly now: () => number;
  readonly committer: Committer;
  readonly hub: Hub;
  readonly setupCode: SetupCode;
  readonly limits: {
    readonly loginByAddress: RateLimiter;
    readonly loginByUsername: RateLimiter;
    readonly posts: RateLimiter;
  };
}
