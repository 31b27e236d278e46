import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';
import { PERIODS } from '../../shared/clinic';

export const Period = z.enum(PERIODS);
const Day = z.iso.date('日期格式应为 YYYY-MM-DD');
const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM');
export const MAX_SLOTS = 300;
export const MAX_FEE_FEN = 1_000_000;

export const ScheduleView = z.object({
  id: z.number().int(),
  doctorId: z.number().int(),
  doctorName: z.string(),
  doctorTitle: z.string().nullable(),
  deptId: z.number().int(),
  deptName: z.string(),
  clinicDate: z.string(),
  period: Period,
  periodLabel: z.string(),
  startTime: z.string(),
  endTime: z.string(),
  slotCount: z.number().int(),
  bookedCount: z.number().int(),
  remaining: z.number().int().describe('numbers still to be had: free, and their window still ahead'),
  closed: z.boolean().describe('every number’s window has begun: the session takes no more bookings'),
  cancelDeadline: z.date().describe('a booking made now can be cancelled with a full refund until then'),
  feeFen: z.number().int(),
  releaseAt: z.date(),
  released: z.boolean(),
  location: z.string().nullable(),
  status: z.enum(['open', 'stopped']),
  stopReason: z.string().nullable(),
  substituteFor: z.number().int().nullable().describe('替诊: the doctor whose session this was'),
  substituteForName: z.string().nullable(),
  substituteReason: z.string().nullable(),
  bands: z
    .array(
      z.object({
        start: z.string(),
        end: z.string(),
        remaining: z.number().int().describe('free numbers of the band whose window is still ahead'),
      }),
    )
    .optional()
    .describe('the time bands a patient picks (BOOKING_BAND_MINUTES long): in the doctor’s listing and one session'),
});
export type ScheduleView = z.infer<typeof ScheduleView>;
export const SchedulePage = pageOf(ScheduleView);

export const ScheduleQuery = PageQuery.extend({
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
  deptId: z.coerce.number().int().positive().optional(),
  doctorId: z.coerce.number().int().positive().optional(),
  from: Day.optional(),
  to: Day.optional(),
  status: z.enum(['open', 'stopped']).optional(),
});

const scheduleFields = {
  startTime: Time,
  endTime: Time,
  slotCount: z.number().int().min(1, '号源数至少为 1').max(MAX_SLOTS, `号源数不能超过 ${MAX_SLOTS}`),
  feeFen: z.number().int().min(0, '挂号费不能为负').max(MAX_FEE_FEN, '挂号费过高'),
  releaseAt: z.iso.datetime({ offset: true }),
  location: z.string().trim().max(100).nullable().optional(),
};
export const ScheduleCreate = z.strictObject({
  doctorId: z.number().int().positive(),
  clinicDate: Day,
  period: Period,
  ...scheduleFields,
  feeFen: scheduleFields.feeFen.optional().describe('used only for a doctor without a 号别: a 号别 prices the session'),
});
export const ScheduleUpdate = z
  .strictObject(
    Object.fromEntries(Object.entries(scheduleFields).map(([k, v]) => [k, (v as z.ZodType).optional()])) as {
      [K in keyof typeof scheduleFields]: z.ZodOptional<(typeof scheduleFields)[K]>;
    },
  )
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export const StopBody = z.strictObject({ reason: z.string().trim().min(2, '请填写停诊原因').max(200) });

export const SubstituteBody = z.strictObject({
  doctorId: z.number().int().positive(),
  reason: z.string().trim().min(2, '请填写替诊原因').max(200),
});
export const SubstituteResult = z.object({
  schedule: ScheduleView,
  kept: z.number().int().describe('bookings that stay, now with the substitute'),
});
export const AddSlotsBody = z.strictObject({
  count: z.number().int().min(1, '加号数至少为 1').max(50, '一次最多加 50 个号'),
});

// ----- weekly templates, copy a week (both end in an import preview) -----
const Weekday = z.number().int().min(1, '星期应为 1–7').max(7, '星期应为 1–7');
const templateFields = {
  weekday: Weekday,
  period: Period,
  startTime: Time,
  endTime: Time,
  slotCount: scheduleFields.slotCount,
  feeFen: scheduleFields.feeFen,
  releaseDaysBefore: z.number().int().min(0).max(60).default(7),
  releaseTime: Time.default('08:00'),
  location: z.string().trim().max(100).nullable().optional(),
};
export const TemplateCreate = z.strictObject({ doctorId: z.number().int().positive(), ...templateFields });
export const TemplateUpdate = z
  .strictObject({
    weekday: Weekday.optional(),
    period: Period.optional(),
    startTime: Time.optional(),
    endTime: Time.optional(),
    slotCount: scheduleFields.slotCount.optional(),
    feeFen: scheduleFields.feeFen.optional(),
    releaseDaysBefore: z.number().int().min(0).max(60).optional(),
    releaseTime: Time.optional(),
    location: z.string().trim().max(100).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export const TemplateView = z.object({
  id: z.number().int(),
  doctorId: z.number().int(),
  doctorName: z.string(),
  deptId: z.number().int(),
  deptName: z.string(),
  weekday: z.number().int(),
  weekdayLabel: z.string(),
  period: Period,
  periodLabel: z.string(),
  startTime: z.string(),
  endTime: z.string(),
  slotCount: z.number().int(),
  feeFen: z.number().int(),
  releaseDaysBefore: z.number().int(),
  releaseTime: z.string(),
  location: z.string().nullable(),
});
export const TemplateQuery = z.object({
  deptId: z.coerce.number().int().positive().optional(),
  doctorId: z.coerce.number().int().positive().optional(),
});
export const TemplateWeekBody = z.strictObject({
  week: Day.describe('any day of the target week; its Monday is used'),
  deptId: z.number().int().positive().optional(),
  doctorId: z.number().int().positive().optional(),
});
export const CopyWeekBody = z.strictObject({
  from: Day.describe('any day of the week to copy'),
  to: Day.optional().describe('any day of the target week; default the week after'),
  deptId: z.number().int().positive().optional(),
  doctorId: z.number().int().positive().optional(),
});

// ----- import -----
export const ImportRowReport = z.object({
  row: z.number().int().describe('row number in the spreadsheet, header is row 1'),
  ok: z.boolean(),
  errors: z.array(z.string()),
  action: z.enum(['create', 'unchanged', 'skip']).describe('what commit will do with the row'),
  data: z.object({
    doctorUsername: z.string(),
    doctorName: z.string(),
    clinicDate: z.string(),
    period: z.string(),
    startTime: z.string(),
    endTime: z.string(),
    slotCount: z.number().nullable(),
    feeYuan: z.string(),
    releaseAt: z.string(),
    location: z.string(),
  }),
});
export const ImportPreview = z.object({
  previewId: z.string(),
  filename: z.string(),
  total: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
  toCreate: z.number().int(),
  unchanged: z.number().int(),
  rows: z
    .array(ImportRowReport)
    .describe('every row with errors first, then the valid ones (at most 500 valid rows listed)'),
});
export type ImportPreview = z.infer<typeof ImportPreview>;
export const ImportQuery = z.object({ filename: z.string().trim().min(1).max(200) });
export const PreviewParams = z.object({ previewId: z.uuid() });
export const ImportResult = z.object({ created: z.number().int(), unchanged: z.number().int() });

// ----- mini-program browsing -----
export const BookingDept = z.object({
  id: z.number().int(),
  name: z.string(),
  parentName: z.string().nullable(),
  doctorCount: z.number().int(),
});
export const DeptSearch = z.object({ keyword: z.string().trim().max(20).optional() });
export const DoctorCard = z.object({
  id: z.number().int(),
  name: z.string(),
  title: z.string().nullable(),
  deptId: z.number().int(),
  deptName: z.string(),
  specialty: z.string().nullable(),
  intro: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  levelName: z.string().nullable().describe('号别: 普通号 / 专家号 / 特需号, or null when none is set'),
  levelFeeFen: z.number().int().nullable().describe('the registration fee of the doctor’s 号别'),
  nextAvailableDate: z.string().nullable().describe('first day within the booking window with a free released slot'),
  minFeeFen: z.number().int().nullable(),
});
export type DoctorCard = z.infer<typeof DoctorCard>;
const TreeLeaf = z.object({ id: z.number().int(), name: z.string(), doctorCount: z.number().int() });
export const BookingDeptTree = z.array(
  TreeLeaf.extend({
    children: z.array(TreeLeaf).describe('小科 with doctors; empty when the 大科 itself takes bookings'),
  }),
);
export const DoctorSearch = z.object({
  keyword: z.string().trim().min(1, '请输入医生姓名或擅长').max(20, '关键词最多 20 个字'),
});
export const DateQuery = z.object({
  date: Day,
  deptId: z.coerce.number().int().positive().optional(),
});
export const DoctorQuery = z.object({ deptId: z.coerce.number().int().positive() });
