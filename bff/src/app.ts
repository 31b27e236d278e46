import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import helmet from 'koa-helmet';
import mount from 'koa-mount';
import serve from 'koa-static';
import send from 'koa-send';
import type { Infra } from './infra';
import { errorMiddleware } from './http/errors';
import { urlLengthLimit } from './http/limits';
import { RouteTree, configureRoutes } from './http/route';
import { openApiDocument } from './http/openapi';
import { MODULES } from './modules';
import { authenticateAdmin, authenticateMp } from './modules/auth/authenticate';
import { recordOperation } from './modules/monitor/service';
import { BUSINESS_OUTCOMES } from './modules/monitor/outcomes';
import { metrics } from './infra/metrics';

declare module 'koa' {
  interface DefaultContext {
    log: Infra['log'];
  }
}

const READY_CHECK_MS = 800;

/**
 * Built once per process from the module list; the route trees are module-level so the OpenAPI registry is filled
 * once. The auth guard and the audit log are handed to the route tree here, so http/ knows no domain.
 */
let trees: RouteTree[] | undefined;
function routeTrees() {
  if (trees) return trees;
  configureRoutes({ authenticateAdmin, authenticateMp, recordOperation });
  const mp = new RouteTree('/api/mp', 'mini-program');
  const admin = new RouteTree('/api/admin', 'console');
  const others: RouteTree[] = [];
  for (const m of MODULES) {
    m.mpRoutes?.(mp);
    m.adminRoutes?.(admin);
    for (const o of m.otherRoutes ?? []) {
      const tree = new RouteTree(o.prefix, o.tag);
      o.routes(tree);
      others.push(tree);
    }
  }
  trees = [...others, mp, admin];
  return trees;
}

/** A built single-page app at `prefix`, with unknown paths falling back to its index.html. */
function spa(prefix: string, dir: string) {
  const app = new Koa();
  app.use(serve(dir, { index: 'index.html', maxage: 3600_000 }));
  app.use(async (ctx) => {
    if (ctx.method !== 'GET' || path.extname(ctx.path)) return;
    if (!fs.existsSync(path.join(dir, 'index.html'))) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `尚未构建：${dir}（npm start 会自动构建）`;
      return;
    }
    ctx.set('Cache-Control', 'no-cache');
    await send(ctx, 'index.html', { root: dir });
  });
  return mount(prefix, app);
}

export function createApp(infra: Infra) {
  const { config, log } = infra;
  // X-Forwarded-For is believed only behind a configured proxy, or anyone could dodge per-IP limits.
  const app = new Koa({ proxy: config.TRUST_PROXY });
  // A request's own logger (carrying its id) is made when something logs for it, not for every request: on the hot
  // reads pino's child() was a visible share of the work.
  Object.defineProperty(app.context, 'log', {
    configurable: true,
    get(this: Koa.Context & { requestLog?: Infra['log'] }) {
      return (this.requestLog ??= log.child({ requestId: this.state.requestId }));
    },
  });
  app.context.checkResponses = config.CHECK_RESPONSES ?? config.NODE_ENV !== 'production';

  // The access line's fields are ours and fixed (id, method, path, status, time; no body, headers or query), so it
  // skips the redaction the other lines need: redacting was about 70 % of what writing the line cost, on every request.
  const accessLog = log.child({}, { redact: { paths: [] } });
  app.use(async (ctx, next) => {
    const requestId = /^[\w-]{1,64}$/.test(ctx.get('x-request-id')) ? ctx.get('x-request-id') : crypto.randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = Date.now();
    try {
      await next();
    } finally {
      accessLog.info(
        { requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Date.now() - started },
        'request',
      );
    }
  });
  app.use(requestMetrics());
  app.use(errorMiddleware());
  app.use(urlLengthLimit());
  // upgrade-insecure-requests makes the browser fetch every asset over https; on a clinic's LAN (plain http under a
  // host name) that leaves the console and h5 blank. It is sent only to a request that came over https (ctx.secure
  // believes X-Forwarded-Proto when TRUST_PROXY is on), or always when CSP_UPGRADE_INSECURE says so.
  const securityHeaders = (upgradeInsecure: boolean) =>
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'https:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          mediaSrc: ["'self'", 'https:'],
          upgradeInsecureRequests: upgradeInsecure ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
    });
  const overHttps = fixedHeaders(securityHeaders(true));
  const overHttp = fixedHeaders(securityHeaders(false));
  app.use((ctx, next) => (config.CSP_UPGRADE_INSECURE || ctx.secure ? overHttps : overHttp)(ctx, next));
  app.use(
    cors({
      // Only listed origins get CORS headers; same-origin front-ends need none.
      origin: (ctx) => (config.CORS_ORIGINS.includes(ctx.get('origin')) ? ctx.get('origin') : ''),
      credentials: false,
      maxAge: 600,
    }),
  );
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: config.BODY_LIMIT, encoding: 'utf-8' }));

  const base = new Router();
  base.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  // Answers within a second whatever the dependencies do: a check that has not answered by then counts as down.
  base.get('/readyz', async (ctx) => {
    const within = (check: () => Promise<boolean>) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), READY_CHECK_MS);
        check()
          .then(
            (ok) => resolve(ok),
            () => resolve(false),
          )
          .finally(() => clearTimeout(timer));
      });
    const [database, cache] = await Promise.all([
      within(() => infra.sequelize.authenticate().then(() => true)),
      within(() => infra.kv.ping()),
    ]);
    const checks = { database, cache };
    const ok = database && cache;
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ready' : 'not ready', checks };
  });
  // Prometheus scrapes with `Authorization: Bearer <METRICS_TOKEN>`; without a configured token the endpoint is off.
  base.get('/metrics', async (ctx) => {
    const expected = config.METRICS_TOKEN;
    if (!expected) {
      ctx.status = 404;
      ctx.body = { error: { code: 'NOT_FOUND', message: '未启用 /metrics（请配置 METRICS_TOKEN）' } };
      return;
    }
    const given = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1] ?? '';
    const a = crypto.createHash('sha256').update(given).digest();
    const b = crypto.createHash('sha256').update(expected).digest();
    if (!given || !crypto.timingSafeEqual(a, b)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      ctx.body = { error: { code: 'UNAUTHENTICATED', message: '需要正确的 METRICS_TOKEN' } };
      return;
    }
    const m = metrics();
    ctx.type = m.registry.contentType;
    ctx.body = await m.registry.metrics();
  });
  base.get('/api/openapi.json', (ctx) => {
    ctx.body = openApiDocument();
  });
  base.get('/', (ctx) => ctx.redirect('/admin/'));
  app.use(base.routes());

  for (const tree of routeTrees()) app.use(tree.router.routes()).use(tree.router.allowedMethods());

  if (config.wechat.simulated)
    app.use(
      mount(
        '/sim-wechat/__sim',
        simulatorProxy(() => infra.wechat.apiBase, ['/login', '/phone-code', '/subscribe']),
      ),
    );
  if (config.wechatpay.simulated) {
    app.use(
      mount(
        '/sim-wechatpay/__sim',
        simulatorProxy(() => infra.pay?.simulatorBase ?? '', ['/pay', '/cancel', /^\/order\/[\w-]+$/]),
      ),
    );
  }
  // Mounted whether or not they are built yet: files are looked up per request, so a build made after
  // the server started is served at once.
  app.use(spa('/admin', config.adminDist));
  app.use(spa('/h5', config.h5Dist));
  return app;
}

/**
 * Request duration by route pattern and status (Prometheus), the last hour's request and error counts (server
 * page), and the business outcomes of the calls listed in monitor/outcomes.ts. Outside errorMiddleware, so it sees
 * the status and error code the client gets.
 */
/**
 * helmet's headers for one configuration, asked of helmet once: they depend on nothing in the request (no nonces, no
 * per-request directives), and running helmet's dozen middlewares behind a promise on every request was a visible
 * share of a booking rush. helmet sets them synchronously; a helmet that stopped doing so fails here, at start.
 */
function fixedHeaders(helmetMiddleware: Koa.Middleware): Koa.Middleware {
  const set: [string, number | string | readonly string[]][] = [];
  const removed: string[] = [];
  const res = {
    setHeader: (name: string, value: number | string | readonly string[]) => void set.push([name, value]),
    removeHeader: (name: string) => void removed.push(name),
    getHeader: () => undefined,
  };
  void helmetMiddleware(
    { req: { method: 'GET', url: '/', headers: {} }, res } as unknown as Koa.ParameterizedContext,
    async () => undefined,
  );
  if (!set.length) throw new Error('helmet set no header synchronously: the fixed security headers would be empty');
  return (ctx, next) => {
    for (const [name, value] of set) ctx.res.setHeader(name, value);
    for (const name of removed) ctx.res.removeHeader(name);
    return next();
  };
}

function requestMetrics(): Koa.Middleware {
  const outcomes = new Map(BUSINESS_OUTCOMES.map((o) => [`${o.method} ${o.route}`, o]));
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/api/')) return next();
    const m = metrics();
    const end = m.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      end({ method: ctx.method, route: String(route), status: String(ctx.status) });
      m.requests.record(ctx.status);
      const o = outcomes.get(`${ctx.method} ${String(route)}`);
      if (o) {
        const code = (ctx.body as { error?: { code?: string } } | undefined)?.error?.code;
        const outcome = ctx.status < 400 ? 'ok' : (code ?? String(ctx.status));
        (o.metric === 'booking' ? m.bookingOutcomes : m.payments).inc({ action: o.action, outcome });
      }
    }
  };
}

/**
 * In simulated mode the h5 build asks the simulated WeChat for login and phone codes through the BFF's
 * origin, forwarded to the same simulator the BFF's WeChat client talks to.
 */
function simulatorProxy(base: () => string, paths: (string | RegExp)[]) {
  return async (ctx: Koa.Context) => {
    if (!paths.some((p) => (typeof p === 'string' ? p === ctx.path : p.test(ctx.path))) || !base()) return;
    const res = await fetch(new URL(`__sim${ctx.path}`, base().replace(/\/?$/, '/')), {
      method: ctx.method,
      headers: { 'content-type': 'application/json' },
      body: ctx.method === 'GET' ? undefined : JSON.stringify(ctx.request.body ?? {}),
    });
    ctx.status = res.status;
    ctx.body = await res.json();
  };
}
