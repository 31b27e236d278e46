import { z } from 'zod';
import { pageOf } from '../../http/schemas';

export const NoticeLink = z.object({ type: z.string(), id: z.string() });
export const Notice = z.object({
  id: z.number().int(),
  title: z.string(),
  content: z.string(),
  read: z.boolean(),
  createdAt: z.date(),
  link: NoticeLink.nullable(),
});
export const NoticePage = pageOf(Notice).extend({ unread: z.number().int() });

const TemplateIdKey = z.string().regex(/^[\w-]{1,64}$/);
/** wx.requestSubscribeMessage's success result as the mini-program got it: errMsg plus one status per template id. */
export const SubscriptionResult = z
  .record(z.string().max(64), z.string().max(64))
  .refine((r) => Object.keys(r).length <= 20, '最多 20 个模板')
  .refine((r) => Object.keys(r).every((k) => k === 'errMsg' || TemplateIdKey.safeParse(k).success), '模板 ID 格式有误');
export const SubscriptionQuota = z.object({ quota: z.record(z.string(), z.number().int()) });

export const TemplateQuery = z.object({
  names: z.string().regex(/^[A-Z0-9_]{1,40}(,[A-Z0-9_]{1,40}){0,9}$/, '模板名称有误，如 APPOINTMENT'),
});
/** Template ids by name for wx.requestSubscribeMessage; a name without a configured template is left out. */
export const TemplateIds = z.object({ templates: z.record(z.string(), z.string()) });
