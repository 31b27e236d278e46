import { Op, type WhereOptions } from 'sequelize';
import { infra } from '../../infra';
import { maskIdCard, maskPhone } from '../../infra/crypto';
import { AppError, notFound } from '../../http/errors';
import type { AdminActor } from '../../http/actor';
import { OperLog } from './models';
import { AdminSession, LoginLog } from '../auth/models';
import { Dept, User } from '../system/models';
import { dataScopeWhere } from '../system/authz';
import { revokeFamily } from '../auth/tokens';
import { pruneJobRuns } from './jobs';
import { operActionLabel } from '../../shared/oper-log-labels';

const SECRET_KEY = /pass(word)?|secret|token|code$/i;

/** Parameters as the log keeps them: secrets removed, phone and ID numbers masked, size bounded. */
export function maskParams(value: unknown, key = ''): unknown {
  if (value == null) return value;
  if (SECRET_KEY.test(key)) return '******';
  if (typeof value === 'string') {
    if (/phone/i.test(key)) return maskPhone(value);
    if (/idcard/i.test(key)) return maskIdCard(value);
    // a payee's bank card (重新退款 of an abnormal refund): the last four digits and the surname only
    if (/^(account|bankaccount|cardno)$/i.test(key)) return `****${value.slice(-4)}`;
    if (/^realname$/i.test(key)) return `${value.slice(0, 1)}**`;
    return value.length > 500 ? value.slice(0, 500) + '…' : value;
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => maskParams(v, key));
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskParams(v, k)]));
  return value;
}

export async function recordOperation(e: {
  actor?: AdminActor;
  module: string;
  /** `METHOD /api/admin/pattern`: the action's label is looked up by it (shared/oper-log-labels.ts) */
  route?: string;
  action: string;
  method: string;
  path: string;
  params: unknown;
  error?: unknown;
  ip: string;
  durationMs: number;
}) {
  const err = e.error as AppError | undefined;
  const target = /\/(\d+|[0-9a-f-]{36})(\/|$)/.exec(e.path)?.[1] ?? null;
  await OperLog.create({
    userId: e.actor?.userId ?? null,
    username: e.actor?.username ?? null,
    module: e.module.slice(0, 32),
    action: (e.route ? operActionLabel(e.route, e.action) : e.action).slice(0, 64),
    method: e.method,
    path: e.path.slice(0, 255),
    target,
    params: JSON.stringify(maskParams(e.params)).slice(0, 8000),
    status: e.error ? 'fail' : 'success',
    errorCode: e.error ? (err instanceof AppError ? err.code : 'INTERNAL') : null,
    ip: e.ip,
    durationMs: e.durationMs,
  });
}

function range(from?: string, to?: string): WhereOptions {
  if (!from && !to) return {};
  return {
    createdAt: {
      ...(from ? { [Op.gte]: new Date(from) } : {}),
      ...(to ? { [Op.lte]: new Date(to.length === 10 ? `${to}T23:59:59.999Z` : to) } : {}),
    },
  };
}

const page = (q: { page: number; pageSize: number }) => ({ offset: (q.page - 1) * q.pageSize, limit: q.pageSize });

export async function listOperLogs(q: {
  page: number;
  pageSize: number;
  username?: string;
  module?: string;
  status?: 'success' | 'fail';
  from?: string;
  to?: string;
}) {
  const where: WhereOptions = {
    ...(q.username ? { username: { [Op.like]: `%${q.username}%` } } : {}),
    ...(q.module ? { module: q.module } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...range(q.from, q.to),
  };
  const { rows, count } = await OperLog.findAndCountAll({ where, order: [['id', 'DESC']], ...page(q) });
  return { items: rows.map(operLogView), total: count, page: q.page, pageSize: q.pageSize };
}

function operLogView(r: OperLog) {
  return { ...r.get({ plain: true }), params: r.params ? JSON.parse(r.params) : null };
}

export async function getOperLog(id: number) {
  const r = await OperLog.findByPk(id);
  if (!r) throw notFound('日志不存在');
  return operLogView(r);
}

export async function listLoginLogs(q: {
  page: number;
  pageSize: number;
  username?: string;
  status?: 'success' | 'fail' | 'locked';
  ip?: string;
  from?: string;
  to?: string;
}) {
  const where: WhereOptions = {
    ...(q.username ? { username: { [Op.like]: `%${q.username}%` } } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.ip ? { ip: { [Op.like]: `%${q.ip}%` } } : {}),
    ...range(q.from, q.to),
  };
  const { rows, count } = await LoginLog.findAndCountAll({ where, order: [['id', 'DESC']], ...page(q) });
  const userIds = [...new Set(rows.map((r) => r.userId).filter((x): x is number => x != null))];
  const locked = new Set(
    (await User.findAll({ where: { id: userIds, lockedUntil: { [Op.gt]: new Date() } }, attributes: ['id'] })).map(
      (u) => u.id,
    ),
  );
  return {
    items: rows.map((r) => ({ ...r.get({ plain: true }), locked: r.userId != null && locked.has(r.userId) })),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}

function liveSessionWhere(): WhereOptions {
  const idleMs = infra().config.ADMIN_IDLE_TIMEOUT_MIN * 60_000;
  return {
    revokedAt: { [Op.is]: null },
    expiresAt: { [Op.gt]: new Date() },
    lastSeenAt: { [Op.gt]: new Date(Date.now() - idleMs) },
  };
}

/** Online users are live sessions, limited to the users in the caller's data scope. */
export async function listOnline(actor: AdminActor, q: { page: number; pageSize: number; username?: string }) {
  const users = await User.findAll({
    where: {
      ...dataScopeWhere(actor, { dept: 'deptId', user: 'id' }),
      ...(q.username ? { username: { [Op.like]: `%${q.username}%` } } : {}),
    },
    attributes: ['id', 'username', 'name', 'deptId'],
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  const { rows, count } = await AdminSession.findAndCountAll({
    where: { ...liveSessionWhere(), userId: [...byId.keys()] },
    order: [['lastSeenAt', 'DESC']],
    ...page(q),
  });
  const depts = new Map((await Dept.findAll({ attributes: ['id', 'name'] })).map((d) => [d.id, d.name]));
  return {
    items: rows.map((s) => {
      const u = byId.get(s.userId)!;
      return {
        sessionId: s.id,
        userId: s.userId,
        username: u.username,
        name: u.name,
        deptName: u.deptId ? (depts.get(u.deptId) ?? null) : null,
        ip: s.ip,
        userAgent: s.userAgent,
        loginAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
      };
    }),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}

export async function forceLogout(actor: AdminActor, sessionId: string) {
  const s = await AdminSession.findOne({ where: { id: sessionId, ...liveSessionWhere() } });
  if (!s) throw notFound('会话不存在或已下线');
  const user = await User.findOne({
    where: { id: s.userId, ...dataScopeWhere(actor, { dept: 'deptId', user: 'id' }) },
  });
  if (!user) throw new AppError(403, 'OUT_OF_SCOPE', '无权操作该用户的会话');
  if (s.id === actor.sessionId) throw new AppError(409, 'SELF_SESSION', '不能强退自己当前的会话，请使用退出登录');
  await revokeFamily(s.id, 'forced');
}

/** Retention: the only path that deletes operation or login logs. */
export async function pruneLogs() {
  const cutoff = new Date(Date.now() - infra().config.OPER_LOG_RETENTION_DAYS * 86400_000);
  const oper = await OperLog.destroy({ where: { createdAt: { [Op.lt]: cutoff } } });
  const login = await LoginLog.destroy({ where: { createdAt: { [Op.lt]: cutoff } } });
  const jobRuns = await pruneJobRuns(new Date(Date.now() - infra().config.JOB_RUN_RETENTION_DAYS * 86400_000));
  return { oper, login, jobRuns };
}
