import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { loadConfig, type Config } from './config';
import { initInfra, closeInfra, type Infra } from './infra';
import { migrate } from '../../db/migrator';
import { createApp } from './app';
import { MODULES, initModuleModels, setUpModules } from './modules';
import { seedBase } from '../../db/seeds/base';
import { seedDemo } from '../../db/seeds/demo';
import { WechatPayClient, generateApiV3Key, generateMerchantIdentity } from './infra/wechatpay';
import { attachRealtime } from './kernel/realtime';
import type { RealtimeHub } from './kernel/realtime/hub';
import { authenticateToken, isTokenStillValid } from './modules/auth/authenticate';
import { setOpenidLookup } from './kernel/notifications';
import { MpUser } from './modules/auth/models';
import { jobStore } from './modules/monitor/jobs';
import { countWsConnectionsWith } from './infra/metrics';
import { startHeartbeat } from './modules/monitor/server-info';
import { sweepInterruptedRuns } from './modules/monitor/interrupted';

/** How long an idle keep-alive connection stays open (see startServer). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface Running {
  infra: Infra;
  server: http.Server;
  url: string;
  realtime: RealtimeHub;
  stop(): Promise<void>;
}

/**
 * The simulated WeChat and WeChat Pay (bff/src/simulators) this boot needs, loaded here and nowhere else, with a
 * dynamic import(): the simulated WeChat when it is simulated and no API base is given, the WeChat Pay gateway when no
 * merchant (WECHATPAY_MCHID) is configured. In production (NODE_ENV=production, in the config or the process) it
 * refuses to load them, whatever the settings say — loadConfig already refuses the plain cases (WECHAT_SIMULATED,
 * no WeChat Pay merchant); this is the last line, checked where the code would be loaded.
 */
export async function loadSimulators(config: Config) {
  const wechat = config.wechat.simulated && !config.wechat.apiBase;
  const wechatpay = !config.WECHATPAY_MCHID;
  if (!wechat && !wechatpay) return {};
  if (config.NODE_ENV === 'production' || process.env.NODE_ENV === 'production') {
    const which = [
      ...(wechat ? ['the simulated WeChat (set WECHAT_APPID and WECHAT_SECRET, and not WECHAT_SIMULATED)'] : []),
      ...(wechatpay ? ['the simulated WeChat Pay gateway (set WECHATPAY_MCHID and the merchant keys)'] : []),
    ];
    throw new Error(
      `Refusing to start in production: this configuration would load simulator code:\n  ${which.join('\n  ')}`,
    );
  }
  return {
    wechat: wechat ? await import('./simulators/wechat-server') : undefined,
    wechatpay: wechatpay ? await import('./simulators/wechatpay-gateway') : undefined,
  };
}

type Simulators = Awaited<ReturnType<typeof loadSimulators>>;

/** Boots the whole BFF: infrastructure, migrations (embedded), demo seed, simulated WeChat, HTTP. */
export async function startServer(config: Config = loadConfig()): Promise<Running> {
  // First: a production boot that would load a simulator stops here, before it touches the database or Redis.
  const sims = await loadSimulators(config);
  const infra = await initInfra(config, { initModels: (sequelize) => initModuleModels(sequelize, MODULES) });
  setUpModules(MODULES);
  const { log } = infra;
  const simulators: { close(): Promise<void> }[] = [];
  if (sims.wechat) {
    const { FakeWechat } = sims.wechat;
    const fake = new FakeWechat({ apps: { [config.wechat.appid]: config.wechat.secret } });
    infra.wechat.setBaseUrl(await fake.listen(0));
    simulators.push(fake);
    log.warn(
      { url: infra.wechat.apiBase },
      'SIMULATED WeChat is in use (demo mode): logins and phone numbers are not real',
    );
  }
  const pay = await setUpWechatPay(config, infra, sims);
  if (pay.simulator) simulators.push(pay.simulator);

  if (config.MIGRATE_ON_START ?? config.embedded) await migrate(infra.sequelize);
  if (config.seedDemo) await seedDemo();
  else await seedBase();

  // Settings and run log of every job live in the monitor module's tables (系统监控 › 定时任务).
  infra.jobs.useStore(jobStore);
  // Runs a crashed process left `running` are closed now (and, on Redis, after every heartbeat: see below).
  await sweepInterruptedRuns().catch((err) => log.warn({ err }, 'could not close interrupted job runs'));
  for (const m of MODULES) for (const job of m.jobs ?? []) infra.jobs.register(job);
  if (config.seedDemo)
    for (const m of MODULES)
      if (m.seed?.demo && m.seed.demoRefreshMs)
        infra.jobs.define(`demo-seed-${m.name}`, m.seed.demoRefreshMs, m.seed.demo);
  await infra.jobs.start();

  const app = createApp(infra);
  const server = http.createServer(app.callback());
  // Idle keep-alive connections are kept longer than common load-balancer idle timeouts (60 s), so the balancer
  // closes first and never sends on a socket we are closing. The time allowed for a request's headers must exceed
  // it (Node's default headersTimeout, 60 s, does not): otherwise a request arriving on a connection idle for
  // more than 60 s can be cut off mid-headers.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  server.on('clientError', answerUnparsableRequest);
  setOpenidLookup(async (userId) => (await MpUser.findByPk(userId, { attributes: ['openid'] }))?.openid);
  const realtime = attachRealtime(server, infra, { authenticate: authenticateToken, stillValid: isTokenStillValid });
  countWsConnectionsWith(() => realtime.connections);
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  infra.pay!.notifyUrl = config.WECHATPAY_NOTIFY_URL ?? `${url}/api/pay/notify`;
  const heartbeat = startHeartbeat(url, sweepInterruptedRuns);
  log.info(
    { url, mode: config.embedded ? 'embedded (SQLite, in-process cache)' : 'production (MySQL, Redis)' },
    'Yiyun BFF listening',
  );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop accepting, let in-flight requests finish, then close idle keep-alive sockets and the infra.
      // WebSockets first: they are told to reconnect elsewhere, and the server would otherwise wait for them.
      await heartbeat.stop();
      await realtime.close();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      await closeInfra();
      for (const sim of simulators) await sim.close();
    })());
  return { infra, server, url, realtime, stop };
}

/**
 * Requests Node refuses before Koa sees them (header section over http.maxHeaderSize — 16 KB by default, set with
 * `node --max-http-header-size=N` — malformed, or too slow) still get the API's error shape rather than a bare
 * status line. With a listener here Node no longer answers or closes the socket itself, so this does both.
 */
const CLIENT_ERRORS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', '请求头或网址过长'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'REQUEST_TIMEOUT', '请求超时'],
};
function answerUnparsableRequest(err: NodeJS.ErrnoException, socket: Duplex) {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [
    400,
    'Bad Request',
    'MALFORMED_REQUEST',
    '请求格式有误',
  ];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * WeChat Pay: the real merchant from the environment, or (demo) a simulated merchant identity and the
 * spec-faithful local gateway, which is also what the h5 pay sheet talks to through /sim-wechatpay.
 */
async function setUpWechatPay(config: Config, infra: Infra, sims: Simulators) {
  let simulator: { close(): Promise<void> } | undefined;
  let opts: ConstructorParameters<typeof WechatPayClient>[0];
  if (config.WECHATPAY_MCHID) {
    if (
      !config.WECHATPAY_MERCHANT_SERIAL ||
      !config.WECHATPAY_PRIVATE_KEY ||
      !config.WECHATPAY_APIV3_KEY ||
      !config.WECHATPAY_PLATFORM_KEYS
    ) {
      throw new Error(
        'WECHATPAY_MCHID is set: WECHATPAY_MERCHANT_SERIAL, WECHATPAY_PRIVATE_KEY, WECHATPAY_APIV3_KEY and WECHATPAY_PLATFORM_KEYS are required too',
      );
    }
    opts = {
      mchid: config.WECHATPAY_MCHID,
      appid: config.wechat.appid,
      merchantSerial: config.WECHATPAY_MERCHANT_SERIAL,
      merchantPrivateKeyPem: config.WECHATPAY_PRIVATE_KEY.replace(/\\n/g, '\n'),
      apiV3Key: config.WECHATPAY_APIV3_KEY,
      platformPublicKeys: config.WECHATPAY_PLATFORM_KEYS,
      apiBase: config.WECHATPAY_API_BASE,
    };
  } else {
    if (!sims.wechatpay) throw new Error('the simulated WeChat Pay gateway was not loaded');
    const merchant = generateMerchantIdentity();
    const apiV3Key = generateApiV3Key();
    const mchid = '1900000109';
    const { FakeWechatPay } = sims.wechatpay;
    const gateway = new FakeWechatPay({
      mchid,
      appid: config.wechat.appid,
      merchantSerial: merchant.serial,
      merchantPublicKeyPem: merchant.publicKeyPem,
      apiV3Key,
      retryScheduleMs: [1000, 5000, 30000],
    });
    simulator = gateway;
    const base = await gateway.listen(0);
    opts = {
      mchid,
      appid: config.wechat.appid,
      merchantSerial: merchant.serial,
      merchantPrivateKeyPem: merchant.privateKeyPem,
      merchantPublicKeyPem: merchant.publicKeyPem,
      apiV3Key,
      platformPublicKeys: gateway.platformPublicKeys,
      apiBase: base,
    };
    infra.log.warn({ url: base }, 'SIMULATED WeChat Pay is in use (demo mode): no real money moves');
  }
  infra.pay = {
    client: new WechatPayClient(opts),
    notifyUrl: '',
    simulatorBase: simulator ? opts.apiBase : config.wechatpay.simulated ? config.WECHATPAY_API_BASE : undefined,
  };
  return { simulator };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  startServer()
    .then((running) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => {
          running.infra.log.info({ sig }, 'shutting down');
          running.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        });
      }
    })
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
