/**
 * Ids of imported things, derived from what names them in the source (a team's name, a post's
 * channel, author and time), as UUIDv5 under one namespace per source system. Importing the
 * same export twice, or a later export of the same workspace, names every team, channel,
 * account and post the same way, so the second run finds them and adds only what is new; and
 * every box of a fleet that imports the same file agrees on the ids.
 */
import { v5 as uuidv5 } from 'uuid';
import { nameId } from '../core/ids.js';

export type SourceSystem = 'mattermost' | 'slack';

export interface SourceIds {
  /** A UUIDv5 of the parts. */
  (kind: string, ...parts: readonly (string | number)[]): string;
  /**
   * For posts: the layout of a UUIDv7 whose time is the source time and whose other 74 bits
   * come from the UUIDv5 of the parts. Posts are keyed by id in SQLite's B-trees: time-ordered
   * ids append to them, as the PWA's UUIDv7s do, where random ones would scatter a big
   * import's inserts over the whole table.
   */
  timed(time: number, kind: string, ...parts: readonly (string | number)[]): string;
}

export function sourceIds(system: SourceSystem): SourceIds {
  const namespace = nameId(`import:${system}`);
  // JSON keeps the parts apart: ("a:b", "c") and ("a", "b:c") must not name the same thing.
  const named = (kind: string, ...parts: readonly (string | number)[]) => uuidv5(JSON.stringify([kind, ...parts]), namespace);
  const timed = (time: number, kind: string, ...parts: readonly (string | number)[]) => {
    const hash = named(kind, ...parts).replaceAll('-', '');
    const millis = Math.min(Math.max(Math.trunc(time), 0), 0xffffffffffff)
      .toString(16)
      .padStart(12, '0');
    const variant = ((parseInt(hash[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${millis.slice(0, 8)}-${millis.slice(8)}-7${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20)}`;
  };
  return Object.assign(named, { timed });
}
