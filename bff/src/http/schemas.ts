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

/**
 * An edit's body from a create's: every field optional and none defaulted — zod 4 fills a field's default even when
 * the field is optional and absent, so an edit naming one field would reset the others (a post re-enabled, its order
 * set to 0) and "至少修改一项" could never fail. At least one field must be given, unless `atLeastOne` is false.
 */
export function editOf<S extends z.ZodRawShape>(create: z.ZodObject<S>, { atLeastOne = true } = {}) {
  const shape = Object.fromEntries(
    Object.entries(create.shape).map(([k, v]) => [
      k,
      ((v instanceof z.ZodDefault ? v.unwrap() : v) as z.ZodType).optional(),
    ]),
  );
  const edit = z.strictObject(shape);
  return (atLeastOne ? edit.refine((v) => Object.keys(v).length > 0, '至少修改一项') : edit) as unknown as z.ZodType<
    { [K in keyof z.output<z.ZodObject<S>>]?: z.output<z.ZodObject<S>>[K] },
    { [K in keyof z.input<z.ZodObject<S>>]?: z.input<z.ZodObject<S>>[K] }
  >;
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
