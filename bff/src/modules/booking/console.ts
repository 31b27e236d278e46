import { Op, type WhereOptions } from 'sequelize';
import { infra } from '../../infra';
import { maskPhone } from '../../infra/crypto';
import type { AdminActor } from '../../http/actor';
import { notFound } from '../../http/errors';
import { Patient } from '../patient/models';
import { ageOn } from '../../shared/idcard';
import { genderLabel } from '../../shared/clinic';
import { shanghaiDateTime } from '../../shared/time';
import { Appointment } from './models';
import { appointmentScopeWhere, appointmentViews, plainAppointments, type AppointmentRow } from './service';
import { subtreeIds } from '../system/authz';
import { auditReads, type ReadOrigin } from '../../kernel/audit';
import { pagedXlsxExport } from '../../kernel/sheets/export';

type Query = {
  page: number;
  pageSize: number;
  deptId?: number;
  doctorId?: number;
  from?: string;
  to?: string;
  status?: Appointment['status'];
  patientName?: string;
  no?: string;
};
export const MAX_EXPORT_ROWS = 50_000;

/**
 * How many follow-ups each appointment has: follow-up plans live in the followup domain (above booking), which
 * registers its counter here from its manifest's setup(). Without it every appointment shows 0.
 */
let followUpCounter: (appointmentIds: number[]) => Promise<Map<number, number>> = async () => new Map();
export function registerFollowUpCounter(fn: typeof followUpCounter) {
  followUpCounter = fn;
}

async function whereOf(actor: AdminActor, q: Query): Promise<WhereOptions> {
  const parts: WhereOptions[] = [appointmentScopeWhere(actor)];
  if (q.deptId) parts.push({ deptId: await subtreeIds(q.deptId) });
  if (q.doctorId) parts.push({ doctorId: q.doctorId });
  if (q.status) parts.push({ status: q.status });
  if (q.no) parts.push({ no: q.no });
  if (q.from || q.to)
    parts.push({ clinicDate: { ...(q.from ? { [Op.gte]: q.from } : {}), ...(q.to ? { [Op.lte]: q.to } : {}) } });
  if (q.patientName) {
    const ids = (
      await Patient.findAll({
        where: { name: { [Op.like]: `%${q.patientName}%` } },
        attributes: ['id'],
        limit: 1000,
        paranoid: false,
      })
    ).map((p) => p.id);
    parts.push({ patientId: ids });
  }
  return { [Op.and]: parts };
}

/** Deleted family members still show (soft delete); a row that is gone altogether shows as '—', never a 500. */
async function adminViews(rows: AppointmentRow[]) {
  // The patients are read once, as plain rows, and handed to appointmentViews: it would otherwise read their names
  // again.
  const shown = Patient.findAll({
    where: { id: [...new Set(rows.map((r) => r.patientId))] },
    attributes: ['id', 'name', 'phoneEnc', 'gender', 'birthDate'],
    paranoid: false,
    raw: true,
  });
  const [views, shownPatients, followUps] = await Promise.all([
    appointmentViews(rows, shown),
    shown,
    followUpCounter(rows.map((r) => r.id)),
  ]);
  const patients = new Map(shownPatients.map((p) => [p.id, p]));
  const counts = followUps;
  const { fieldCrypto } = infra();
  return views.map((v) => {
    const p = patients.get(v.patientId);
    return {
      ...v,
      patientPhoneMasked: p ? maskPhone(fieldCrypto.decrypt(p.phoneEnc)) : '—',
      patientGender: p?.gender ?? null,
      patientAge: p ? ageOn(p.birthDate) : null,
      followUps: counts.get(v.id) ?? 0,
    };
  });
}

/** Appointments are medical data: every console read is recorded, one row per patient shown (kernel audit). */
const auditShown = (actor: AdminActor, what: string, from: ReadOrigin, rows: AppointmentRow[]) =>
  auditReads(actor, {
    ...from,
    what,
    subjectType: 'appointment',
    subjects: rows.map((a) => ({ patientId: a.patientId, subjectId: a.id })),
  });

export async function listAppointments(actor: AdminActor, q: Query, from: ReadOrigin) {
  const { rows, count } = await Appointment.findAndCountAll({
    where: await whereOf(actor, q),
    order: [
      ['clinicDate', 'DESC'],
      ['id', 'DESC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
    raw: true,
  });
  const plain = plainAppointments(rows);
  // The audit row is written while the views are built; both settle before anything is returned.
  const [items] = await Promise.all([adminViews(plain), auditShown(actor, 'booking.appointment.list', from, plain)]);
  return { items, total: count, page: q.page, pageSize: q.pageSize };
}

export async function exportAppointments(actor: AdminActor, q: Query, from: ReadOrigin): Promise<Buffer> {
  const where = await whereOf(actor, q);
  const total = await Appointment.count({ where });
  return pagedXlsxExport({
    sheet: '预约数据',
    columns: [
      ['预约号', 'no', 26],
      ['状态', 'statusLabel', 8],
      ['就诊日期', 'clinicDate', 12],
      ['时段', 'periodLabel', 6],
      ['序号', 'seqNo', 6],
      ['时间', 'window', 12],
      ['科室', 'deptName', 12],
      ['医生', 'doctorName', 10],
      ['就诊人', 'patientName', 10],
      ['性别', 'gender', 6],
      ['年龄', 'patientAge', 6],
      ['手机', 'patientPhoneMasked', 14],
      ['挂号费(元)', 'fee', 10],
      ['支付时间', 'paidAt', 20],
      ['随访数', 'followUps', 8],
    ],
    total,
    max: MAX_EXPORT_ROWS,
    page: (offset, limit) =>
      Appointment.findAll({
        where,
        order: [
          ['clinicDate', 'DESC'],
          ['id', 'DESC'],
        ],
        offset,
        limit,
      }),
    views: adminViews,
    audit: (rows) => auditShown(actor, 'booking.appointment.export', from, rows),
    row: (v) => ({
      ...v,
      window: `${v.windowStart}-${v.windowEnd}`,
      gender: genderLabel(v.patientGender),
      fee: (v.feeFen / 100).toFixed(2),
      paidAt: v.paidAt ? shanghaiDateTime(v.paidAt) : '',
    }),
  });
}

async function scopedAppointment(actor: AdminActor, id: number) {
  const a = await Appointment.findOne({ where: { [Op.and]: [{ id }, appointmentScopeWhere(actor)] } });
  if (!a) throw notFound('预约不存在');
  return a;
}

export async function getAppointment(actor: AdminActor, id: number, from: ReadOrigin) {
  const a = await scopedAppointment(actor, id);
  const [[view]] = await Promise.all([adminViews([a]), auditShown(actor, 'booking.appointment.view', from, [a])]);
  return view;
}
