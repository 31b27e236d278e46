import { z } from 'zod';
import { PageQuery } from '../../http/schemas';
import { RecordContent, RecordContentView } from './schemas';

/** Reports, templates and printing (issue 14): the request and response shapes the front-ends import. */

const text = (max: number) => z.string().trim().max(max, `不能超过 ${max} 个字`);

// ---- reports (检验 lab tests, 检查 examinations) ----
export const REPORT_KINDS = ['lab', 'exam'] as const;
export const ReportKind = z.enum(REPORT_KINDS);
export const ReportItem = z.strictObject({
  name: text(50).min(1, '请填写项目名称'),
  value: text(50).min(1, '请填写结果'),
  unit: text(20).default(''),
  range: text(50).default('').describe('reference range, e.g. 3.9-6.1'),
  flag: z.enum(['normal', 'high', 'low', 'abnormal']).default('normal'),
});
export const ReportBody = z
  .strictObject({
    kind: ReportKind,
    title: text(100).min(1, '请填写报告名称'),
    reportDate: z.iso.date().optional().describe('defaults to the visit date'),
    items: z.array(ReportItem).max(100).default([]),
    conclusion: text(2000).default(''),
  })
  .refine((b) => b.items.length > 0 || b.conclusion.length > 0, {
    message: '请填写检查结果或结论，或上传报告文件',
    path: ['items'],
  });
export type ReportInput = z.output<typeof ReportBody>;
const reason = z.string().trim().min(2, '请填写原因（至少 2 个字）').max(500, '原因不能超过 500 个字');
/** 更正: the report as it should read, and why. A report with a file may carry neither values nor a conclusion. */
export const ReportCorrectionBody = z.strictObject({
  reason,
  kind: ReportKind,
  title: text(100).min(1, '请填写报告名称'),
  reportDate: z.iso.date().optional().describe('defaults to the date the report had'),
  items: z.array(ReportItem).max(100).default([]),
  conclusion: text(2000).default(''),
});
export type ReportCorrection = z.output<typeof ReportCorrectionBody>;
export const ReportFileCorrectionQuery = z.object({ reason, filename: text(255).optional() });
export const ReportDeleteBody = z.strictObject({ reason });
export const ReportUploadQuery = z.object({
  kind: ReportKind,
  title: text(100).min(1, '请填写报告名称'),
  reportDate: z.iso.date().optional(),
  filename: text(255).optional(),
});
export const ReportFile = z.object({ mime: z.string(), size: z.number().int(), name: z.string().nullable() });
export const Report = z.object({
  id: z.number().int(),
  recordId: z.number().int(),
  kind: ReportKind,
  title: z.string(),
  reportDate: z.string(),
  items: z.array(
    z.object({
      name: z.string(),
      value: z.string(),
      unit: z.string(),
      range: z.string(),
      flag: z.enum(['normal', 'high', 'low', 'abnormal']),
    }),
  ),
  conclusion: z.string(),
  file: ReportFile.nullable(),
  /** 1 as entered; each 更正 adds one (earlier versions in the report's history). */
  version: z.number().int(),
  correctedAt: z.date().nullable(),
  createdAt: z.date(),
});
export type ReportView = z.input<typeof Report>;
/** What the mini-program lists under 报告: the report and the visit it belongs to. */
export const MpReport = Report.extend({ clinicDate: z.string(), deptName: z.string(), doctorName: z.string() });
export const ReportIdParams = z.object({ reportId: z.coerce.number().int().positive() });
export const ReportVersionParams = ReportIdParams.extend({ version: z.coerce.number().int().positive() });
export const ReportHistory = z.object({
  reportId: z.number().int(),
  recordId: z.number().int(),
  deleted: z.object({ at: z.date(), byName: z.string(), reason: z.string() }).nullable(),
  versions: z.array(
    Report.pick({ kind: true, title: true, reportDate: true, items: true, conclusion: true, file: true }).extend({
      version: z.number().int(),
      current: z.boolean(),
      byName: z.string(),
      at: z.date(),
      reason: z.string().nullable(),
    }),
  ),
});

// ---- visit record templates ----
export const TemplateBody = z.strictObject({
  deptId: z.number().int().positive(),
  name: text(64).min(1, '请填写模板名称'),
  content: RecordContent,
});
export const TemplateUpdate = TemplateBody.omit({ deptId: true });
export const Template = z.object({
  id: z.number().int(),
  deptId: z.number().int(),
  deptName: z.string(),
  name: z.string(),
  content: RecordContentView,
  updatedByName: z.string(),
  updatedAt: z.date(),
});
export const TemplateQuery = PageQuery.extend({
  deptId: z.coerce.number().int().positive().optional(),
  keyword: text(50).optional(),
});
export const TemplatePage = z.object({
  items: z.array(Template),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export const ApplyTemplateBody = z.strictObject({ templateId: z.number().int().positive() });
