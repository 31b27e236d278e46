import { z } from 'zod';

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const IdParams = z.object({ id: z.coerce.number().int().positive() });
export const Iso = z.iso.datetime();
export const Status = z.enum(['active', 'disabled']);

/** Field rules shared by every domain, so a phone number or a name means the same thing everywhere. */
export const Phone = z.string().trim().regex(/^1[3-9]\d{9}$/, '请输入 11 位手机号');
export const PersonName = z.string().trim().min(2, '姓名至少 2 个字').max(20, '姓名最多 20 个字');
