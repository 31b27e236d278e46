import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { Op } from 'sequelize';
import { infra } from '../../infra';
import { WechatError, type WechatClient } from '../../infra/wechat';
import { hashPassword, maskPhone, sha256, verifyPassword } from '../../infra/crypto';
import { AppError, forbidden, unauthenticated } from '../../http/errors';
import type { AdminActor, MpActor } from '../../http/actor';
import { ALL_PERMS } from '../../http/actor';
import { AdminSession, LoginLog, MpUser, RefreshToken } from './models';
import { Dept, Menu, Post, RoleMenu, Role, User } from '../system/models';
import { assertAcceptablePassword } from '../system/passwords';
import { issueTokens, newFamilyId, revokeFamily, spendRefreshToken } from './tokens';
import { forcedOut } from './authenticate';
import type { MenuNode } from './schemas';
import { buildTree } from '../system/tree';
import { deletePersonalImage, storeUpload } from '../../kernel/files';

// ---------- mini-program (patients) ----------

function wechatFailure(err: unknown): AppError {
  if (err instanceof WechatError) {
    if (err.errcode === 40029 || err.errcode === 40163)
      return new AppError(401, 'WECHAT_CODE_INVALID', '微信登录凭证无效或已使用，请重试');
    if (err.errcode === 45011) return new AppError(429, 'RATE_LIMITED', '登录太频繁，请稍后再试');
  }
  infra().log.error({ err }, 'wechat call failed');
  return new AppError(503, 'WECHAT_UNAVAILABLE', '微信服务暂时不可用，请稍后再试');
}

export function mpUserView(u: MpUser) {
  const phone = u.phoneEnc ? infra().fieldCrypto.decrypt(u.phoneEnc) : null;
  return { id: u.id, nickname: u.nickname, avatarUrl: u.avatarUrl, phoneMasked: phone ? maskPhone(phone) : null };
}

const mpRefreshTtlMs = () => infra().config.MP_REFRESH_TTL_DAYS * 86400_000;

export async function mpLogin(code: string) {
  const { fieldCrypto } = infra();
  let session: Awaited<ReturnType<WechatClient['code2session']>>;
  try {
    session = await infra().wechat.code2session(code);
  } catch (err) {
    throw wechatFailure(err);
  }
  const sessionKeyEnc = fieldCrypto.encrypt(session.session_key);
  let user = await MpUser.findOne({ where: { openid: session.openid } });
  if (!user) {
    try {
      user = await MpUser.create({
        openid: session.openid,
        unionid: session.unionid ?? null,
        sessionKeyEnc,
        nickname: '微信用户',
        avatarUrl: null,
        phoneEnc: null,
        phoneHash: null,
      });
    } catch (err) {
      // Two first logins of the same person raced; the unique openid index let one through.
      if ((err as Error).name !== 'SequelizeUniqueConstraintError') throw err;
      user = (await MpUser.findOne({ where: { openid: session.openid } }))!;
    }
  } else {
    await user.update({ sessionKeyEnc });
  }
  const tokens = await issueTokens('mp', user.id, newFamilyId(), mpRefreshTtlMs());
  return { ...tokens, user: mpUserView(user) };
}

export async function mpRefresh(refreshToken: string) {
  const spent = await spendRefreshToken('mp', refreshToken);
  const user = await MpUser.findByPk(spent.subjectId);
  if (!user || user.deletedAt) throw new AppError(401, 'REFRESH_TOKEN_INVALID', '登录已失效，请重新登录');
  const tokens = await issueTokens('mp', user.id, spent.familyId, mpRefreshTtlMs());
  return { ...tokens, user: mpUserView(user) };
}

export async function mpLogout(actor: MpActor, refreshToken: string) {
  const row = await RefreshToken.findOne({
    where: { tokenHash: sha256(refreshToken), subjectType: 'mp', subjectId: actor.userId },
  });
  if (row) await revokeFamily(row.familyId, 'logout');
}

async function mpUserOf(actor: MpActor) {
  const user = await MpUser.findByPk(actor.userId);
  if (!user || user.deletedAt) throw unauthenticated('UNAUTHENTICATED', '用户不存在，请重新登录');
  return user;
}

export async function mpMe(actor: MpActor) {
  return mpUserView(await mpUserOf(actor));
}

export async function updateMpMe(actor: MpActor, patch: { nickname?: string; avatarUrl?: string }) {
  const user = await mpUserOf(actor);
  const previous = user.avatarUrl;
  await user.update(patch);
  // an avatar replaced by another is not kept on disk
  if (patch.avatarUrl !== undefined && previous !== user.avatarUrl) await deletePersonalImage(previous, actor.userId);
  return mpUserView(user);
}

/** The avatar chosen with WeChat's chooseAvatar (or a photo in the h5 preview): stored as an image upload. */
export async function setMpAvatar(actor: MpActor, body: Readable, declaredLength?: number) {
  const user = await mpUserOf(actor);
  const stored = await storeUpload(actor.userId, 'image', body, { declaredLength, originalName: 'avatar' });
  const previous = user.avatarUrl;
  await user.update({ avatarUrl: stored.url });
  await deletePersonalImage(previous, actor.userId);
  return mpUserView(user);
}

export async function bindPhone(actor: MpActor, code: string) {
  const user = await mpUserOf(actor);
  let phone: string;
  try {
    phone = await infra().wechat.phoneNumber(code);
  } catch (err) {
    throw wechatFailure(err);
  }
  const { fieldCrypto } = infra();
  await user.update({ phoneEnc: fieldCrypto.encrypt(phone), phoneHash: fieldCrypto.blindIndex(phone) });
  return mpUserView(user);
}

// ---------- console (staff) ----------

interface ClientInfo {
  ip: string;
  userAgent: string;
}

// Checked against when the username doesn't exist, so timing doesn't reveal which usernames do. Started by the
// first login of the process, so it is ready before anyone could probe an unknown name.
let dummyHash: Promise<string> | undefined;

async function logLogin(
  username: string,
  userId: number | null,
  client: ClientInfo,
  status: 'success' | 'fail' | 'locked',
  message: string,
) {
  await LoginLog.create({
    username: username.slice(0, 64),
    userId,
    ip: client.ip,
    userAgent: client.userAgent.slice(0, 255),
    status,
    message,
  });
}

function lockedError(until: Date) {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new AppError(
    403,
    'ACCOUNT_LOCKED',
    `密码错误次数过多，账号已锁定，请 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试或联系管理员解锁`,
    {
      lockedUntil: until.toISOString(),
      retryAfterSeconds,
    },
  );
}

/**
 * Failed logins are counted per username string, whether or not an account has it, so an unknown name runs down
 * its attempts and locks exactly like a real one: the answers never say which usernames exist. A real account's
 * lock lives on its row (the console shows and lifts it); an unknown name's lock lives only here.
 */
const FAILURE_WINDOW_SEC = 24 * 3600;
const loginKey = (username: string) => username.trim().toLowerCase();
const failuresKey = (username: string) => `login:fail:${loginKey(username)}`;
const unknownLockKey = (username: string) => `login:lock:${loginKey(username)}`;

/** An administrator unlocked or reset the account: its count of failed attempts starts again. */
export async function forgetLoginFailures(username: string) {
  // kv.hit keeps its counter under "rl:" + key in both the Redis and the in-process store.
  await infra().kv.del(`rl:${failuresKey(username)}`);
}

export async function adminLogin(input: { username: string; password: string }, client: ClientInfo) {
  const { kv, config } = infra();
  const username = input.username.trim();
  dummyHash ??= hashPassword(crypto.randomUUID());
  for (const [key, limit] of [
    [`login:ip:${client.ip}`, config.LOGIN_RATE_PER_IP_PER_MIN],
    [`login:user:${username.toLowerCase()}`, config.LOGIN_RATE_PER_USER_PER_MIN],
  ] as const) {
    const r = await kv.hit(key, limit, 60);
    if (!r.allowed)
      throw new AppError(429, 'RATE_LIMITED', '登录尝试过于频繁，请稍后再试', { retryAfterSeconds: r.retryAfterSec });
  }
  const user = await User.findOne({ where: { username } });
  const lockedUntil = user
    ? user.lockedUntil
    : await kv.get<string>(unknownLockKey(username)).then((v) => (v ? new Date(v) : null));
  if (lockedUntil && lockedUntil.getTime() > Date.now()) {
    await logLogin(username, user?.id ?? null, client, 'locked', '账号已锁定');
    throw lockedError(lockedUntil);
  }
  // The same slow hash runs whether or not the account exists.
  const passwordOk = await verifyPassword(input.password, user ? user.passwordHash : await dummyHash);
  if (!user || !passwordOk) {
    const { count } = await kv.hit(failuresKey(username), config.LOCKOUT_THRESHOLD, FAILURE_WINDOW_SEC);
    if (count >= config.LOCKOUT_THRESHOLD) {
      const until = new Date(Date.now() + config.LOCKOUT_MINUTES * 60_000);
      if (user) await user.update({ lockedUntil: until });
      else await kv.set(unknownLockKey(username), until.toISOString(), config.LOCKOUT_MINUTES * 60);
      await forgetLoginFailures(username);
      await logLogin(
        username,
        user?.id ?? null,
        client,
        'locked',
        `连续 ${config.LOCKOUT_THRESHOLD} 次密码错误，账号锁定`,
      );
      throw lockedError(until);
    }
    const remainingAttempts = config.LOCKOUT_THRESHOLD - count;
    await logLogin(username, user?.id ?? null, client, 'fail', user ? '密码错误' : '用户名不存在');
    throw new AppError(401, 'INVALID_CREDENTIALS', `用户名或密码错误，再错 ${remainingAttempts} 次将锁定账号`, {
      remainingAttempts,
    });
  }
  const refusal = {
    pending: ['ACCOUNT_PENDING', '账号正在等待管理员审核'],
    rejected: ['ACCOUNT_REJECTED', '账号申请未通过审核'],
    disabled: ['ACCOUNT_DISABLED', '账号已停用，请联系管理员'],
  } as const;
  if (user.status !== 'active') {
    const [code, message] = refusal[user.status];
    await logLogin(username, user.id, client, 'fail', message);
    throw forbidden(code, message);
  }
  await forgetLoginFailures(username);
  if (user.lockedUntil) await user.update({ lockedUntil: null });
  const now = Date.now();
  const session = await AdminSession.create({
    id: newFamilyId(),
    userId: user.id,
    ip: client.ip,
    userAgent: client.userAgent.slice(0, 255),
    lastSeenAt: new Date(now),
    expiresAt: new Date(now + config.ADMIN_SESSION_MAX_HOURS * 3600_000),
    revokedAt: null,
    revokeReason: null,
  });
  await logLogin(username, user.id, client, 'success', '登录成功');
  return issueTokens('admin', user.id, session.id, session.expiresAt.getTime() - now);
}

/** A refresh token that is dead because an administrator forced its login out (not spent, not leaked). */
async function forcedOutToken(refreshToken: string) {
  const row = await RefreshToken.findOne({ where: { tokenHash: sha256(refreshToken), subjectType: 'admin' } });
  if (!row || row.usedAt) return false;
  return (await AdminSession.findByPk(row.familyId))?.revokeReason === 'forced';
}

export async function adminRefresh(refreshToken: string) {
  const spent = await spendRefreshToken('admin', refreshToken).catch(async (err: unknown) => {
    if (err instanceof AppError && err.code === 'REFRESH_TOKEN_REUSED' && (await forcedOutToken(refreshToken)))
      throw forcedOut();
    throw err;
  });
  const session = await AdminSession.findByPk(spent.familyId);
  const idleMs = infra().config.ADMIN_IDLE_TIMEOUT_MIN * 60_000;
  if (
    !session ||
    session.revokedAt ||
    session.expiresAt.getTime() <= Date.now() ||
    session.lastSeenAt.getTime() + idleMs <= Date.now()
  ) {
    if (session?.revokeReason === 'forced') throw forcedOut();
    if (session && !session.revokedAt) await revokeFamily(session.id, 'idle_timeout');
    throw unauthenticated('SESSION_REVOKED', '登录已失效，请重新登录');
  }
  const user = await User.findByPk(session.userId);
  if (!user || user.status !== 'active') {
    await revokeFamily(session.id, 'account_disabled');
    throw unauthenticated('SESSION_REVOKED', '登录已失效，请重新登录');
  }
  await session.update({ lastSeenAt: new Date() });
  return issueTokens('admin', session.userId, session.id, session.expiresAt.getTime() - Date.now());
}

export async function adminLogout(actor: AdminActor) {
  await revokeFamily(actor.sessionId, 'logout');
}

export async function me(actor: AdminActor) {
  const user = (await User.findByPk(actor.userId))!;
  const [dept, post] = await Promise.all([
    user.deptId ? Dept.findByPk(user.deptId) : null,
    user.postId ? Post.findByPk(user.postId) : null,
  ]);
  const phone = user.phoneEnc ? infra().fieldCrypto.decrypt(user.phoneEnc) : null;
  return {
    user: {
      id: user.id,
      username: user.username,
      name: user.name,
      deptId: user.deptId,
      deptName: dept?.name ?? null,
      postId: user.postId,
      postName: post?.name ?? null,
      phoneMasked: phone ? maskPhone(phone) : null,
      mustChangePassword: user.mustChangePassword,
    },
    roles: actor.roles,
    permissions: [...actor.perms].sort(),
  };
}

/** The directory/menu tree the console builds its routes and sidebar from (buttons excluded). */
export async function myMenus(actor: AdminActor): Promise<MenuNode[]> {
  let where: Record<string, unknown> = { status: 'active', type: { [Op.in]: ['D', 'M'] } };
  if (!actor.perms.has(ALL_PERMS)) {
    const roles = await Role.findAll({ where: { key: actor.roles, status: 'active' }, attributes: ['id'] });
    const links = roles.length ? await RoleMenu.findAll({ where: { roleId: roles.map((r) => r.id) } }) : [];
    where = { ...where, id: [...new Set(links.map((l) => l.menuId))] };
  }
  const menus = await Menu.findAll({
    where,
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return buildTree(
    menus.map((m) => ({
      id: m.id,
      parentId: m.parentId,
      name: m.name,
      type: m.type as 'D' | 'M',
      path: m.path,
      component: m.component,
      icon: m.icon,
      orderNum: m.orderNum,
      visible: m.visible,
      children: [] as MenuNode[],
    })),
  );
}

export async function changeOwnPassword(actor: AdminActor, oldPassword: string, newPassword: string) {
  const user = (await User.findByPk(actor.userId))!;
  if (!(await verifyPassword(oldPassword, user.passwordHash)))
    throw new AppError(400, 'WRONG_PASSWORD', '原密码不正确');
  if (oldPassword === newPassword) throw new AppError(400, 'SAME_PASSWORD', '新密码不能与原密码相同');
  assertAcceptablePassword(newPassword, { username: user.username, name: user.name });
  await user.update({ passwordHash: await hashPassword(newPassword), mustChangePassword: false });
  // Other sessions of this user end; the current one stays.
  const others = await AdminSession.findAll({
    where: { userId: user.id, revokedAt: { [Op.is]: null }, id: { [Op.ne]: actor.sessionId } },
  });
  for (const s of others) await revokeFamily(s.id, 'password_changed');
}

/** Ends every live console session of a user (disabled account, password reset by an admin). */
export async function endUserSessions(userId: number, reason: string) {
  const live = await AdminSession.findAll({ where: { userId, revokedAt: { [Op.is]: null } }, attributes: ['id'] });
  for (const s of live) await revokeFamily(s.id, reason);
}
