import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';
import { LEVEL_CODES } from './levels';
import { MAX_FEE_FEN } from './schemas';

export const LevelCode = z.enum(LEVEL_CODES);
export const ClinicLevelView = z.object({ code: LevelCode, name: z.string(), feeFen: z.number().int() });
export const LevelParams = z.object({ code: LevelCode });
export const LevelUpdate = z.strictObject({
  name: z.string().trim().min(2, '号别名称至少 2 个字').max(16).optional(),
  feeFen: z.number().int().min(0, '挂号费不能为负').max(MAX_FEE_FEN, '挂号费过高'),
});
export const LevelUpdated = ClinicLevelView.extend({
  repriced: z.number().int().describe('sessions still to come, not yet booked, that took the new fee'),
});

export const DoctorProfileView = z.object({
  id: z.number().int(),
  name: z.string(),
  username: z.string(),
  status: z.enum(['active', 'disabled']),
  deptId: z.number().int(),
  deptName: z.string(),
  postName: z.string().nullable(),
  title: z.string().nullable(),
  level: LevelCode.nullable(),
  levelName: z.string().nullable(),
  levelFeeFen: z.number().int().nullable(),
  specialty: z.string().nullable(),
  intro: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  updatedAt: z.date().nullable(),
});
export const DoctorProfilePage = pageOf(DoctorProfileView);
export const DoctorProfileQuery = PageQuery.extend({
  deptId: z.coerce.number().int().positive().optional(),
  name: z.string().trim().max(32).optional(),
  level: LevelCode.optional(),
});
const nullableText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}最多 ${max} 个字`)
    .transform((v) => v || null)
    .nullable()
    .optional();
export const DoctorProfileUpdate = z
  .strictObject({
    title: nullableText(32, '职称'),
    level: LevelCode.nullable().optional(),
    specialty: nullableText(200, '擅长'),
    intro: nullableText(2000, '简介'),
    avatarUrl: z
      .string()
      .regex(/^\/files\/[0-9a-f-]{36}\.\w+$/, '照片须是在本系统上传的图片')
      .nullable()
      .optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
