import type { Context } from 'koa';
import { infra } from '../../infra';
import { unauthenticated } from '../../http/errors';
import type { AdminActor, MpActor } from '../../http/actor';
import { verifyAccess, revokeFamily, isLoginRevoked } from './tokens';
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
  const claims = verifyAccess(bearer(ctx), 'mp');
  // Logged out, or its refresh token was reused: this login's access tokens stop at once.
  if (claims.sid && (await isLoginRevoked(claims.sid))) throw unauthenticated('SESSION_REVOKED', '登录已失效，请重新登录');
  return { kind: 'mp', userId: Number(claims.sub) };
}

/** Checks the token AND the live session on every request, so a force logout takes effect at once. */
export async function authenticateAdmin(ctx: Context): Promise<AdminActor> {
  const claims = verifyAccess(bearer(ctx), 'admin');
  const session = claims.sid ? await AdminSession.findByPk(claims.sid) : null;
  const revoked = () => unauthenticated('SESSION_REVOKED', '登录已失效，请重新登录');
  if (!session || session.revokedAt || session.userId !== Number(claims.sub)) throw revoked();
  const now = Date.now();
  const idleMs = infra().config.ADMIN_IDLE_TIMEOUT_MIN * 60_000;
  if (session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + idleMs <= now) {
    await revokeFamily(session.id, 'idle_timeout');
    throw revoked();
  }
  const user = await User.findByPk(session.userId);
  if (!user || user.status !== 'active') {
    await revokeFamily(session.id, 'account_disabled');
    throw revoked();
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) await session.update({ lastSeenAt: new Date(now) });
  const authz = await loadAuthz(user);
  return {
    kind: 'admin', userId: user.id, username: user.username, name: user.name, deptId: user.deptId, sessionId: session.id,
    roles: authz.roles, perms: new Set(authz.perms), scope: authz.scope, mustChangePassword: user.mustChangePassword,
  };
}
