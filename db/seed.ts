// `npm run db:seed`: base data (roles, menus, positions, dictionaries) — plus the demo hospital when SEED_DEMO is on.
import { loadConfig } from '../bff/src/config';
import { closeInfra, initInfra } from '../bff/src/infra';
import { initModuleModels } from '../bff/src/modules';
import { seedBase } from './seeds/base';
import { seedDemo } from './seeds/demo';

const config = loadConfig();
await initInfra(config, { initModels: initModuleModels });
console.log(config.seedDemo ? `demo seeded: ${await seedDemo()}` : `base seeded: ${await seedBase()}`);
await closeInfra();
