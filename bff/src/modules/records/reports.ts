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
import { notFound } from '../../http/errors';
import { auditRead, auditReads, type ReadOrigin } from '../../kernel/audit';
import { sendStoredFile, storeUpload, StoredFile } from '../../kernel/files';
import { Dept, User } from '../system/models';
import { ownPatient } from './access';
import { VisitRecord } from './models';
import { authoredRecord, open, seal, visibleRecord } from './service';
import type { ReportInput, ReportView } from './documents.schemas';

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
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
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
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'visit_report', underscored: true },
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
  const rows = await VisitReport.findAll({ where: { recordId: record.id }, order: [['id', 'ASC']] });
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
  const r = await VisitReport.findByPk(reportId);
  if (!r || !r.fileId) throw notFound('报告文件不存在');
  await visibleRecord(actor, r.recordId).catch(() => {
    throw notFound('报告文件不存在');
  });
  await auditReport(actor, 'records.report.file', from, r);
  await sendStoredFile(ctx, r.fileId);
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
    where: { recordId: records.map((r) => r.id) },
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
  const r = await VisitReport.findByPk(reportId);
  const record = r?.fileId ? await VisitRecord.findOne({ where: { id: r.recordId, status: 'signed' } }) : null;
  if (!r || !record) throw notFound('报告文件不存在');
  await ownPatient(actor, record.patientId).catch(() => {
    throw notFound('报告文件不存在');
  });
  await sendStoredFile(ctx, r.fileId!);
}
