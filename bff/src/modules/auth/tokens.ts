import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import DataLoader from 'dataloader';
import { Op } from 'sequelize';
import { infra } from '../../infra';
import { randomToken, sha256 } from '../../infra/crypto';
import { AppError, unauthenticated } from '../../http/errors';
import { AdminSession, RefreshToken } from './models';

type Audience = 'mp' | 'admin';
const ISSUER = 'yiyun';

export interface AccessClaims {
  sub: string;
  aud: Audience;
  sid?: string;
}

// A KeyObject, made once: given a string, jsonwebtoken first tries (and fails) to parse it as a public key
// on every verify, which was the single biggest cost of an authenticated request.
let key: { secret: string; obj: crypto.KeyObject } | undefined;
function hmacKey() {
  const secret = infra().config.JWT_SECRET;
  if (key?.secret !== secret) {
    key = { secret, obj: crypto.createSecretKey(Buffer.from(secret, 'utf8')) };
    verified.clear();
  }
  return key.obj;
}

export function signAccess(aud: Audience, subjectId: number, sid?: string) {
  const { config } = infra();
  return jwt.sign(sid ? { sid } : {}, hmacKey(), {
    algorithm: 'HS256',
    subject: String(subjectId),
    audience: aud,
    issuer: ISSUER,
    expiresIn: config.ACCESS_TOKEN_TTL_SEC,
  });
}

/**
 * Tokens this process has verified, with their claims, until they expire: an access token is immutable and its
 * signature needs checking once, not on every request (what can end it early — a logout — is the login state's
 * business, below). Bounded; cleared when the secret changes.
 */
const verified = new Map<string, AccessClaims & { exp: number }>();
const MAX_VERIFIED = 20_000;

export function verifyAccess(token: string, aud: Audience): AccessClaims {
  const memoKey = `${aud} ${token}`;
  const known = verified.get(memoKey);
  if (known && known.exp * 1000 > Date.now()) return known;
  try {
    const claims = jwt.verify(token, hmacKey(), {
      algorithms: ['HS256'],
      audience: aud,
      issuer: ISSUER,
    }) as AccessClaims & { exp: number };
    if (verified.size >= MAX_VERIFIED) verified.clear();
    verified.set(memoKey, claims);
    return claims;
  } catch (err) {
    verified.delete(memoKey);
    if (err instanceof jwt.TokenExpiredError) throw unauthenticated('TOKEN_EXPIRED', '登录状态已过期，请刷新');
    throw unauthenticated('UNAUTHENTICATED', '登录凭证无效，请重新登录');
  }
}

export async function issueTokens(aud: Audience, subjectId: number, familyId: string, ttlMs: number) {
  const refreshToken = randomToken();
  await RefreshToken.create({
    tokenHash: sha256(refreshToken),
    subjectType: aud,
    subjectId,
    familyId,
    expiresAt: new Date(Date.now() + ttlMs),
    usedAt: null,
    revokedAt: null,
  });
  return {
    accessToken: signAccess(aud, subjectId, familyId),
    refreshToken,
    expiresIn: infra().config.ACCESS_TOKEN_TTL_SEC,
  };
}

export const newFamilyId = () => crypto.randomUUID();

/**
 * Patients' access tokens are stateless, so a login that ended (logout, refresh-token reuse) has to be remembered
 * until its access tokens have expired. The database is the record (refresh-token rows carry revokedAt, a console
 * session its own); Redis only caches the answer per login, both ways, so a request costs one cache read and a
 * Redis that restarts empty forgets nothing: the next request asks the database again.
 */
const loginStateKey = (familyId: string) => `login-state:${familyId}`;
const REVOKED = 'revoked';
const LIVE = 'live';
/** How long "this login is live" is believed without asking the database again. */
const LIVE_CACHE_SEC = 60;
const revokedCacheSec = () => infra().config.ACCESS_TOKEN_TTL_SEC + 60;

export async function revokeFamily(familyId: string, reason: string) {
  const now = new Date();
  await RefreshToken.update({ revokedAt: now }, { where: { familyId, revokedAt: { [Op.is]: null } } });
  await AdminSession.update(
    { revokedAt: now, revokeReason: reason },
    { where: { id: familyId, revokedAt: { [Op.is]: null } } },
  );
  // Written last and unconditionally: a request that read "live" from the database before the update above can only
  // cache that with setIfAbsent, so whichever comes second, the cache ends up saying revoked.
  await infra().kv.set(loginStateKey(familyId), REVOKED, revokedCacheSec());
  // …and every process forgets what it memoised about this login (its state, a console session's rows) before the
  // logout is answered: the very next request, to any process, is refused.
  await infra().memo.dropConfirmed(loginTag(familyId));
}

/** The memo tag of everything a process remembers about one login (infra/memo.ts). */
export const loginTag = (familyId: string) => `login:${familyId}`;
/** How long a process believes what it read about a login without asking again (a drop ends it at once). */
export const loginMemoMs = () => infra().config.AUTH_MEMO_MS;

/** Whether a patient's login (a refresh-token family) has been ended; memoised for AUTH_MEMO_MS in this process. */
export function isLoginRevoked(familyId: string): Promise<boolean> {
  return infra().memo.get(`mp-login:${familyId}`, [loginTag(familyId)], loginMemoMs(), () => loginRevoked(familyId));
}

async function loginRevoked(familyId: string): Promise<boolean> {
  const { kv } = infra();
  const cached = await kv.get<string>(loginStateKey(familyId));
  if (cached !== undefined) return cached === REVOKED;
  const revoked = await revokedInDatabase().load(familyId);
  if (revoked) await kv.set(loginStateKey(familyId), REVOKED, revokedCacheSec());
  else await kv.setIfAbsent(loginStateKey(familyId), LIVE, LIVE_CACHE_SEC);
  return revoked;
}

/**
 * Whether the database holds a revoked refresh token of each login asked about in one turn of the event loop, in one
 * query: at 08:00 thousands of patients whose login state has left Redis tap at once, and one query per login queued
 * them all for the pool's connections, the bookings' statements behind them. The same question as one login's
 * `COUNT`, asked of many at once; not cached here (the memo and Redis above are the caches).
 */
let revokedLoader: DataLoader<string, boolean> | undefined;
function revokedInDatabase() {
  return (revokedLoader ??= new DataLoader<string, boolean>(
    async (familyIds) => {
      // From the primary: a lagging read replica could still call a just-ended login live.
      const rows = (await RefreshToken.findAll({
        attributes: ['familyId'],
        where: { familyId: [...familyIds], revokedAt: { [Op.ne]: null } },
        group: ['familyId'],
        raw: true,
        useMaster: true,
      })) as unknown as { familyId: string }[];
      const revoked = new Set(rows.map((r) => r.familyId));
      return familyIds.map((id) => revoked.has(id));
    },
    // One batch per turn of the event loop (not per callback): the requests read from many sockets in one turn
    // ask together.
    { cache: false, maxBatchSize: 500, batchScheduleFn: (run) => setImmediate(run) },
  ));
}

/**
 * Spends a refresh token and returns its subject and family. A token that was already spent or revoked
 * means it leaked (or the client is confused): the whole family is revoked, as OAuth 2.0 BCP advises.
 */
export async function spendRefreshToken(aud: Audience, token: string) {
  const row = await RefreshToken.findOne({ where: { tokenHash: sha256(token), subjectType: aud } });
  if (!row) throw new AppError(401, 'REFRESH_TOKEN_INVALID', '登录已失效，请重新登录');
  if (row.usedAt || row.revokedAt) {
    await revokeFamily(row.familyId, 'refresh_reuse');
    infra().log.warn({ familyId: row.familyId, aud }, 'refresh token reuse detected; family revoked');
    throw new AppError(401, 'REFRESH_TOKEN_REUSED', '登录凭证已被使用过，为安全起见请重新登录');
  }
  if (row.expiresAt.getTime() <= Date.now()) throw new AppError(401, 'REFRESH_TOKEN_INVALID', '登录已过期，请重新登录');
  // Conditional update: of two concurrent refreshes with the same token, exactly one wins.
  const [won] = await RefreshToken.update(
    { usedAt: new Date() },
    { where: { id: row.id, usedAt: { [Op.is]: null }, revokedAt: { [Op.is]: null } } },
  );
  if (!won) {
    await revokeFamily(row.familyId, 'refresh_reuse');
    throw new AppError(401, 'REFRESH_TOKEN_REUSED', '登录凭证已被使用过，为安全起见请重新登录');
  }
  return { subjectId: row.subjectId, familyId: row.familyId, expiresAt: row.expiresAt };
}
