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

export function sourceIds(system: SourceSystem): (kind: string, ...parts: readonly (string | number)[]) => string {
  const namespace = nameId(`import:${system}`);
  // JSON keeps the parts apart: ("a:b", "c") and ("a", "b:c") must not name the same thing.
  return (kind, ...parts) => uuidv5(JSON.stringify([kind, ...parts]), namespace);
}
