import type { Context, Next } from 'koa';
import { AppError } from './errors';

/**
 * No route of ours needs a URL anywhere near this long; one that is (up to Node's 16 KB header limit, past which
 * server.ts answers 431) is refused before routing or body parsing spend anything on it.
 */
export const MAX_URL_BYTES = 8 * 1024;

export function urlLengthLimit() {
  return async (ctx: Context, next: Next) => {
    if (Buffer.byteLength(ctx.url) > MAX_URL_BYTES)
      throw new AppError(414, 'URI_TOO_LONG', '网址过长', { maxBytes: MAX_URL_BYTES });
    await next();
  };
}
