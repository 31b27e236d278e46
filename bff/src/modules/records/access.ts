import { Op, type WhereOptions } from 'sequelize';
import type { AdminActor, MpActor } from '../../http/actor';
import { notFound } from '../../http/errors';
import { Appointment } from '../booking/models';
import { Patient } from '../patient/models';

/** Appointments that make a patient "seen by" or "booked with" a physician (a cancelled or unpaid one does not). */
const CARE_STATUSES: Appointment['status'][] = ['booked', 'visited', 'no_show'];

/**
 * Who may see a patient's records and profile: a physician the patient has seen or is booked with; and, by the data
 * scope of their roles, staff of the department(s) the patient was seen in (dept, dept and below, custom); everyone
 * with 'all'. Nobody else — and nobody is told whether the patient exists (404).
 */
export function careWhere(actor: AdminActor): WhereOptions {
  if (actor.scope.all) return {};
  const ors: WhereOptions[] = [{ doctorId: actor.userId }];
  if (actor.scope.deptIds.length) ors.push({ deptId: { [Op.in]: actor.scope.deptIds } });
  return { [Op.or]: ors };
}

export async function canSeePatient(actor: AdminActor, patientId: number): Promise<boolean> {
  if (actor.scope.all) return (await Patient.count({ where: { id: patientId }, paranoid: false })) > 0;
  const n = await Appointment.count({
    where: { [Op.and]: [{ patientId, status: CARE_STATUSES }, careWhere(actor)] },
  });
  return n > 0;
}

export async function assertSeesPatient(actor: AdminActor, patientId: number) {
  if (!(await canSeePatient(actor, patientId))) throw notFound('患者不存在或不在您的数据范围内');
}

/** A mini-program user's own family member (deleted ones included: their past records stay theirs), or 404. */
export async function ownPatient(actor: MpActor, patientId: number) {
  const p = await Patient.findOne({ where: { id: patientId, userId: actor.userId }, paranoid: false });
  if (!p) throw notFound('就诊人不存在');
  return p;
}
