import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';

const Kind = z.enum(['article', 'video']);

export const TaskInput = z.object({
  title: z.string().trim().min(2, '标题至少 2 个字').max(100),
  description: z.string().trim().max(1000).default(''),
  deadline: z.iso.date('截止日期格式应为 YYYY-MM-DD'),
  deptIds: z.array(z.number().int().positive()).min(1, '请选择科室').max(50),
  contentIds: z.array(z.number().int().positive()).min(1, '请选择学习内容').max(50),
});
export const TaskQuery = PageQuery.extend({ keyword: z.string().trim().max(50).optional() });

export const Task = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  deadline: z.string(),
  creatorId: z.number().int(),
  deptIds: z.array(z.number().int()),
  deptNames: z.array(z.string()),
  contentIds: z.array(z.number().int()),
  assignees: z.number().int(),
  completed: z.number().int(),
  overdue: z.boolean(),
  createdAt: z.date(),
});
export const TaskPage = pageOf(Task);
export const PersonProgress = z.object({
  userId: z.number().int(),
  name: z.string(),
  deptName: z.string(),
  completedItems: z.number().int(),
  totalItems: z.number().int(),
  status: z.enum(['done', 'in_progress', 'not_started', 'overdue']),
  completedAt: z.date().nullable(),
});
export const TaskDetail = Task.extend({
  items: z.array(
    z.object({ contentId: z.number().int(), title: z.string(), kind: Kind, durationSec: z.number().int().nullable() }),
  ),
  people: z.array(PersonProgress),
});
export const RemindResult = z.object({ reminded: z.number().int(), unreachable: z.number().int() });

export const ItemProgress = z.object({
  contentId: z.number().int(),
  title: z.string(),
  kind: Kind,
  durationSec: z.number().int().nullable(),
  percent: z.number().int(),
  completed: z.boolean(),
  completedAt: z.date().nullable(),
});
export const MyTask = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  deadline: z.string(),
  overdue: z.boolean(),
  completed: z.boolean(),
  completedItems: z.number().int(),
  items: z.array(ItemProgress),
});
export const MyTaskPage = pageOf(MyTask);

export const Progress = z.object({
  contentId: z.number().int(),
  percent: z.number().int(),
  completed: z.boolean(),
  completedAt: z.date().nullable(),
  position: z.number().int(),
  /** An article reported finished too early: seconds of reading still needed. */
  waitSeconds: z.number().int(),
});
export const OpenedContent = z.object({
  contentId: z.number().int(),
  kind: Kind,
  title: z.string(),
  body: z.string(),
  videoUrl: z.string().nullable(),
  durationSec: z.number().int().nullable(),
  minReadSeconds: z.number().int(),
  progress: Progress,
});
export const PositionInput = z.object({
  position: z
    .number()
    .min(0)
    .max(6 * 3600),
});
export const ContentParams = z.object({ contentId: z.coerce.number().int().positive() });
