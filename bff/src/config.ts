import path from 'node:path';
import { z } from 'zod';

// Demo-only secrets: embedded mode runs with them so `npm start` needs no setup; production refuses them.
export const DEMO_JWT_SECRET = 'yiyun-demo-jwt-secret-change-me-in-production';
export const DEMO_DATA_KEY = Buffer.alloc(32, 'yiyun-demo-data-key').toString('base64');
export const SIM_WECHAT_APPID = 'wx_sim_yiyun_demo';
export const SIM_WECHAT_SECRET = 'sim-wechat-secret';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_READ_URLS: list.default([]),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  REDIS_URL: z.string().url().optional(),
  REDIS_PREFIX: z.string().default('yiyun:'),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  JOB_SCHEDULE_CHECK_SEC: z.coerce.number().int().min(1).max(86_400).default(60),
  JOB_EVERY_SEC: z
    .string()
    .transform((v, ctx) => {
      const out: Record<string, number> = {};
      for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
        const m = /^([\w-]+)=(\d+(?:\.\d+)?)$/.exec(part);
        if (!m || Number(m[2]) <= 0) {
          ctx.addIssue({ code: 'custom', message: `JOB_EVERY_SEC: "${part}" is not job-name=seconds` });
          return z.NEVER;
        }
        out[m[1]] = Number(m[2]);
      }
      return out;
    })
    .default({}),
  JWT_SECRET: z.string().min(32).default(DEMO_JWT_SECRET),
  DATA_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'DATA_KEY must be 32 bytes, base64-encoded')
    .default(DEMO_DATA_KEY),
  ACCESS_TOKEN_TTL_SEC: z.coerce.number().int().min(30).max(86400).default(900),
  MP_REFRESH_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ADMIN_IDLE_TIMEOUT_MIN: z.coerce.number().int().min(1).max(1440).default(30),
  ADMIN_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  LOGIN_RATE_PER_IP_PER_MIN: z.coerce.number().int().min(1).default(30),
  LOGIN_RATE_PER_USER_PER_MIN: z.coerce.number().int().min(1).default(10),
  CORS_ORIGINS: list.default([]),
  BODY_LIMIT: z.string().default('256kb'),
  WECHAT_APPID: z.string().optional(),
  WECHAT_SECRET: z.string().optional(),
  WECHAT_API_BASE: z.string().url().optional(),
  WECHAT_SIMULATED: bool.optional(),
  WECHATPAY_MCHID: z.string().optional(),
  WECHATPAY_MERCHANT_SERIAL: z.string().optional(),
  WECHATPAY_PRIVATE_KEY: z.string().optional(),
  WECHATPAY_APIV3_KEY: z.string().length(32, 'WECHATPAY_APIV3_KEY must be 32 characters').optional(),
  WECHATPAY_PLATFORM_KEYS: z
    .string()
    .transform((v, ctx) => {
      try {
        return z.record(z.string(), z.string()).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'WECHATPAY_PLATFORM_KEYS must be a JSON object of serial → PEM' });
        return z.NEVER;
      }
    })
    .optional(),
  WECHATPAY_API_BASE: z.string().url().optional(),
  WECHATPAY_NOTIFY_URL: z.string().url().optional(),
  WECHATPAY_SIMULATED: bool.optional(),
  SEED_DEMO: bool.optional(),
  MIGRATE_ON_START: bool.optional(),
  TRUST_PROXY: bool.default(false),
  ADMIN_INITIAL_PASSWORD: z.string().min(12).optional(),
  OPER_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(180),
  BOOKING_HOLD_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  BOOKING_MAX_ACTIVE: z.coerce.number().int().min(1).max(50).default(5),
  BOOKING_CANCEL_CUTOFF_MINUTES: z.coerce.number().int().min(0).max(7 * 1440).default(0),
  BOOKING_DAYS_AHEAD: z.coerce.number().int().min(1).max(60).default(7),
  BOOKING_RATE_PER_USER_PER_MIN: z.coerce.number().int().min(1).default(30),
  NO_SHOW_LIMIT: z.coerce.number().int().min(1).max(100).default(3),
  NO_SHOW_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  NO_SHOW_SUSPEND_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  WAITLIST_OFFER_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  ADMIN_DIST: z.string().optional(),
  H5_DIST: z.string().optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  embedded: boolean;
  sqlitePath: string;
  wechat: { appid: string; secret: string; apiBase: string | undefined; simulated: boolean };
  /** simulated: the BFF runs its own spec-faithful WeChat Pay gateway and merchant identity (demo only). */
  wechatpay: { simulated: boolean };
  seedDemo: boolean;
  adminDist: string;
  h5Dist: string;
}

const root = path.resolve(import.meta.dirname, '../..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means "not set", as in most deployment tools.
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const simulated = e.WECHAT_SIMULATED ?? !(e.WECHAT_APPID && e.WECHAT_SECRET);
  const embedded = !e.DATABASE_URL;
  const cfg: Config = {
    ...e,
    embedded,
    sqlitePath: path.resolve(root, e.DATA_DIR, 'yiyun.sqlite'),
    wechat: {
      appid: e.WECHAT_APPID ?? SIM_WECHAT_APPID,
      secret: e.WECHAT_SECRET ?? SIM_WECHAT_SECRET,
      apiBase: e.WECHAT_API_BASE ?? (simulated ? undefined : 'https://api.weixin.qq.com'),
      simulated,
    },
    wechatpay: { simulated: e.WECHATPAY_SIMULATED ?? !e.WECHATPAY_MCHID },
    seedDemo: e.SEED_DEMO ?? embedded,
    adminDist: path.resolve(root, e.ADMIN_DIST ?? 'admin-console/dist'),
    h5Dist: path.resolve(root, e.H5_DIST ?? 'miniprogram/dist-h5'),
  };
  if (cfg.NODE_ENV === 'production') assertProductionSafe(cfg);
  return cfg;
}

/** Production must never run on demo secrets, demo data or the simulated WeChat. */
function assertProductionSafe(cfg: Config) {
  const problems: string[] = [];
  if (cfg.JWT_SECRET === DEMO_JWT_SECRET) problems.push('JWT_SECRET is the demo default');
  if (cfg.DATA_KEY === DEMO_DATA_KEY) problems.push('DATA_KEY is the demo default');
  if (cfg.wechat.simulated) problems.push('WeChat is simulated (set WECHAT_APPID and WECHAT_SECRET)');
  if (cfg.seedDemo) problems.push('SEED_DEMO is on');
  if (cfg.wechatpay.simulated) problems.push('WeChat Pay is simulated (set WECHATPAY_MCHID and the merchant keys)');
  if (!cfg.DATABASE_URL) problems.push('DATABASE_URL is missing (embedded SQLite is for demos)');
  if (!cfg.REDIS_URL) problems.push('REDIS_URL is missing');
  if (problems.length) throw new Error(`Refusing to start in production:\n  ${problems.join('\n  ')}`);
}
