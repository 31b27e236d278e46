import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const SIM_WECHAT_APPID = 'wx_sim_yiyun_demo';
export const SIM_WECHAT_SECRET = 'sim-wechat-secret';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('data'),
  /**
   * Embedded mode (SQLite, write-ahead log): FULL syncs the log at every commit (a committed booking survives a power
   * cut); NORMAL syncs at checkpoints only (faster commits; the last ones before a power cut may be lost).
   */
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_READ_URLS: list.default([]),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  REDIS_URL: z.string().url().optional(),
  REDIS_PREFIX: z.string().default('yiyun:'),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** ioredis sends the commands of one event-loop turn as one write (a rush's refusals ask Redis together). */
  REDIS_AUTO_PIPELINING: bool.default(true),
  /** How long a process believes what it read about a login (infra/memo.ts); a logout drops it in every process. */
  AUTH_MEMO_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  JOB_SCHEDULE_CHECK_SEC: z.coerce.number().int().min(1).max(86_400).default(60),
  JOB_EVERY_SEC: z
    .string()
    .transform((v, ctx) => {
      const out: Record<string, number> = {};
      for (const part of v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
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
  JWT_SECRET: z.string().min(32).optional(),
  DATA_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'DATA_KEY must be 32 bytes, base64-encoded')
    .optional(),
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
  /** Validate every response against its route's schema (default: on except in production). */
  CHECK_RESPONSES: bool.optional(),
  CSP_UPGRADE_INSECURE: bool.default(false),
  ADMIN_INITIAL_PASSWORD: z.string().min(12).optional(),
  OPER_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(180),
  /** Scheduled job run logs (hold expiry alone runs every 15 s) are kept this long. */
  JOB_RUN_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** Bearer token Prometheus sends to GET /metrics; without one, /metrics is off. */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** How often each BFF instance reports itself (系统监控 › 服务监控 lists instances; 3 missed beats = stale). */
  HEARTBEAT_SEC: z.coerce.number().int().min(1).max(3600).default(10),
  BOOKING_HOLD_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  BOOKING_MAX_ACTIVE: z.coerce.number().int().min(1).max(50).default(5),
  BOOKING_CANCEL_CUTOFF_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 1440)
    .default(0),
  BOOKING_DAYS_AHEAD: z.coerce.number().int().min(1).max(60).default(7),
  /** Length of the time bands a patient picks inside a session (08:00–09:00 …), aligned to the clock. */
  BOOKING_BAND_MINUTES: z.coerce.number().int().min(5).max(720).default(60),
  BOOKING_RATE_PER_USER_PER_MIN: z.coerce.number().int().min(1).default(30),
  /** How long a process answers "no free number" for a full session from memory (a freed number drops it at once). */
  BOOKING_FULL_MEMO_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  NO_SHOW_LIMIT: z.coerce.number().int().min(1).max(100).default(3),
  NO_SHOW_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  NO_SHOW_SUSPEND_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  WAITLIST_OFFER_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** An open consultation with no message for this long is closed by the idle job. */
  CONSULT_IDLE_CLOSE_HOURS: z.coerce
    .number()
    .min(0.001)
    .max(24 * 30)
    .default(48),
  /** A paid consultation the doctor has not answered within this is closed and refunded in full. */
  CONSULT_ANSWER_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 1440)
    .default(1440),
  /** A patient may ask a visit's doctor a free follow-up question for this many days after the visit. */
  CONSULT_FOLLOWUP_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  /** A doctor's reply not delivered to the patient's app within this is sent as a WeChat subscribe message. */
  CONSULT_NOTIFY_AFTER_SEC: z.coerce.number().int().min(0).max(86_400).default(60),
  CONSULT_IMAGE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(20 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  /** How often the WebSocket endpoint pings; a socket silent for a whole interval after a ping is dropped. */
  WS_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Published health education older than this since its last review is flagged for re-review in the console. */
  EDU_REVIEW_INTERVAL_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** Comments one patient (WeChat account) may post per minute, blocked attempts included; more → 429. */
  EDU_COMMENT_RATE_PER_MIN: z.coerce.number().int().min(1).max(1000).default(5),
  /** What the mini-program's home page says about the hospital (README: what a hospital configures). */
  HOSPITAL_NAME: z.string().trim().min(1).max(64).default('医云示范医院'),
  HOSPITAL_ADDRESS: z.string().trim().min(1).max(128).default('上海市徐汇区示范路 100 号'),
  HOSPITAL_PHONE: z
    .string()
    .trim()
    .regex(/^[\d-]{3,20}$/, 'HOSPITAL_PHONE: digits and dashes, e.g. 021-64000000')
    .default('021-64000000'),
  HOSPITAL_HOURS: z.string().trim().min(1).max(128).default('门诊 周一至周日 08:00–12:00，13:30–17:00'),
  HOSPITAL_LATITUDE: z.coerce.number().min(-90).max(90).default(31.1886),
  HOSPITAL_LONGITUDE: z.coerce.number().min(-180).max(180).default(121.4365),
  /** Who answers privacy requests (PIPL: the personal-information contact named in the privacy policy). */
  PRIVACY_CONTACT: z.string().trim().min(1).max(128).default('privacy@yiyun.example.cn'),
  ADMIN_DIST: z.string().optional(),
  H5_DIST: z.string().optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Omit<Env, 'JWT_SECRET' | 'DATA_KEY'> {
  JWT_SECRET: string;
  DATA_KEY: string;
  /** Where the secrets came from when not from the environment: embedded mode keeps its own in DATA_DIR. */
  secretsFile?: { path: string; generated: boolean; tightened: boolean };
  embedded: boolean;
  sqlitePath: string;
  wechat: {
    appid: string;
    secret: string;
    apiBase: string | undefined;
    simulated: boolean;
    /** Subscribe-message template ids by name, from WECHAT_TEMPLATE_<NAME> (e.g. WECHAT_TEMPLATE_APPOINTMENT). */
    templates: Record<string, string>;
  };
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
  const base = {
    ...e,
    embedded,
    sqlitePath: path.resolve(root, e.DATA_DIR, 'yiyun.sqlite'),
    wechat: {
      appid: e.WECHAT_APPID ?? SIM_WECHAT_APPID,
      secret: e.WECHAT_SECRET ?? SIM_WECHAT_SECRET,
      apiBase: e.WECHAT_API_BASE ?? (simulated ? undefined : 'https://api.weixin.qq.com'),
      simulated,
      templates: Object.fromEntries(
        Object.entries(env).flatMap(([k, v]) =>
          /^WECHAT_TEMPLATE_[A-Z0-9_]+$/.test(k) && v ? [[k.slice('WECHAT_TEMPLATE_'.length), v]] : [],
        ),
      ),
    },
    wechatpay: { simulated: e.WECHATPAY_SIMULATED ?? !e.WECHATPAY_MCHID },
    seedDemo: e.SEED_DEMO ?? embedded,
    adminDist: path.resolve(root, e.ADMIN_DIST ?? 'admin-console/dist'),
    h5Dist: path.resolve(root, e.H5_DIST ?? 'miniprogram/dist-h5'),
  };
  refusePublishedSecrets(e);
  if (base.NODE_ENV === 'production') assertProductionSafe(base);
  return { ...base, ...resolveSecrets(base) };
}

type Unresolved = Omit<Config, 'JWT_SECRET' | 'DATA_KEY' | 'secretsFile'> & Pick<Env, 'JWT_SECRET' | 'DATA_KEY'>;

/** Production must never run on generated secrets, demo data or the simulated WeChat. */
function assertProductionSafe(cfg: Unresolved) {
  const problems: string[] = [];
  if (!cfg.JWT_SECRET) problems.push('JWT_SECRET is not set');
  if (!cfg.DATA_KEY) problems.push('DATA_KEY is not set');
  if (cfg.wechat.simulated) problems.push('WeChat is simulated (set WECHAT_APPID and WECHAT_SECRET)');
  if (cfg.seedDemo) problems.push('SEED_DEMO is on');
  if (cfg.wechatpay.simulated) problems.push('WeChat Pay is simulated (set WECHATPAY_MCHID and the merchant keys)');
  if (!cfg.DATABASE_URL) problems.push('DATABASE_URL is missing (embedded SQLite is for demos)');
  if (!cfg.REDIS_URL) problems.push('REDIS_URL is missing');
  if (problems.length) throw new Error(`Refusing to start in production:\n  ${problems.join('\n  ')}`);
}

// SHA-256 of secrets that were once published in this repository as demo defaults. Anyone can sign tokens or
// decrypt data with them, so no run accepts them, whatever it is told.
const PUBLISHED = {
  JWT_SECRET: new Set(['93743fedc65c0c139a4059005035ab1fc7c25a8c90ecadc381fcca921fd07d7f']),
  DATA_KEY: new Set(['45d415984dacb2f755c5673b79ce1034b47fd77637b10504ca2e31eb633a356c']),
};
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

function refusePublishedSecrets(e: Env) {
  const published: string[] = [];
  if (e.JWT_SECRET && PUBLISHED.JWT_SECRET.has(sha256(e.JWT_SECRET))) published.push('JWT_SECRET');
  if (e.DATA_KEY && PUBLISHED.DATA_KEY.has(sha256(Buffer.from(e.DATA_KEY, 'base64')))) published.push('DATA_KEY');
  if (published.length) {
    throw new Error(
      `Refusing to start: ${published.join(' and ')} ${published.length > 1 ? 'are' : 'is'} the demo value published in Yiyun's source, ` +
        'so anyone could forge logins or read the encrypted data. Generate your own: JWT_SECRET=$(openssl rand -hex 32) DATA_KEY=$(openssl rand -base64 32)',
    );
  }
}

/**
 * The signing and data keys. A run that touches real people (a real database, real WeChat, real WeChat Pay) takes
 * them from the environment or does not start: a key made up on one machine would differ between instances and
 * vanish with a container. An embedded run (SQLite under DATA_DIR) makes its own on first start and keeps them beside
 * the data, readable by the owner only.
 */
function resolveSecrets(cfg: Unresolved): Pick<Config, 'JWT_SECRET' | 'DATA_KEY' | 'secretsFile'> {
  if (cfg.JWT_SECRET && cfg.DATA_KEY) return { JWT_SECRET: cfg.JWT_SECRET, DATA_KEY: cfg.DATA_KEY };
  const why: string[] = [];
  if (cfg.DATABASE_URL) why.push('DATABASE_URL is set (a real database)');
  if (!cfg.wechat.simulated) why.push('WeChat is real (WECHAT_APPID and WECHAT_SECRET)');
  if (cfg.WECHATPAY_MCHID) why.push('WECHATPAY_MCHID is set (real WeChat Pay)');
  if (why.length) {
    const missing = [!cfg.JWT_SECRET && 'JWT_SECRET', !cfg.DATA_KEY && 'DATA_KEY'].filter(Boolean).join(' and ');
    throw new Error(
      `Refusing to start: ${missing} must be set in the environment because ${why.join('; ')}. ` +
        'Only embedded mode (no DATABASE_URL, simulated WeChat and WeChat Pay) makes its own. ' +
        'Generate them once and keep them with your deployment secrets: JWT_SECRET=$(openssl rand -hex 32) DATA_KEY=$(openssl rand -base64 32)',
    );
  }
  const file = path.join(path.dirname(cfg.sqlitePath), 'secrets.json');
  const stored = readOrCreateSecrets(file, cfg.DATA_KEY ? undefined : cfg.sqlitePath);
  return {
    JWT_SECRET: cfg.JWT_SECRET ?? stored.JWT_SECRET,
    DATA_KEY: cfg.DATA_KEY ?? stored.DATA_KEY,
    secretsFile: { path: file, generated: stored.generated, tightened: stored.tightened },
  };
}

const StoredSecrets = z.object({
  JWT_SECRET: z.string().min(32),
  DATA_KEY: z.string().refine((v) => Buffer.from(v, 'base64').length === 32),
});

/**
 * DATA_DIR/secrets.json, created once with mode 0600. It is written to a private temporary file and hard-linked into
 * place, which fails if the name exists: of two processes starting together one wins, the other reads its file, and
 * nobody ever reads a half-written one.
 */
function readOrCreateSecrets(file: string, existingDatabase: string | undefined) {
  const read = () => {
    const st = fs.statSync(file);
    let tightened = false;
    if (st.mode & 0o077) {
      fs.chmodSync(file, 0o600);
      tightened = true;
    }
    const parsed = StoredSecrets.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new Error(`${file} is not a valid secrets file (JWT_SECRET ≥ 32 characters, DATA_KEY 32 bytes base64)`);
    return { ...parsed.data, generated: false, tightened };
  };
  if (fs.existsSync(file)) return read();
  if (existingDatabase && fs.existsSync(existingDatabase)) {
    // Made before installations had their own keys: its ID and phone numbers are encrypted with the published demo
    // key. A new key could not read them, and the published one is refused.
    throw new Error(
      `Refusing to start: ${existingDatabase} was created by an earlier version with the published demo keys, so anyone ` +
        `can decrypt the ID and phone numbers in it. Move ${path.dirname(existingDatabase)} away to start afresh: this version ` +
        'then makes keys of its own and keeps them in secrets.json beside the new database. (Records in the old database ' +
        'are not carried over automatically.)',
    );
  }
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secrets = {
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    DATA_KEY: crypto.randomBytes(32).toString('base64'),
  };
  const tmp = path.join(dir, `.secrets.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify({ ...secrets, createdAt: new Date().toISOString() }, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return read();
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { ...secrets, generated: true, tightened: false };
}
