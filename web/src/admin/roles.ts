/** The roles an administrator hands out, in the order the menus offer them. */
import { t } from '../i18n';
import type { Role } from '../types';

export const ROLES: readonly Role[] = ['admin', 'member', 'guest'];
export const roleName = (role: Role) => t(`role.${role}` as const);
