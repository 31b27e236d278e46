import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';
import { PHONE_MESSAGE, PHONE_RE } from '../../shared/rules';
import { Appointment } from './schemas';

export const PatientSearch = PageQuery.extend({
  name: z.string().trim().max(32).optional(),
  phone: z
    .string()
    .trim()
    .regex(PHONE_RE, PHONE_MESSAGE)
    .optional()
    .describe('the whole number: looked up by its blind index'),
  idCard: z
    .string()
    .trim()
    .regex(/^\d{17}[\dXx]$/, '请输入完整的 18 位身份证号')
    .optional()
    .describe('the whole number: looked up by its blind index'),
});
export const PatientRow = z.object({
  id: z.number().int(),
  accountId: z.number().int().describe('the mini-program account the family member belongs to'),
  name: z.string(),
  gender: z.enum(['M', 'F']),
  age: z.number().int(),
  relation: z.enum(['self', 'spouse', 'parent', 'child', 'sibling', 'other']),
  idCardMasked: z.string(),
  phoneMasked: z.string(),
  deleted: z.boolean().describe('removed by the patient; their visits stay on record'),
  familySize: z.number().int(),
  appointments: z.number().int().describe('appointments within the caller’s data scope'),
  noShows: z.number().int().describe('no-shows within the caller’s data scope'),
  suspendedUntil: z.date().nullable().describe('the account may not book until then (no-show rule)'),
});
export const PatientPage = pageOf(PatientRow);
export const PatientDetail = z.object({
  patient: PatientRow,
  family: z.array(PatientRow),
  appointments: z.array(Appointment),
  noShows: z.array(
    z.object({
      clinicDate: z.string(),
      patientName: z.string().nullable().describe('null when the no-show is outside the caller’s data scope'),
      deptName: z.string().nullable(),
      doctorName: z.string().nullable(),
      counted: z.boolean().describe('still counts toward the suspension (not before a lift)'),
    }),
  ),
  lifts: z.array(z.object({ at: z.date(), by: z.string(), reason: z.string() })),
});
export const LiftBody = z.strictObject({ reason: z.string().trim().min(2, '请填写解除原因').max(200) });
export const Lifted = z.object({ suspendedUntil: z.date().nullable(), liftedAt: z.date(), was: z.date() });
export const RevealedPhone = z.object({ patientId: z.number().int(), phone: z.string() });
