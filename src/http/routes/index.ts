/** Every route, in the order docs/API.md lists them. */
import type { Route } from '../route.js';
import setup from './setup.js';
import auth from './auth.js';
import users from './users.js';
import userPictures from './user-pictures.js';
import invites from './invites.js';
import teams from './teams.js';
import channels from './channels.js';
import posts from './posts.js';
import files from './files.js';
import backup from './backup.js';
import exportRoutes from './export.js';
import search from './search.js';
import status from './status.js';
import peers from './peers.js';

export const ROUTES: readonly Route[] = [
  ...setup,
  ...auth,
  ...users,
  ...userPictures,
  ...invites,
  ...teams,
  ...channels,
  ...posts,
  ...files,
  ...search,
  ...status,
  ...peers,
  ...backup,
  ...exportRoutes,
];
