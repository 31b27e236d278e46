import { z } from 'zod';
import { pageOf, PageQuery } from '../../http/schemas';

export const NoticeType = z.enum(['notice', 'announcement']);
export const NoticeStatus = z.enum(['draft', 'published', 'closed']);

export const NoticeInput = z.strictObject({
  title: z.string().trim().min(1, '请输入标题').max(64, '标题最多 64 个字'),
  type: NoticeType,
  content: z.string().trim().min(1, '请输入内容').max(2000, '内容最多 2000 个字'),
  status: NoticeStatus,
  pinned: z.boolean().optional(),
});
export type NoticeInput = z.infer<typeof NoticeInput>;
export const NoticePatch = NoticeInput.partial().refine((v) => Object.keys(v).length > 0, '至少修改一项');
export type NoticePatch = z.infer<typeof NoticePatch>;

export const NoticeQuery = PageQuery.extend({
  title: z.string().trim().max(64).optional(),
  type: NoticeType.optional(),
  status: NoticeStatus.optional(),
});
export type NoticeQuery = z.infer<typeof NoticeQuery>;

export const AdminNotice = z.object({
  id: z.number().int(),
  title: z.string(),
  type: NoticeType,
  content: z.string(),
  status: NoticeStatus,
  pinned: z.boolean(),
  createdBy: z.string(),
  publishedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const AdminNoticePage = pageOf(AdminNotice);

export const PublicNotice = z.object({
  id: z.number().int(),
  title: z.string(),
  type: NoticeType,
  content: z.string(),
  pinned: z.boolean(),
  publishedAt: z.date(),
});

export const HospitalInfo = z.object({
  name: z.string(),
  address: z.string(),
  phone: z.string(),
  hours: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  notices: z.array(PublicNotice).describe('published announcements, pinned first, newest first (at most 5)'),
});
