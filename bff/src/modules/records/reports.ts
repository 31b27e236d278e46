import type { Readable } from 'node:stream';
import type { Context } from 'koa';
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { AdminActor, MpActor } from '../../http/actor';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { auditRead, auditReads, type ReadOrigin } from '../../kernel/audit';
import { tx } from '../../infra';
import { sendStoredFile, storeUpload, StoredFile } from '../../kernel/files';
import { Dept, User } from '../system/models';
import { inScope } from '../system/authz';
import { ownPatient } from './access';
import { VisitRecord } from './models';
import { authoredRecord, open, seal, visibleRecord } from './service';
import type { ReportCorrection, ReportInput, ReportView } from './documents.schemas';

/**
 * A test or examination report of a visit: values entered by the physician (name, value, unit, reference range,
 * flag) and a conclusion, or a file (the lab's PDF, a photo of the film) — or both. Everything but the keys is one
 * encrypted document; a file is a private stored file of the kernel (DATA_DIR/private-uploads, never served by
 * name). Reports come in after the visit, so the record's physician adds them whether the record is signed or not;
 * the patient sees them once the record is signed.
 */
export class VisitReport extends Model<InferAttributes<VisitReport>, InferCreationAttributes<VisitReport>> {
  declare id: CreationOptional<number>;
  declare recordId: number;
  declare patientId: number;
  declare kind: 'lab' | 'exam';
  declare dataEnc: string;
  declare fileId: string | null;
  declare createdBy: number;
  /** The current version (1 as entered; each correction adds one, the replaced one kept in visit_report_version). */
  declare version: CreationOptional<number>;
  /** Who wrote the current version, and why (a correction's reason); null for the version as first entered. */
  declare updatedBy: CreationOptional<number | null>;
  declare reason: CreationOptional<string | null>;
  /** Withdrawn (删除): hidden from every list, the row and its file kept. */
  declare deletedAt: CreationOptional<Date | null>;
  declare deletedBy: CreationOptional<number | null>;
  declare deleteReason: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** A version of a report that a correction replaced: never updated. */
export class VisitReportVersion extends Model<
  InferAttributes<VisitReportVersion>,
  InferCreationAttributes<VisitReportVersion>
> {
  declare id: CreationOptional<number>;
  declare reportId: number;
  declare version: number;
  declare kind: 'lab' | 'exam';
  declare dataEnc: string;
  declare fileId: string | null;
  declare writtenBy: number;
  declare writtenAt: Date;
  declare reason: string | null;
  declare createdAt: CreationOptional<Date>;
}

export function initReportModels(sequelize: Sequelize) {
  VisitReport.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      recordId: { type: DataTypes.INTEGER, allowNull: false },
      patientId: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      dataEnc: { type: DataTypes.TEXT, allowNull: false },
      fileId: DataTypes.STRING(36),
      createdBy: { type: DataTypes.INTEGER, allowNull: false },
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      updatedBy: DataTypes.INTEGER,
      reason: DataTypes.STRING(500),
      deletedAt: DataTypes.DATE,
      deletedBy: DataTypes.INTEGER,
      deleteReason: DataTypes.STRING(500),
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'visit_report', underscored: true },
  );
  VisitReportVersion.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      reportId: { type: DataTypes.INTEGER, allowNull: false },
      version: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      dataEnc: { type: DataTypes.TEXT, allowNull: false },
      fileId: DataTypes.STRING(36),
      writtenBy: { type: DataTypes.INTEGER, allowNull: false },
      writtenAt: { type: DataTypes.DATE, allowNull: false },
      reason: DataTypes.STRING(500),
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'visit_report_version', underscored: true, updatedAt: false },
  );
}

type ReportData = Omit<ReportInput, 'kind' | 'reportDate'> & { reportDate: string };

async function views(rows: VisitReport[]): Promise<ReportView[]> {
  const fileIds = rows.map((r) => r.fileId).filter((x): x is string => !!x);
  const files = new Map(
    (fileIds.length ? await StoredFile.findAll({ where: { id: fileIds } }) : []).map((f) => [f.id, f]),
  );
  return rows.map((r) => {
    const d = open<ReportData>(r.dataEnc);
    const f = r.fileId ? files.get(r.fileId) : undefined;
    return {
      id: r.id,
      recordId: r.recordId,
      kind: r.kind,
      title: d.title,
      reportDate: d.reportDate,
      items: d.items,
      conclusion: d.conclusion,
      file: f ? { mime: f.mime, size: Number(f.size), name: f.originalName } : null,
      version: r.version,
      correctedAt: r.version > 1 ? r.updatedAt : null,
      createdAt: r.createdAt,
    };
  });
}

const auditReport = (actor: AdminActor, what: string, from: ReadOrigin, r: VisitReport) =>
  auditRead(actor, { ...from, what, patientId: r.patientId, subjectType: 'visit_report', subjectId: r.id });

async function createReport(actor: AdminActor, record: VisitRecord, input: ReportInput, fileId: string | null) {
  const data: ReportData = {
    title: input.title,
    reportDate: input.reportDate ?? record.clinicDate,
    items: input.items,
    conclusion: input.conclusion,
  };
  return VisitReport.create({
    recordId: record.id,
    patientId: record.patientId,
    kind: input.kind,
    dataEnc: seal(data),
    fileId,
    createdBy: actor.userId,
  });
}

/** Values entered by hand. The answer shows what was stored: a read of the patient's data, audited. */
export async function addReport(actor: AdminActor, recordId: number, input: ReportInput, from: ReadOrigin) {
  const record = await authoredRecord(actor, recordId);
  const row = await createReport(actor, record, input, null);
  await auditReport(actor, 'records.report.add', from, row);
  return (await views([row]))[0];
}

/**
 * A report file: the request body is the file itself, checked by the kernel (type sniffed from the bytes: PDF,
 * JPEG, PNG or WebP; at most 10 MB) and stored privately before the report row names it.
 */
export async function uploadReport(
  actor: AdminActor,
  recordId: number,
  q: { kind: 'lab' | 'exam'; title: string; reportDate?: string; filename?: string },
  body: Readable,
  declaredLength: number | undefined,
  from: ReadOrigin,
) {
  const record = await authoredRecord(actor, recordId);
  const file = await storeUpload(actor.userId, 'report', body, { declaredLength, originalName: q.filename });
  const row = await createReport(
    actor,
    record,
    { kind: q.kind, title: q.title, reportDate: q.reportDate, items: [], conclusion: '' },
    file.id,
  );
  await auditReport(actor, 'records.report.add', from, row);
  return (await views([row]))[0];
}

/** The reports of a visit, for staff who see the record (its author for a draft); every report shown is audited. */
export async function recordReports(actor: AdminActor, recordId: number, from: ReadOrigin) {
  const record = await visibleRecord(actor, recordId);
  const rows = await VisitReport.findAll({ where: { recordId: record.id, deletedAt: null }, order: [['id', 'ASC']] });
  const [list] = await Promise.all([
    views(rows),
    auditReads(actor, {
      ...from,
      what: 'records.report.list',
      subjectType: 'visit_report',
      subjects: rows.length
        ? rows.map((r) => ({ patientId: r.patientId, subjectId: r.id }))
        : [{ patientId: record.patientId, subjectId: `record:${record.id}` }],
    }),
  ]);
  return list;
}

/** A report's file for staff: the same access as its record, audited, then streamed from the private folder. */
export async function sendReportFile(actor: AdminActor, reportId: number, ctx: Context, from: ReadOrigin) {
  const r = await VisitReport.findOne({ where: { id: reportId, deletedAt: null } });
  if (!r || !r.fileId) throw notFound('报告文件不存在');
  await visibleRecord(actor, r.recordId).catch(() => {
    throw notFound('报告文件不存在');
  });
  await auditReport(actor, 'records.report.file', from, r);
  await sendStoredFile(ctx, r.fileId);
}

// ---------------------------------------------------------------------------------------------------------------
// Corrections (更正) and withdrawals (删除). Medical data is never erased: a correction keeps the version it replaces
// (document, file, who wrote it, when, why); a withdrawal hides the report with who, when and why. Allowed to the
// visit's own physician, and to staff whose data scope covers the visit's department (a department's admin, its
// chief, an administrator) — not to another physician who merely saw the patient too.

async function managedReport(actor: AdminActor, reportId: number) {
  const r = await VisitReport.findByPk(reportId);
  if (!r) throw notFound('报告不存在');
  const record = await visibleRecord(actor, r.recordId).catch(() => {
    throw notFound('报告不存在');
  });
  if (record.doctorId !== actor.userId && !inScope(actor, record.deptId))
    throw forbidden('NOT_RECORD_AUTHOR', '只有接诊医生或本科室管理人员可以更正或删除此报告');
  if (r.deletedAt) throw conflict('REPORT_DELETED', '该报告已删除，不能再更正或删除');
  return { r, record };
}

/**
 * The report's next version: under its row lock (a withdrawal that got there first wins), the current version is kept
 * as it was, then `changes` are written as the next one.
 */
async function nextVersion(
  actor: AdminActor,
  r: VisitReport,
  changes: Partial<Pick<VisitReport, 'kind' | 'dataEnc' | 'fileId' | 'reason'>>,
) {
  await tx(async (transaction) => {
    await r.reload({ transaction, lock: transaction.LOCK.UPDATE });
    if (r.deletedAt) throw conflict('REPORT_DELETED', '该报告已删除，不能再更正或删除');
    await VisitReportVersion.create(
      {
        reportId: r.id,
        version: r.version,
        kind: r.kind,
        dataEnc: r.dataEnc,
        fileId: r.fileId,
        writtenBy: r.updatedBy ?? r.createdBy,
        writtenAt: r.version > 1 ? r.updatedAt : r.createdAt,
        reason: r.reason,
      },
      { transaction },
    );
    await r.update({ ...changes, version: r.version + 1, updatedBy: actor.userId }, { transaction });
  });
}

/** 更正: new values (and title, date, conclusion) as the report's next version; a file, if any, stays with it. */
export async function correctReport(actor: AdminActor, reportId: number, input: ReportCorrection, from: ReadOrigin) {
  const { r } = await managedReport(actor, reportId);
  if (!r.fileId && !input.items.length && !input.conclusion)
    throw unprocessable('REPORT_EMPTY', '请填写检查结果或结论');
  const before = open<ReportData>(r.dataEnc);
  const data: ReportData = {
    title: input.title,
    reportDate: input.reportDate ?? before.reportDate,
    items: input.items,
    conclusion: input.conclusion,
  };
  await nextVersion(actor, r, { kind: input.kind, dataEnc: seal(data), reason: input.reason });
  await auditReport(actor, 'records.report.correct', from, r);
  return (await views([r]))[0];
}

/** 更正 of a report's file: the new file (checked like any upload) becomes the next version; the old one is kept. */
export async function replaceReportFile(
  actor: AdminActor,
  reportId: number,
  q: { reason: string; filename?: string },
  body: Readable,
  declaredLength: number | undefined,
  from: ReadOrigin,
) {
  const { r } = await managedReport(actor, reportId);
  if (!r.fileId) throw conflict('REPORT_NO_FILE', '该报告没有文件，请更正其结果');
  const file = await storeUpload(actor.userId, 'report', body, { declaredLength, originalName: q.filename });
  await nextVersion(actor, r, { fileId: file.id, reason: q.reason });
  await auditReport(actor, 'records.report.correct', from, r);
  return (await views([r]))[0];
}

/** 删除: hidden from the staff's and the patient's lists, with who, when and why; the row and its file stay. */
export async function withdrawReport(actor: AdminActor, reportId: number, reason: string, from: ReadOrigin) {
  const { r } = await managedReport(actor, reportId);
  const done = await tx(async (transaction) => {
    await r.reload({ transaction, lock: transaction.LOCK.UPDATE });
    if (r.deletedAt) return false;
    await r.update({ deletedAt: new Date(), deletedBy: actor.userId, deleteReason: reason }, { transaction });
    return true;
  });
  if (!done) throw conflict('REPORT_DELETED', '该报告已删除');
  await auditReport(actor, 'records.report.delete', from, r);
}

/** A report's history for staff who see its record: every version (who, when, why) and a withdrawal. Audited. */
export async function reportHistory(actor: AdminActor, reportId: number, from: ReadOrigin) {
  const r = await VisitReport.findByPk(reportId);
  if (!r) throw notFound('报告不存在');
  await visibleRecord(actor, r.recordId).catch(() => {
    throw notFound('报告不存在');
  });
  const old = await VisitReportVersion.findAll({ where: { reportId: r.id }, order: [['version', 'ASC']] });
  const entries = [
    ...old.map((v) => ({
      version: v.version,
      kind: v.kind,
      dataEnc: v.dataEnc,
      fileId: v.fileId,
      by: v.writtenBy,
      at: v.writtenAt,
      reason: v.reason,
      current: false,
    })),
    {
      version: r.version,
      kind: r.kind,
      dataEnc: r.dataEnc,
      fileId: r.fileId,
      by: r.updatedBy ?? r.createdBy,
      at: r.version > 1 ? r.updatedAt : r.createdAt,
      reason: r.reason,
      current: true,
    },
  ];
  const userIds = [...new Set([...entries.map((e) => e.by), ...(r.deletedBy ? [r.deletedBy] : [])])];
  const fileIds = entries.map((e) => e.fileId).filter((x): x is string => !!x);
  const [users, files] = await Promise.all([
    User.findAll({ where: { id: userIds }, attributes: ['id', 'name'] }),
    fileIds.length ? StoredFile.findAll({ where: { id: fileIds } }) : [],
    auditReport(actor, 'records.report.history', from, r),
  ]);
  const name = new Map(users.map((u) => [u.id, u.name]));
  const fileOf = new Map(files.map((f) => [f.id, f]));
  return {
    reportId: r.id,
    recordId: r.recordId,
    deleted: r.deletedAt
      ? { at: r.deletedAt, byName: name.get(r.deletedBy ?? 0) ?? '—', reason: r.deleteReason ?? '' }
      : null,
    versions: entries.map((e) => {
      const d = open<ReportData>(e.dataEnc);
      const f = e.fileId ? fileOf.get(e.fileId) : undefined;
      return {
        version: e.version,
        current: e.current,
        kind: e.kind,
        title: d.title,
        reportDate: d.reportDate,
        items: d.items,
        conclusion: d.conclusion,
        file: f ? { mime: f.mime, size: Number(f.size), name: f.originalName } : null,
        byName: name.get(e.by) ?? '—',
        at: e.at,
        reason: e.reason,
      };
    }),
  };
}

/** The file of an earlier version of a report, for staff who see its record; audited. */
export async function sendReportVersionFile(
  actor: AdminActor,
  reportId: number,
  version: number,
  ctx: Context,
  from: ReadOrigin,
) {
  const r = await VisitReport.findByPk(reportId);
  const v = r ? await VisitReportVersion.findOne({ where: { reportId, version } }) : null;
  if (!r || !v?.fileId) throw notFound('报告文件不存在');
  await visibleRecord(actor, r.recordId).catch(() => {
    throw notFound('报告文件不存在');
  });
  await auditReport(actor, 'records.report.file', from, r);
  await sendStoredFile(ctx, v.fileId);
}

// ---------------------------------------------------------------------------------------------------------------
// The patient's own (mini-program): reports of signed visits of their own family members only.

export async function myReports(actor: MpActor, patientId: number) {
  await ownPatient(actor, patientId);
  const records = await VisitRecord.findAll({
    where: { patientId, status: 'signed' },
    attributes: ['id', 'clinicDate', 'doctorId', 'deptId'],
  });
  if (!records.length) return [];
  const rows = await VisitReport.findAll({
    where: { recordId: records.map((r) => r.id), deletedAt: null },
    order: [['id', 'DESC']],
    limit: 200,
  });
  const [list, users, depts] = await Promise.all([
    views(rows),
    User.findAll({ where: { id: [...new Set(records.map((r) => r.doctorId))] }, attributes: ['id', 'name'] }),
    Dept.findAll({ where: { id: [...new Set(records.map((r) => r.deptId))] }, attributes: ['id', 'name'] }),
  ]);
  const rec = new Map(records.map((r) => [r.id, r]));
  const u = new Map(users.map((x) => [x.id, x.name]));
  const d = new Map(depts.map((x) => [x.id, x.name]));
  return list.map((v) => {
    const r = rec.get(v.recordId)!;
    return { ...v, clinicDate: r.clinicDate, deptName: d.get(r.deptId) ?? '—', doctorName: u.get(r.doctorId) ?? '—' };
  });
}

export async function sendMyReportFile(actor: MpActor, reportId: number, ctx: Context) {
  const r = await VisitReport.findOne({ where: { id: reportId, deletedAt: null } });
  const record = r?.fileId ? await VisitRecord.findOne({ where: { id: r.recordId, status: 'signed' } }) : null;
  if (!r || !record) throw notFound('报告文件不存在');
  await ownPatient(actor, record.patientId).catch(() => {
    throw notFound('报告文件不存在');
  });
  await sendStoredFile(ctx, r.fileId!);
}
