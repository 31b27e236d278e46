import type { Context } from 'koa';
import type { Transaction } from 'sequelize';
import { infra } from '../../infra';
import jwt from 'jsonwebtoken';
import { AppError, unauthenticated } from '../../http/errors';
import type { AdminActor, MpActor } from '../../http/actor';
import { verifyAccess, revokeFamily, isLoginRevoked, loginTag, loginMemoMs, type AccessClaims } from './tokens';
import { AdminSession } from './models';
import { User } from '../system/models';
import { loadAuthz } from '../system/authz';

const TOUCH_EVERY_MS = 30_000;

function bearer(ctx: Context) {
  const h = ctx.get('authorization');
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw unauthenticated();
  return m[1];
}

export async function authenticateMp(ctx: Context): Promise<MpActor> {
  return authenticateMpToken(bearer(ctx));
}

export async function authenticateMpToken(token: string): Promise<MpActor> {
  const claims = verifyAccess(token, 'mp');
  // Logged out, or its refresh token was reused: this login's access tokens stop at once.
  if (claims.sid && (await isLoginRevoked(claims.sid)))
    throw unauthenticated('SESSION_REVOKED', '登录已失效，请重新登录');
  return { kind: 'mp', userId: Number(claims.sub) };
}

/** Checks the token AND the live session on every request, so a force logout takes effect at once. */
export async function authenticateAdmin(ctx: Context): Promise<AdminActor> {
  return authenticateAdminToken(bearer(ctx));
}

type AdminLogin =
  | { live: true; session: AdminSession; user: User }
  | { live: false; forced?: true; end?: { sessionId: string; reason: 'idle_timeout' | 'account_disabled' } };

/** An administrator ended this login (在线用户 › 强退): said so, with its own code, rather than "login expired". */
export const forcedOut = () => unauthenticated('SESSION_FORCED_OUT', '您已被管理员强制下线，如有疑问请联系管理员');

/** Memo tag of every console login's rows: any write to a staff account drops them in every process. */
export const STAFF_TAG = 'staff-users';

/**
 * A console session's row and its user's, memoised for AUTH_MEMO_MS in this process: dropped in every process when the
 * login ends (revokeFamily) or any staff account changes (watchStaffAccounts), so neither waits for the memo to lapse.
 */
function loginRows(sid: string) {
  return infra().memo.get(`admin-login:${sid}`, [loginTag(sid), STAFF_TAG], loginMemoMs(), async () => {
    const session = await AdminSession.findByPk(sid);
    return { session, user: session ? await User.findByPk(session.userId) : null };
  });
}

/** The one statement of what keeps a console login alive; read-only, the callers decide what an ended login costs. */
async function adminLogin(claims: AccessClaims, now: number): Promise<AdminLogin> {
  const { session, user } = claims.sid ? await loginRows(claims.sid) : { session: null, user: null };
  if (!session || session.userId !== Number(claims.sub)) return { live: false };
  if (session.revokedAt) return session.revokeReason === 'forced' ? { live: false, forced: true } : { live: false };
  const idleMs = infra().config.ADMIN_IDLE_TIMEOUT_MIN * 60_000;
  if (session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + idleMs <= now)
    return { live: false, end: { sessionId: session.id, reason: 'idle_timeout' } };
  if (!user || user.status !== 'active')
    return { live: false, end: { sessionId: session.id, reason: 'account_disabled' } };
  return { live: true, session, user };
}

export async function authenticateAdminToken(token: string): Promise<AdminActor> {
  const now = Date.now();
  const login = await adminLogin(verifyAccess(token, 'admin'), now);
  if (!login.live) {
    if (login.forced) throw forcedOut();
    if (login.end) await revokeFamily(login.end.sessionId, login.end.reason);
    throw unauthenticated('SESSION_REVOKED', '登录已失效，请重新登录');
  }
  const { session, user } = login;
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) await session.update({ lastSeenAt: new Date(now) });
  const authz = await loadAuthz(user);
  return {
    kind: 'admin',
    userId: user.id,
    username: user.username,
    name: user.name,
    deptId: user.deptId,
    sessionId: session.id,
    roles: authz.roles,
    perms: new Set(authz.perms),
    scope: authz.scope,
    mustChangePassword: user.mustChangePassword,
  };
}

/** Unverified, only to pick which verification applies; verifyAccess then checks the audience itself. */
const audienceOf = (token: string) =>
  (jwt.decode(token) as { aud?: unknown } | null)?.aud === 'admin' ? 'admin' : 'mp';

/** A token from outside an HTTP request (the WebSocket upgrade): its audience says whether it is a patient's or staff's. */
export function authenticateToken(token: string): Promise<MpActor | AdminActor> {
  return audienceOf(token) === 'admin' ? authenticateAdminToken(token) : authenticateMpToken(token);
}

/**
 * For a long-lived socket: the token has not expired and its login was not ended (logout, force logout, refresh-token
 * reuse, disabled account). Unlike authenticateAdmin it does not count as activity, so an open console tab alone
 * does not keep a session from its idle timeout.
 */
export async function isTokenStillValid(token: string): Promise<boolean> {
  try {
    const claims = verifyAccess(token, audienceOf(token));
    if (claims.aud !== 'admin') return !(claims.sid && (await isLoginRevoked(claims.sid)));
    return (await adminLogin(claims, Date.now())).live;
  } catch (err) {
    if (err instanceof AppError && err.status === 401) return false;
    throw err;
  }
}

/**
 * Staff accounts belong to system, which knows nothing of logins; auth watches them (hooks, after the commit when
 * there is a transaction), so a disabled account, a new department or a password change is seen by the next
 * request in every process.
 */
export function watchStaffAccounts() {
  const changed = (...args: unknown[]) => {
    const opts = args[args.length - 1] as { transaction?: Transaction | null } | undefined;
    const run = () => void infra().memo.drop(STAFF_TAG);
    if (opts?.transaction) opts.transaction.afterCommit(run);
    else run();
  };
  for (const hook of [
    'afterSave',
    'afterDestroy',
    'afterRestore',
    'afterUpsert',
    'afterBulkUpdate',
    'afterBulkDestroy',
    'afterBulkRestore',
  ] as const) {
    // Named, and replaced rather than added twice when the app is set up again in one process.
    User.removeHook(hook, `auth-memo-${hook}`);
    User.addHook(hook, `auth-memo-${hook}`, changed);
  }
}
