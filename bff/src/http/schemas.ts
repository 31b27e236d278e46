import { z } from 'zod';
import { PERSON_NAME, PHONE_MESSAGE, PHONE_RE } from '../shared/rules';

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const IdParams = z.object({ id: z.coerce.number().int().positive() });
/** 批量删除: the selected rows of one list page (at most one page of 100) */
export const BatchIds = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1, '请选择要删除的记录').max(100, '一次最多删除 100 条'),
});
export const BatchDeleted = z.object({ deleted: z.number().int() });
export const Iso = z.iso.datetime();
export const Status = z.enum(['active', 'disabled']);

/** Field rules shared by every domain, so a phone number or a name means the same thing everywhere. */
export const Phone = z.string().trim().regex(PHONE_RE, PHONE_MESSAGE);
export const PersonName = z
  .string()
  .trim()
  .min(PERSON_NAME.min, PERSON_NAME.tooShort)
  .max(PERSON_NAME.max, PERSON_NAME.tooLong);
