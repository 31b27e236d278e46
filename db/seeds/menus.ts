/**
 * The console's menu tree: what every module's manifest contributes (bff/src/modules/<domain>/menu-seed.ts),
 * assembled in module order by kernel/menus.ts. db/seeds/base.ts syncs it into the database at each start.
 */
import { assembleMenus } from '../../bff/src/kernel/menus';
import { MODULES } from '../../bff/src/modules';

export type { MenuSeed, RoleKey } from '../../bff/src/kernel/menus';

export const MENUS = assembleMenus(MODULES);
