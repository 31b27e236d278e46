import type { Context, Next } from 'koa';
import { z } from 'zod';
import { LockBusyError } from '../infra/kv';
import { unavailableDependency } from '../infra/unavailable';
import type { ErrorCode } from '../shared/error-codes';

export { ErrorCode } from '../shared/error-codes';

/** A refusal we mean: stable machine code, HTTP status, and a Chinese message a person can act on. */
export class AppError extends Error {
  declare status: number;
  declare code: ErrorCode;
  declare details?: unknown;
  constructor(status: number, code: ErrorCode, message: string, details?: unknown) {
    // A refusal (4xx) is the caller's and is never logged with a stack: capturing one was 2 % of a booking rush's
    // busy time, where 1,900 of 2,000 answers are SLOT_FULL. A 5xx keeps its stack.
    const limit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const badRequest = (code: ErrorCode, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthenticated = (code: ErrorCode = 'UNAUTHENTICATED', message = '请先登录') =>
  new AppError(401, code, message);
export const forbidden = (code: ErrorCode = 'FORBIDDEN', message = '没有权限执行此操作', details?: unknown) =>
  new AppError(403, code, message, details);
export const passwordChangeRequired = () => new AppError(403, 'PASSWORD_CHANGE_REQUIRED', '请先修改初始密码');
export const notFound = (message = '记录不存在或已被删除') => new AppError(404, 'NOT_FOUND', message);
export const conflict = (code: ErrorCode, message: string, details?: unknown) =>
  new AppError(409, code, message, details);
export const unprocessable = (code: ErrorCode, message: string, details?: unknown) =>
  new AppError(422, code, message, details);
/** A batch's refusal (all or nothing) names every id it applies to, so the console can point at them. */
export const batchRefusal = (e: AppError, ids: number[]) => new AppError(e.status, e.code, e.message, { ids });

export function validationError(err: z.ZodError, where: string) {
  return new AppError(
    400,
    'VALIDATION_FAILED',
    `请求参数有误：${err.issues[0] ? `${[where, ...err.issues[0].path].join('.')} ${err.issues[0].message}` : where}`,
    err.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message, code: i.code })),
  );
}

export function errorMiddleware() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        throw new AppError(404, 'ROUTE_NOT_FOUND', '接口不存在');
      }
    } catch (err) {
      const e = toAppError(err);
      if (!e) {
        ctx.log.error({ err }, 'unhandled error');
        ctx.status = 500;
        ctx.body = {
          error: { code: 'INTERNAL', message: '服务器开小差了，请稍后再试', requestId: ctx.state.requestId },
        };
        return;
      }
      if (e.status === 503) {
        ctx.log.warn({ err, dependency: unavailableDependency(err) }, 'dependency unavailable');
        ctx.set('Retry-After', '5');
      }
      ctx.status = e.status;
      ctx.body = {
        error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) },
      };
      if (e.status === 429 && (e.details as { retryAfterSeconds?: number })?.retryAfterSeconds) {
        ctx.set('Retry-After', String((e.details as { retryAfterSeconds: number }).retryAfterSeconds));
      }
    }
  };
}

/** Errors from the platform (body parser, locks, unique keys) that are the caller's, not ours. */
function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof LockBusyError) return new AppError(409, 'BUSY', '操作太频繁，请稍后再试');
  // Redis or the database is down or not answering: say so at once, the client may retry.
  if (unavailableDependency(err)) return new AppError(503, 'DEPENDENCY_UNAVAILABLE', '服务暂时不可用，请稍后再试');
  const e = err as { status?: number; type?: string; name?: string; expose?: boolean };
  if (e?.name === 'SequelizeUniqueConstraintError') return new AppError(409, 'CONFLICT', '数据已存在，请勿重复提交');
  if (e?.name === 'SequelizeForeignKeyConstraintError') return new AppError(409, 'CONFLICT', '数据仍被引用，无法操作');
  if (e?.type === 'entity.too.large') return new AppError(413 as number, 'PAYLOAD_TOO_LARGE', '请求内容过大');
  if (e?.type === 'entity.parse.failed' || (err instanceof SyntaxError && e.status === 400))
    return new AppError(400, 'MALFORMED_JSON', '请求体不是合法的 JSON');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError(415, 'UNSUPPORTED_ENCODING', '不支持的请求编码');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new AppError(e.status, 'BAD_REQUEST', '请求无法处理');
  }
  return undefined;
}
