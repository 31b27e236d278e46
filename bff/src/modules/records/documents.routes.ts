import type { Context } from 'koa';
import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as D from './documents.schemas';
import { DraftSaved } from './schemas';
import { myPrescriptionPdf, myRecordPdf, printPrescription, printRecord } from './print';
import {
  addReport,
  correctReport,
  myReports,
  recordReports,
  replaceReportFile,
  reportHistory,
  sendMyReportFile,
  sendReportFile,
  sendReportVersionFile,
  uploadReport,
  withdrawReport,
} from './reports';
import { applyTemplate, createTemplate, deleteTemplate, listTemplates, updateTemplate } from './templates';
import { RECORDS_PERMS as P } from './perms';

const readOrigin = (ctx: Context) => ({ ip: ctx.ip, requestId: ctx.state.requestId as string | undefined });

function sendPdf(ctx: Context, doc: { filename: string; pdf: Buffer }) {
  ctx.type = 'application/pdf';
  // inline: the browser's PDF viewer opens it, and prints it from there.
  ctx.attachment(doc.filename, { type: 'inline' });
  ctx.set('Cache-Control', 'private, no-store');
  return doc.pdf;
}

/** Console: printing (门诊病历, 处方笺), reports of a visit, and department templates. */
export function recordsDocumentAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  // ---- print ----
  t.add({
    method: 'get',
    path: '/records/visits/:id/print/record',
    summary: '打印门诊病历（PDF）',
    auth: a,
    perm: P.visitPrint,
    params: IdParams,
    handler: async ({ actor, params, ctx }) => sendPdf(ctx, await printRecord(actor, params.id, readOrigin(ctx))),
  });
  t.add({
    method: 'get',
    path: '/records/visits/:id/print/prescription',
    summary: '打印处方笺（PDF）',
    auth: a,
    perm: P.visitPrint,
    params: IdParams,
    handler: async ({ actor, params, ctx }) => sendPdf(ctx, await printPrescription(actor, params.id, readOrigin(ctx))),
  });

  // ---- reports ----
  t.add({
    method: 'get',
    path: '/records/visits/:id/reports',
    summary: '就诊的检查检验报告',
    auth: a,
    perm: P.visitList,
    params: IdParams,
    response: z.array(D.Report),
    handler: ({ actor, params, ctx }) => recordReports(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/records/visits/:id/reports',
    summary: '录入检查检验结果（数值与结论）',
    auth: a,
    perm: P.reportEdit,
    params: IdParams,
    body: D.ReportBody,
    response: D.Report,
    // The values are medical data: the operation log (not encrypted) must not copy them; the row says who added it.
    audit: false,
    handler: ({ actor, params, body, ctx }) => addReport(actor, params.id, body, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/records/visits/:id/reports/file',
    summary: '上传报告文件（请求体为文件本身：PDF 或 JPEG/PNG/WebP 图片，不超过 10 MB）',
    auth: a,
    perm: P.reportEdit,
    params: IdParams,
    query: D.ReportUploadQuery,
    response: D.Report,
    audit: false,
    handler: ({ actor, params, query, ctx }) =>
      uploadReport(actor, params.id, query, ctx.req, Number(ctx.get('content-length')) || undefined, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/records/reports/:reportId/file',
    summary: '查看报告文件',
    auth: a,
    perm: P.visitList,
    params: D.ReportIdParams,
    handler: async ({ actor, params, ctx }) =>
      void (await sendReportFile(actor, params.reportId, ctx, readOrigin(ctx))),
  });

  t.add({
    method: 'put',
    path: '/records/reports/:reportId',
    summary: '更正检查检验报告（保留更正前的版本、更正人、时间与原因）',
    auth: a,
    perm: P.reportEdit,
    params: D.ReportIdParams,
    body: D.ReportCorrectionBody,
    response: D.Report,
    // The values are medical data: not copied into the operation log; the kept version says who, when and why.
    audit: false,
    handler: ({ actor, params, body, ctx }) => correctReport(actor, params.reportId, body, readOrigin(ctx)),
  });
  t.add({
    method: 'put',
    path: '/records/reports/:reportId/file',
    summary: '更正报告文件（请求体为新文件；原文件保留）',
    auth: a,
    perm: P.reportEdit,
    params: D.ReportIdParams,
    query: D.ReportFileCorrectionQuery,
    response: D.Report,
    audit: false,
    handler: ({ actor, params, query, ctx }) =>
      replaceReportFile(
        actor,
        params.reportId,
        query,
        ctx.req,
        Number(ctx.get('content-length')) || undefined,
        readOrigin(ctx),
      ),
  });
  t.add({
    // POST: the reason travels in the body (a DELETE's body is not read).
    method: 'post',
    path: '/records/reports/:reportId/delete',
    summary: '删除检查检验报告（隐藏并记录原因，数据与文件保留）',
    auth: a,
    perm: P.reportEdit,
    params: D.ReportIdParams,
    body: D.ReportDeleteBody,
    status: 204,
    audit: 'records',
    handler: async ({ actor, params, body, ctx }) =>
      void (await withdrawReport(actor, params.reportId, body.reason, readOrigin(ctx))),
  });
  t.add({
    method: 'get',
    path: '/records/reports/:reportId/history',
    summary: '报告的更正与删除记录',
    auth: a,
    perm: P.visitList,
    params: D.ReportIdParams,
    response: D.ReportHistory,
    handler: ({ actor, params, ctx }) => reportHistory(actor, params.reportId, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/records/reports/:reportId/versions/:version/file',
    summary: '查看报告更正前的文件',
    auth: a,
    perm: P.visitList,
    params: D.ReportVersionParams,
    handler: async ({ actor, params, ctx }) =>
      void (await sendReportVersionFile(actor, params.reportId, params.version, ctx, readOrigin(ctx))),
  });

  // ---- templates ----
  t.add({
    method: 'get',
    path: '/records/templates',
    summary: '病历模板（本科室及数据范围内科室）',
    auth: a,
    perm: P.templateList,
    query: D.TemplateQuery,
    response: D.TemplatePage,
    handler: ({ actor, query }) => listTemplates(actor, query),
  });
  t.add({
    method: 'post',
    path: '/records/templates',
    summary: '新建病历模板',
    auth: a,
    perm: P.templateEdit,
    body: D.TemplateBody,
    response: D.Template,
    audit: 'records',
    handler: ({ actor, body }) => createTemplate(actor, body),
  });
  t.add({
    method: 'put',
    path: '/records/templates/:id',
    summary: '修改病历模板',
    auth: a,
    perm: P.templateEdit,
    params: IdParams,
    body: D.TemplateUpdate,
    response: D.Template,
    audit: 'records',
    handler: ({ actor, params, body }) => updateTemplate(actor, params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/records/templates/:id',
    summary: '删除病历模板',
    auth: a,
    perm: P.templateEdit,
    params: IdParams,
    audit: 'records',
    handler: async ({ actor, params }) => void (await deleteTemplate(actor, params.id)),
  });
  t.add({
    method: 'post',
    path: '/records/visits/:id/template',
    summary: '套用病历模板到草稿（只填空白项，诊断合并）',
    auth: a,
    perm: P.visitEdit,
    params: IdParams,
    body: D.ApplyTemplateBody,
    response: DraftSaved,
    status: 200,
    audit: false,
    handler: ({ actor, params, body }) => applyTemplate(actor, params.id, body.templateId),
  });
}

/** Mini-program: 报告 of the patient's own family members' signed visits. */
export function recordsDocumentMpRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/records/patients/:patientId/reports',
    summary: '检查检验报告（已签名的就诊）',
    auth: 'mp',
    params: z.object({ patientId: z.coerce.number().int().positive() }),
    response: z.array(D.MpReport),
    handler: ({ actor, params }) => myReports(actor, params.patientId),
  });
  t.add({
    method: 'get',
    path: '/records/reports/:reportId/file',
    summary: '查看报告文件',
    auth: 'mp',
    params: D.ReportIdParams,
    handler: async ({ actor, params, ctx }) => void (await sendMyReportFile(actor, params.reportId, ctx)),
  });
  t.add({
    method: 'get',
    path: '/records/visits/:id/pdf/record',
    summary: '下载门诊病历（PDF，已签名的就诊）',
    auth: 'mp',
    params: IdParams,
    handler: async ({ actor, params, ctx }) => sendPdf(ctx, await myRecordPdf(actor, params.id)),
  });
  t.add({
    method: 'get',
    path: '/records/visits/:id/pdf/prescription',
    summary: '下载处方笺（PDF，已签名的就诊）',
    auth: 'mp',
    params: IdParams,
    handler: async ({ actor, params, ctx }) => sendPdf(ctx, await myPrescriptionPdf(actor, params.id)),
  });
}
