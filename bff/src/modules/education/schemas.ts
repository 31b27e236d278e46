import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';

export const ContentKind = z.enum(['article', 'video']);
export const ContentStatus = z.enum(['draft', 'published', 'offline']);

/** Our uploads (/files/…) or an http(s) link; nothing else (no javascript:, no data:). */
const MediaUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^(\/files\/[0-9a-f-]{36}\.\w{1,16}|https?:\/\/[^\s"'<>]+)$/i, '请上传文件或填写 http(s) 链接');
const Tags = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(20)
      .regex(/^[^,]+$/, '标签不能包含逗号'),
  )
  .max(10);

export const ContentInput = z.object({
  kind: ContentKind,
  title: z.string().trim().min(2, '标题至少 2 个字').max(100),
  summary: z.string().trim().max(300).default(''),
  coverUrl: MediaUrl.nullable().default(null),
  body: z.string().max(500_000, '正文过长').default(''),
  videoUrl: MediaUrl.nullable().default(null),
  durationSec: z
    .number()
    .int()
    .min(1)
    .max(6 * 3600)
    .nullable()
    .default(null),
  deptId: z.number().int().positive(),
  tags: Tags.default([]),
});
export const ContentUpdate = ContentInput.omit({ kind: true });

export const DeptOption = z.object({ id: z.number().int(), name: z.string() });

export const PublishedOption = z.object({
  id: z.number().int(),
  title: z.string(),
  kind: ContentKind,
  deptName: z.string(),
});
export const OptionQuery = z.object({ keyword: z.string().trim().max(50).optional() });

export const StaffCard = z.object({
  id: z.number().int(),
  name: z.string(),
  title: z.string().nullable(),
  deptName: z.string(),
  institution: z.string(),
});

export const AdminContent = z.object({
  id: z.number().int(),
  kind: ContentKind,
  title: z.string(),
  summary: z.string(),
  coverUrl: z.string().nullable(),
  videoUrl: z.string().nullable(),
  durationSec: z.number().int().nullable(),
  deptId: z.number().int(),
  deptName: z.string(),
  tags: z.array(z.string()),
  status: ContentStatus,
  author: StaffCard.nullable(),
  reviewer: StaffCard.nullable(),
  reviewedAt: z.date().nullable(),
  /** Reviewed longer ago than EDU_REVIEW_INTERVAL_DAYS (or never, once published): due for re-review. */
  needsReview: z.boolean(),
  publishedAt: z.date().nullable(),
  version: z.number().int(),
  readCount: z.number().int(),
  likeCount: z.number().int(),
  commentCount: z.number().int(),
  updatedAt: z.date(),
});
export const AdminContentDetail = AdminContent.extend({ body: z.string() });
export const AdminContentPage = pageOf(AdminContent);
export const AdminContentQuery = PageQuery.extend({
  kind: ContentKind.optional(),
  status: ContentStatus.optional(),
  keyword: z.string().trim().max(50).optional(),
  deptId: z.coerce.number().int().positive().optional(),
  needsReview: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export const Revision = z.object({
  id: z.number().int(),
  version: z.number().int(),
  action: z.string(),
  title: z.string(),
  editorName: z.string(),
  createdAt: z.date(),
});

export const MpContentCard = z.object({
  id: z.number().int(),
  kind: ContentKind,
  title: z.string(),
  summary: z.string(),
  coverUrl: z.string().nullable(),
  durationSec: z.number().int().nullable(),
  deptId: z.number().int(),
  deptName: z.string(),
  tags: z.array(z.string()),
  readCount: z.number().int(),
  likeCount: z.number().int(),
  commentCount: z.number().int(),
  publishedAt: z.date().nullable(),
});
export const MpContentPage = pageOf(MpContentCard);
export const MpContentDetail = MpContentCard.extend({
  body: z.string(),
  videoUrl: z.string().nullable(),
  author: StaffCard.nullable(),
  reviewer: StaffCard.nullable(),
  reviewedAt: z.date().nullable(),
  liked: z.boolean(),
});
export const MpContentQuery = PageQuery.extend({
  kind: ContentKind.optional(),
  deptId: z.coerce.number().int().positive().optional(),
  tag: z.string().trim().max(20).optional(),
  keyword: z.string().trim().max(50).optional(),
});
export const Categories = z.object({
  depts: z.array(z.object({ id: z.number().int(), name: z.string(), count: z.number().int() })),
  tags: z.array(z.object({ name: z.string(), count: z.number().int() })),
});
export const LikeState = z.object({ liked: z.boolean(), likeCount: z.number().int() });

export const CommentStatus = z.enum(['published', 'pending']);
export const MpComment = z.object({
  id: z.number().int(),
  nickname: z.string(),
  text: z.string(),
  status: CommentStatus,
  mine: z.boolean(),
  reply: z.string().nullable(),
  repliedAt: z.date().nullable(),
  createdAt: z.date(),
});
export const MpCommentPage = pageOf(MpComment);
export const CommentInput = z.object({ text: z.string().trim().min(1, '请输入评论内容').max(300, '评论最多 300 字') });

export const AdminComment = z.object({
  id: z.number().int(),
  contentId: z.number().int(),
  contentTitle: z.string(),
  userId: z.number().int(),
  nickname: z.string(),
  text: z.string(),
  status: CommentStatus,
  heldFor: z.string().nullable(),
  reply: z.string().nullable(),
  repliedAt: z.date().nullable(),
  deleted: z.boolean(),
  createdAt: z.date(),
});
export const AdminCommentPage = pageOf(AdminComment);
const isoDate = z.iso.date().or(z.iso.datetime({ offset: true }));
export const AdminCommentQuery = PageQuery.extend({
  keyword: z.string().trim().max(50).optional(),
  commenter: z.string().trim().max(50).optional(),
  contentId: z.coerce.number().int().positive().optional(),
  status: CommentStatus.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  includeDeleted: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export const ReplyInput = z.object({ reply: z.string().trim().min(1, '请输入回复内容').max(300) });

export const WordAction = z.enum(['block', 'review']);
export const WordInput = z.object({ word: z.string().trim().min(1, '请输入关键词').max(64), action: WordAction });
export const Word = z.object({ id: z.number().int(), word: z.string(), action: WordAction, createdAt: z.date() });
export const WordPage = pageOf(Word);
export const WordQuery = PageQuery.extend({
  keyword: z.string().trim().max(64).optional(),
  action: WordAction.optional(),
});

export const PrescriptionInput = z.object({
  appointmentId: z.number().int().positive(),
  contentIds: z.array(z.number().int().positive()).min(1, '请选择宣教内容').max(10),
});
export const Prescription = z.object({
  id: z.number().int(),
  appointmentId: z.number().int(),
  contentId: z.number().int(),
  contentTitle: z.string(),
  kind: ContentKind,
  doctorName: z.string(),
  readAt: z.date().nullable(),
  createdAt: z.date(),
});
export const PrescriptionQuery = z.object({ appointmentId: z.coerce.number().int().positive() });
export const MpPrescription = z.object({
  id: z.number().int(),
  content: MpContentCard,
  doctorName: z.string(),
  readAt: z.date().nullable(),
  createdAt: z.date(),
});
export const MpPrescriptionPage = pageOf(MpPrescription);
