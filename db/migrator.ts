import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Umzug, SequelizeStorage } from 'umzug';
import type { QueryInterface, Sequelize } from 'sequelize';

type Step = (params: { context: QueryInterface }) => Promise<unknown>;

/** Applies every pending migration. */
export async function migrate(sequelize: Sequelize) {
  return createMigrator(sequelize).up();
}

/** umzug over the app's own Sequelize connection. */
export function createMigrator(sequelize: Sequelize) {
  return new Umzug({
    migrations: {
      // TypeScript through tsx, or the compiled .mjs of `npm run build` (bff/dist/migrations). Either way a
      // migration keeps its .ts name, so a database migrated by one form is up to date for the other.
      glob: ['migrations/*.{ts,mjs}', { cwd: path.resolve(import.meta.dirname) }],
      resolve: ({ name, path: file, context }) => {
        const load = () => import(pathToFileURL(file!).href) as Promise<{ up: Step; down?: Step }>;
        return {
          name: name.replace(/\.mjs$/, '.ts'),
          up: async () => (await load()).up({ context }),
          down: async () => (await load()).down?.({ context }),
        };
      },
    },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
}
