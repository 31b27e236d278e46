import type { Sequelize } from 'sequelize';
import type { RouteTree } from '../http/route';
import type { JobDef } from '../infra/jobs';
import type { MenuSeed } from './menus';

export type { JobDef };

/** A route tree of its own (a third-party caller such as WeChat Pay's notifications), outside /api/mp and /api/admin. */
export interface OtherRoutes {
  prefix: string;
  /** OpenAPI tag of the tree. */
  tag: string;
  routes(tree: RouteTree): void;
}

/**
 * What a domain hands the composition root (server.ts, app.ts): everything the core needs to run it, so that
 * adding a domain is a folder with this manifest and one line in modules/index.ts, and nothing in infra/ or http/
 * has to know it exists.
 */
export interface ModuleManifest {
  /** The folder name under bff/src/modules/. */
  name: string;
  /** Defines the domain's Sequelize models on the one connection. */
  initModels(sequelize: Sequelize): void;
  /** Routes under /api/mp (the mini-program). */
  mpRoutes?(tree: RouteTree): void;
  /** Routes under /api/admin (the console). */
  adminRoutes?(tree: RouteTree): void;
  otherRoutes?: OtherRoutes[];
  /** Background jobs, registered with the one job runner (BullMQ on Redis, timers embedded). */
  jobs?: JobDef[];
  /**
   * The console pages and buttons the domain brings (kernel/menus.ts assembles every module's into one tree, which
   * db/seeds syncs at each start). Top-level directories with the same path from several modules are joined.
   */
  menus?: MenuSeed[];
  /** Every permission string the domain's routes check, as typed constants. */
  permissions: Readonly<Record<string, string>>;
  /**
   * The domain's seed data, run by db/seeds after migrations, in module order; each must be idempotent.
   * `base`: what every installation needs (reference data), at every start — `fresh` on the installation's first
   * start (after the built-in roles, menus and first administrator are made), for data an administrator owns
   * afterwards (system's positions and dictionaries). `demo`: the demo hospital's data of
   * this domain (embedded/demo mode only), at every demo start after the hospital itself (departments, accounts) is
   * there; with `demoRefreshMs` it is run again on that period (e.g. a rolling week of schedules).
   */
  seed?: { base?(ctx: { fresh: boolean }): Promise<void>; demo?(): Promise<void>; demoRefreshMs?: number };
  /**
   * Called once at start, after every module's models are defined: registers the domain's handlers with the
   * kernel or with a domain it depends on (e.g. booking tells payment what a paid appointment order does).
   */
  setup?(): void;
}
