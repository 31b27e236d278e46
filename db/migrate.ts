// `npm run db:migrate` (up) or `npx tsx db/migrate.ts down|pending`: migrations against DATABASE_URL (or embedded SQLite).
import { loadConfig } from '../bff/src/config';
import { closeInfra, initInfra } from '../bff/src/infra';
import { createMigrator } from './migrator';

const cmd = process.argv[2] ?? 'up';
const infra = await initInfra(loadConfig()); // migrations need the connection only, no models
const migrator = createMigrator(infra.sequelize);
if (cmd === 'up')
  console.log(
    'applied:',
    (await migrator.up()).map((m) => m.name),
  );
else if (cmd === 'down')
  console.log(
    'reverted:',
    (await migrator.down()).map((m) => m.name),
  );
else
  console.log(
    'pending:',
    (await migrator.pending()).map((m) => m.name),
  );
await closeInfra();
