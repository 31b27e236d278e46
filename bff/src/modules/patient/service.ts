import { Op } from 'sequelize';
import { infra, tx } from '../../infra';
import { maskIdCard, maskPhone } from '../../infra/crypto';
import { conflict, notFound, unprocessable } from '../../http/errors';
import type { MpActor } from '../../http/actor';
import { MpUser } from '../auth/models';
import { Patient } from './models';
import { ageOn, checkIdCard, GUARDIAN_AGE } from './idcard';
import type { PatientCreate, PatientUpdate } from './schemas';

export const MAX_PATIENTS = 5;

export function patientView(p: Patient) {
  const { fieldCrypto } = infra();
  const age = ageOn(p.birthDate);
  return {
    id: p.id, name: p.name, idCardMasked: maskIdCard(fieldCrypto.decrypt(p.idCardEnc)), phoneMasked: maskPhone(fieldCrypto.decrypt(p.phoneEnc)),
    relation: p.relation, gender: p.gender, birthDate: p.birthDate, age, needsGuardian: age < GUARDIAN_AGE, isDefault: p.isDefault,
    createdAt: p.createdAt,
  };
}

export async function listPatients(actor: MpActor) {
  const rows = await Patient.findAll({ where: { userId: actor.userId }, order: [['isDefault', 'DESC'], ['id', 'ASC']] });
  return { items: rows.map(patientView), total: rows.length, page: 1, pageSize: MAX_PATIENTS };
}

/** Only the owner's own family members exist for them: someone else's id is simply not found. */
async function ownPatient(actor: MpActor, id: number) {
  const p = await Patient.findOne({ where: { id, userId: actor.userId } });
  if (!p) throw notFound('就诊人不存在');
  return p;
}

export async function getPatient(actor: MpActor, id: number) {
  return patientView(await ownPatient(actor, id));
}

export async function addPatient(actor: MpActor, input: PatientCreate) {
  const check = checkIdCard(input.idCard);
  if (!check.ok) throw unprocessable('INVALID_ID_CARD', check.reason);
  const idCard = input.idCard.trim().toUpperCase();
  const { fieldCrypto } = infra();
  const row = await tx(async (t) => {
    // Lock the owner's row so concurrent adds can't both pass the limit or both become the default.
    await MpUser.findByPk(actor.userId, { transaction: t, lock: t.LOCK.UPDATE });
    const existing = await Patient.findAll({ where: { userId: actor.userId }, transaction: t, lock: t.LOCK.UPDATE });
    if (existing.length >= MAX_PATIENTS) throw conflict('PATIENT_LIMIT', `最多添加 ${MAX_PATIENTS} 位就诊人`);
    const idHash = fieldCrypto.blindIndex(idCard);
    if (existing.some((p) => p.idCardHash === idHash)) throw conflict('PATIENT_DUPLICATE', '该身份证号的就诊人已添加');
    if (input.relation === 'self' && existing.some((p) => p.relation === 'self')) throw conflict('SELF_EXISTS', '已添加过“本人”，请选择其他关系');
    const makeDefault = input.isDefault === true || existing.length === 0;
    if (makeDefault) await Patient.update({ isDefault: false }, { where: { userId: actor.userId }, transaction: t });
    return Patient.create(
      {
        userId: actor.userId, name: input.name, idCardEnc: fieldCrypto.encrypt(idCard), idCardHash: idHash,
        phoneEnc: fieldCrypto.encrypt(input.phone), phoneHash: fieldCrypto.blindIndex(input.phone), relation: input.relation,
        gender: check.gender, birthDate: check.birthDate, isDefault: makeDefault,
      },
      { transaction: t },
    );
  });
  return patientView(row);
}

export async function updatePatient(actor: MpActor, id: number, input: PatientUpdate) {
  const p = await ownPatient(actor, id);
  if (input.relation === 'self' && p.relation !== 'self') {
    const self = await Patient.count({ where: { userId: actor.userId, relation: 'self', id: { [Op.ne]: id } } });
    if (self) throw conflict('SELF_EXISTS', '已添加过“本人”，请选择其他关系');
  }
  const { fieldCrypto } = infra();
  await p.update({
    ...(input.name ? { name: input.name } : {}),
    ...(input.relation ? { relation: input.relation } : {}),
    ...(input.phone ? { phoneEnc: fieldCrypto.encrypt(input.phone), phoneHash: fieldCrypto.blindIndex(input.phone) } : {}),
  });
  return patientView(p);
}

export async function removePatient(actor: MpActor, id: number) {
  await tx(async (t) => {
    const p = await Patient.findOne({ where: { id, userId: actor.userId }, transaction: t, lock: t.LOCK.UPDATE });
    if (!p) throw notFound('就诊人不存在');
    await p.destroy({ transaction: t });
    if (p.isDefault) {
      // Someone must stay default while any family member remains.
      const next = await Patient.findOne({ where: { userId: actor.userId }, order: [['id', 'ASC']], transaction: t });
      if (next) await next.update({ isDefault: true }, { transaction: t });
    }
  });
}

export async function setDefaultPatient(actor: MpActor, id: number) {
  const row = await tx(async (t) => {
    const p = await Patient.findOne({ where: { id, userId: actor.userId }, transaction: t, lock: t.LOCK.UPDATE });
    if (!p) throw notFound('就诊人不存在');
    await Patient.update({ isDefault: false }, { where: { userId: actor.userId, id: { [Op.ne]: id } }, transaction: t });
    await p.update({ isDefault: true }, { transaction: t });
    return p;
  });
  return patientView(row);
}
