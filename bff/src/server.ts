import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from './config';
import { initInfra, closeInfra, type Infra } from './infra';
import { migrate } from './infra/db';
import { createApp } from './app';
import { pruneLogs } from './modules/monitor/service';
import { seedBase } from '../../db/seeds/base';
import { seedDemo } from '../../db/seeds/demo';
import { FakeWechat } from '../../test/fakes/wechat-server';

export interface Running {
  infra: Infra;
  server: http.Server;
  url: string;
  stop(): Promise<void>;
}

/** Boots the whole BFF: infrastructure, migrations (embedded), demo seed, simulated WeChat, HTTP. */
export async function startServer(config: Config = loadConfig()): Promise<Running> {
  const infra = await initInfra(config);
  const { log } = infra;
  let simulator: { close(): Promise<void> } | undefined;
  if (config.wechat.simulated && !config.wechat.apiBase) {
    const fake = new FakeWechat({ apps: { [config.wechat.appid]: config.wechat.secret } });
    infra.wechat.setBaseUrl(await fake.listen(0));
    simulator = fake;
    log.warn({ url: infra.wechat.apiBase }, 'SIMULATED WeChat is in use (demo mode): logins and phone numbers are not real');
  }
  if (config.MIGRATE_ON_START ?? config.embedded) await migrate(infra.sequelize);
  if (config.seedDemo) await seedDemo();
  else await seedBase();

  infra.jobs.define('log-retention', 6 * 3600_000, pruneLogs);
  await infra.jobs.start();

  const app = createApp(infra);
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  log.info({ url, mode: config.embedded ? 'embedded (SQLite, in-process cache)' : 'production (MySQL, Redis)' }, 'Yiyun BFF listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop accepting, let in-flight requests finish, then close idle keep-alive sockets and the infra.
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      await closeInfra();
      await simulator?.close();
    })());
  return { infra, server, url, stop };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  startServer()
    .then((running) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => {
          running.infra.log.info({ sig }, 'shutting down');
          running.stop().then(() => process.exit(0), () => process.exit(1));
        });
      }
    })
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
