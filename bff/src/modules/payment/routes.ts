import type { Context } from 'koa';
import type { RouteTree } from '../../http/route';
import { WechatPayNotifyError } from '../../infra/wechatpay';
import { AppError } from '../../http/errors';
import { handleNotification } from './service';

/** WeChat Pay calls this. It wants 200/204 for "got it", anything else (with {code:'FAIL'}) to retry later. */
export function paymentRoutes(t: RouteTree) {
  t.add({
    method: 'post',
    path: '/notify',
    summary: '微信支付回调（支付、退款通知）',
    auth: 'public',
    status: 204,
    handler: async ({ ctx }) => {
      const raw = (ctx.request as Context['request'] & { rawBody?: string }).rawBody;
      try {
        await handleNotification(ctx.headers as Record<string, string>, raw ?? '');
      } catch (err) {
        if (err instanceof WechatPayNotifyError) {
          ctx.log.warn({ code: err.code }, 'wechat pay notification refused');
          throw new AppError(err.code === 'NOTIFY_MALFORMED' ? 400 : 401, err.code, '通知验证失败');
        }
        throw err;
      }
    },
  });
}
