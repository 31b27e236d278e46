import { z } from 'zod';
import { PageQuery } from '../../http/schemas';
import { FREQUENCIES } from '../../shared/records';

const text = (max: number) => z.string().trim().max(max, `不能超过 ${max} 个字`);

export const DictQuery = z.object({
  keyword: z.string().trim().max(50).optional().describe('code, name or pinyin initials'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const Icd10 = z.object({ id: z.number().int(), code: z.string(), name: z.string(), initials: z.string() });
export const Drug = z.object({
  id: z.number().int(),
  name: z.string(),
  spec: z.string(),
  form: z.string(),
  unit: z.string(),
  defaultDose: z.number(),
  defaultRoute: z.string(),
  defaultFrequency: z.enum(FREQUENCIES),
  allergyClass: z.string().nullable(),
  initials: z.string(),
});

// ---- health profile ----
export const Allergy = z.object({
  kind: z.enum(['drug', 'food', 'other']),
  substance: text(50).min(1, '请填写过敏物'),
  reaction: text(200).default(''),
});
export const ProfileBody = z.strictObject({
  allergies: z.array(Allergy).max(50).default([]),
  pastHistory: text(2000).default(''),
  familyHistory: text(2000).default(''),
  chronicConditions: z.array(text(100).min(1)).max(50).default([]),
  longTermMeds: z.array(text(100).min(1)).max(50).default([]),
});
export type ProfileData = z.output<typeof ProfileBody>;
export const Profile = ProfileBody.extend({
  patientId: z.number().int(),
  patientName: z.string(),
  updatedAt: z.date().nullable(),
});

// ---- visit record ----
export const Diagnosis = z.object({ code: z.string().trim().min(1).max(16), name: z.string() });
export const RecordContent = z.strictObject({
  chiefComplaint: text(500).default(''),
  presentIllness: text(4000).default(''),
  examination: text(4000).default(''),
  diagnoses: z
    .array(z.strictObject({ code: z.string().trim().min(1).max(16) }))
    .max(20)
    .default([]),
  orders: text(2000).default(''),
  plan: text(2000).default(''),
  advice: text(2000).default(''),
});
export type RecordContentInput = z.output<typeof RecordContent>;
export const RecordContentView = RecordContent.extend({ diagnoses: z.array(Diagnosis) });
export type RecordContentView = z.output<typeof RecordContentView>;

export const RxItemInput = z.strictObject({
  drugId: z.number().int().positive(),
  dose: z.number().positive().max(10000),
  route: text(16).optional(),
  frequency: z.enum(FREQUENCIES),
  days: z.number().int().min(1).max(365),
  quantity: z.number().int().positive().max(10000).optional().describe('only for prn; computed otherwise'),
  note: text(100).optional(),
});
export const RxItem = z.object({
  drugId: z.number().int(),
  name: z.string(),
  spec: z.string(),
  form: z.string(),
  unit: z.string(),
  dose: z.number(),
  route: z.string(),
  frequency: z.enum(FREQUENCIES),
  days: z.number().int(),
  quantity: z.number().int(),
  note: z.string().optional(),
});
export type RxItem = z.output<typeof RxItem>;
export const RxBody = z.strictObject({ items: z.array(RxItemInput).max(20) });
export const AllergyWarning = z.object({
  drugId: z.number().int(),
  drugName: z.string(),
  allergen: z.string(),
  reaction: z.string(),
});
export const PrescriptionView = z.object({
  items: z.array(RxItem),
  warnings: z.array(AllergyWarning),
});

export const VisitRecord = z.object({
  id: z.number().int(),
  appointmentId: z.number().int(),
  patientId: z.number().int(),
  patientName: z.string(),
  patientGender: z.enum(['M', 'F']).nullable(),
  patientAge: z.number().int().nullable(),
  doctorId: z.number().int(),
  doctorName: z.string(),
  deptId: z.number().int(),
  deptName: z.string(),
  clinicDate: z.string(),
  status: z.enum(['draft', 'signed']),
  version: z.number().int(),
  signedAt: z.date().nullable(),
  updatedAt: z.date(),
  content: RecordContentView,
  prescription: PrescriptionView,
  allergies: z.array(Allergy),
});
/** What an autosave answers: the saved content with the diagnoses named, and the record's state. */
export const DraftSaved = z.object({
  id: z.number().int(),
  status: z.enum(['draft', 'signed']),
  version: z.number().int(),
  updatedAt: z.date(),
  content: RecordContentView,
});
export const RecordSummary = z.object({
  id: z.number().int(),
  appointmentId: z.number().int(),
  clinicDate: z.string(),
  deptName: z.string(),
  doctorName: z.string(),
  status: z.enum(['draft', 'signed']),
  version: z.number().int(),
  diagnoses: z.array(Diagnosis),
  signedAt: z.date().nullable(),
});
export const OpenBody = z.strictObject({ appointmentId: z.number().int().positive() });
export const SignBody = z.strictObject({
  acknowledgeAllergy: z.boolean().default(false).describe('sign despite an allergy warning on the prescription'),
});
export const AmendBody = z.strictObject({
  reason: text(500).min(2, '请填写修改原因'),
  content: RecordContent,
  items: z.array(RxItemInput).max(20).optional(),
  acknowledgeAllergy: z.boolean().default(false),
});
export const RecordVersion = z.object({
  version: z.number().int(),
  signedBy: z.number().int(),
  signedByName: z.string(),
  signedAt: z.date(),
  reason: z.string().nullable(),
  content: RecordContentView,
  items: z.array(RxItem),
});
export const PatientRecordsQuery = PageQuery.extend({ patientId: z.coerce.number().int().positive() });

// ---- clinic queue ----
export const QueueEntry = z.object({
  appointmentId: z.number().int(),
  seqNo: z.number().int(),
  period: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  patientId: z.number().int(),
  patientName: z.string(),
  patientGender: z.enum(['M', 'F']).nullable(),
  patientAge: z.number().int().nullable(),
  state: z.enum(['waiting', 'in_progress', 'done', 'missed']),
  stateLabel: z.string(),
  recordId: z.number().int().nullable(),
});
export const Queue = z.object({ date: z.string(), items: z.array(QueueEntry) });
export const CallNextResult = z.object({ appointmentId: z.number().int(), recordId: z.number().int() });

// ---- mini-program ----
export const MpRecord = z.object({
  id: z.number().int(),
  clinicDate: z.string(),
  deptName: z.string(),
  doctorName: z.string(),
  version: z.number().int(),
  signedAt: z.date().nullable(),
  content: RecordContentView,
  prescription: z.array(RxItem),
});
export const MpPrescription = z.object({
  recordId: z.number().int(),
  clinicDate: z.string(),
  deptName: z.string(),
  doctorName: z.string(),
  diagnoses: z.array(Diagnosis),
  items: z.array(RxItem),
});
export const PatientParams = z.object({ patientId: z.coerce.number().int().positive() });
