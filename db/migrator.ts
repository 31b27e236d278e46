import path from 'node:path';
import { Umzug, SequelizeStorage } from 'umzug';
import type { Sequelize } from 'sequelize';

/** Applies every pending migration. */
export async function migrate(sequelize: Sequelize) {
  return createMigrator(sequelize).up();
}

/** umzug over the app's own Sequelize connection; migration files are TypeScript run through tsx. */
export function createMigrator(sequelize: Sequelize) {
  return new Umzug({
    migrations: { glob: ['migrations/*.ts', { cwd: path.resolve(import.meta.dirname) }] },
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
}
