import { z } from 'zod';
import { PersonName, Phone, pageOf } from '../../http/schemas';
import { RELATIONS } from '../../shared/clinic';

export const Relation = z.enum(RELATIONS);

const Name = PersonName.regex(/^[\p{Script=Han}A-Za-z·.\s]+$/u, '姓名只能包含汉字、字母和间隔号');
const IdCard = z.string().trim().max(18, '身份证号应为 18 位').min(18, '身份证号应为 18 位');

export const PatientCreate = z.strictObject({
  name: Name,
  idCard: IdCard,
  phone: Phone,
  relation: Relation,
  isDefault: z.boolean().optional(),
});
export type PatientCreate = z.infer<typeof PatientCreate>;

export const PatientUpdate = z
  .strictObject({ name: Name.optional(), phone: Phone.optional(), relation: Relation.optional() })
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export type PatientUpdate = z.infer<typeof PatientUpdate>;

export const Patient = z.object({
  id: z.number().int(),
  name: z.string(),
  idCardMasked: z.string(),
  phoneMasked: z.string(),
  relation: Relation,
  gender: z.enum(['M', 'F']),
  birthDate: z.string(),
  age: z.number().int(),
  needsGuardian: z.boolean().describe('under 14: a guardian must accompany the visit'),
  isDefault: z.boolean(),
  createdAt: z.date(),
});
export type Patient = z.infer<typeof Patient>;
export const PatientList = pageOf(Patient);
