import { Op, literal, type Transaction } from 'sequelize';
import { infra, tx } from '../../infra';
import { maskIdCard, maskPhone } from '../../infra/crypto';
import { conflict, notFound, unprocessable } from '../../http/errors';
import type { MpActor } from '../../http/actor';
import { MpUser } from '../auth/models';
import { Patient } from './models';
import { ageOn, checkIdCard, GUARDIAN_AGE } from '../../shared/idcard';
import type { PatientCreate, PatientUpdate } from './schemas';

export const MAX_PATIENTS = 5;

export function patientView(p: Patient) {
  const { fieldCrypto } = infra();
  const age = ageOn(p.birthDate);
  return {
    id: p.id,
    name: p.name,
    idCardMasked: maskIdCard(fieldCrypto.decrypt(p.idCardEnc)),
    phoneMasked: maskPhone(fieldCrypto.decrypt(p.phoneEnc)),
    relation: p.relation,
    gender: p.gender,
    birthDate: p.birthDate,
    age,
    needsGuardian: age < GUARDIAN_AGE,
    isDefault: p.isDefault,
    createdAt: p.createdAt,
  };
}

export async function listPatients(actor: MpActor) {
  const rows = await Patient.findAll({
    where: { userId: actor.userId },
    order: [
      ['isDefault', 'DESC'],
      ['id', 'ASC'],
    ],
  });
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

/**
 * Every change to one account's family members runs under that account's row lock (mp_user … FOR UPDATE), taken
 * first: changes of one account queue behind each other, so limit, duplicate and default checks can read the
 * members plainly. Nothing else is locked by range — READ COMMITTED takes no gap locks on mp_patient — so
 * different accounts never wait for, or deadlock with, each other.
 */
export function lockOwner(userId: number, t: Transaction) {
  return MpUser.findByPk(userId, { transaction: t, lock: t.LOCK.UPDATE, attributes: ['id'] });
}

/**
 * `lockOwner` as one statement of a compound statement (a booking sent as one): the account's row lock, its id read
 * into the statement's variable `into`.
 */
export const lockOwnerSql = (userId: number, into: string) =>
  `SELECT \`id\` INTO ${into} FROM \`${MpUser.getTableName()}\` WHERE \`id\` = ${Number(userId)} FOR UPDATE`;

/** One of an account's own (not deleted) family members, its name and ID blind index read into `into` (two variables). */
export const memberSql = (userId: number, patientId: number, into: [string, string]) =>
  `SELECT \`name\`, \`id_card_hash\` INTO ${into.join(', ')} FROM \`${Patient.getTableName()}\`` +
  ` WHERE \`id\` = ${Number(patientId)} AND \`user_id\` = ${Number(userId)} AND \`deleted_at\` IS NULL`;
/**
 * One of an account's own (not deleted) family members as columns of another statement (its id, name and ID blind
 * index; NULL when it is not theirs or deleted): a booking reads it with the session, one round trip for both.
 */
export function memberColumns(userId: number, patientId: number): [ReturnType<typeof literal>, string][] {
  const of = (column: string) =>
    literal(
      `(SELECT m.\`${column}\` FROM \`${Patient.getTableName()}\` m WHERE m.\`id\` = ${Number(patientId)}` +
        ` AND m.\`user_id\` = ${Number(userId)} AND m.\`deleted_at\` IS NULL)`,
    );
  return [
    [of('id'), 'memberId'],
    [of('name'), 'memberName'],
    [of('id_card_hash'), 'memberPerson'],
  ];
}

const ownerTx = <T>(userId: number, fn: (t: Transaction) => Promise<T>) =>
  tx(
    async (t) => {
      await lockOwner(userId, t);
      return fn(t);
    },
    { readCommitted: true },
  );

/** Whether something live (a booking, a waitlist place …) still needs this family member; registered by other domains. */
export type RemovalGuard = (patientId: number, t: Transaction) => Promise<boolean>;
const removalGuards: RemovalGuard[] = [];
export function guardPatientRemoval(guard: RemovalGuard) {
  removalGuards.push(guard);
}
/** Whether any domain still needs this family member (a live booking, a waitlist place …). */
export async function patientInUse(patientId: number, t: Transaction) {
  for (const inUse of removalGuards) if (await inUse(patientId, t)) return true;
  return false;
}

/**
 * What must hold before an account adds a family member (the privacy domain: separate consent to processing ID
 * numbers and health data); each throws a 4xx when it does not. Checked inside the account's lock.
 */
export type AdditionGuard = (userId: number, t: Transaction) => Promise<void>;
const additionGuards: AdditionGuard[] = [];
export function guardPatientAddition(guard: AdditionGuard) {
  additionGuards.push(guard);
}

async function clearDefault(members: Patient[], t: Transaction) {
  const ids = members.filter((p) => p.isDefault).map((p) => p.id);
  if (ids.length) await Patient.update({ isDefault: false }, { where: { id: ids }, transaction: t });
}

export async function addPatient(actor: MpActor, input: PatientCreate) {
  const check = checkIdCard(input.idCard);
  if (!check.ok) throw unprocessable('INVALID_ID_CARD', check.message);
  const idCard = input.idCard.trim().toUpperCase();
  const { fieldCrypto } = infra();
  const idHash = fieldCrypto.blindIndex(idCard);
  const row = await ownerTx(actor.userId, async (t) => {
    for (const allowed of additionGuards) await allowed(actor.userId, t);
    const all = await Patient.findAll({ where: { userId: actor.userId }, paranoid: false, transaction: t });
    const live = all.filter((p) => !p.deletedAt);
    if (live.length >= MAX_PATIENTS) throw conflict('PATIENT_LIMIT', `最多添加 ${MAX_PATIENTS} 位就诊人`);
    if (live.some((p) => p.idCardHash === idHash)) throw conflict('PATIENT_DUPLICATE', '该身份证号的就诊人已添加');
    if (input.relation === 'self' && live.some((p) => p.relation === 'self'))
      throw conflict('SELF_EXISTS', '已添加过“本人”，请选择其他关系');
    const makeDefault = input.isDefault === true || live.length === 0;
    if (makeDefault) await clearDefault(live, t);
    const fields = {
      name: input.name,
      idCardEnc: fieldCrypto.encrypt(idCard),
      phoneEnc: fieldCrypto.encrypt(input.phone),
      phoneHash: fieldCrypto.blindIndex(input.phone),
      relation: input.relation,
      gender: check.gender,
      birthDate: check.birthDate,
      isDefault: makeDefault,
    };
    // The same person deleted before comes back as the same row, with their past appointments.
    const deleted = all.find((p) => p.deletedAt && p.idCardHash === idHash);
    if (deleted) {
      await deleted.restore({ transaction: t });
      return deleted.update(fields, { transaction: t });
    }
    return Patient.create({ userId: actor.userId, idCardHash: idHash, ...fields }, { transaction: t });
  });
  return patientView(row);
}

export async function updatePatient(actor: MpActor, id: number, input: PatientUpdate) {
  const { fieldCrypto } = infra();
  const row = await ownerTx(actor.userId, async (t) => {
    const p = await Patient.findOne({ where: { id, userId: actor.userId }, transaction: t });
    if (!p) throw notFound('就诊人不存在');
    if (input.relation === 'self' && p.relation !== 'self') {
      const self = await Patient.count({
        where: { userId: actor.userId, relation: 'self', id: { [Op.ne]: id } },
        transaction: t,
      });
      if (self) throw conflict('SELF_EXISTS', '已添加过“本人”，请选择其他关系');
    }
    return p.update(
      {
        ...(input.name ? { name: input.name } : {}),
        ...(input.relation ? { relation: input.relation } : {}),
        ...(input.phone
          ? { phoneEnc: fieldCrypto.encrypt(input.phone), phoneHash: fieldCrypto.blindIndex(input.phone) }
          : {}),
      },
      { transaction: t },
    );
  });
  return patientView(row);
}

/** A soft delete, refused while the member still has a live booking or waitlist place. */
export async function removePatient(actor: MpActor, id: number) {
  await ownerTx(actor.userId, async (t) => {
    const p = await Patient.findOne({ where: { id, userId: actor.userId }, transaction: t });
    if (!p) throw notFound('就诊人不存在');
    for (const inUse of removalGuards) {
      if (await inUse(p.id, t)) throw conflict('PATIENT_HAS_BOOKINGS', '该就诊人有未完成的预约或候补，请先取消');
    }
    const wasDefault = p.isDefault;
    await p.update({ isDefault: false }, { transaction: t });
    await p.destroy({ transaction: t });
    if (wasDefault) {
      // Someone must stay default while any family member remains.
      const next = await Patient.findOne({ where: { userId: actor.userId }, order: [['id', 'ASC']], transaction: t });
      if (next) await next.update({ isDefault: true }, { transaction: t });
    }
  });
}

export async function setDefaultPatient(actor: MpActor, id: number) {
  const row = await ownerTx(actor.userId, async (t) => {
    const members = await Patient.findAll({ where: { userId: actor.userId }, transaction: t });
    const p = members.find((m) => m.id === id);
    if (!p) throw notFound('就诊人不存在');
    await clearDefault(
      members.filter((m) => m.id !== id),
      t,
    );
    return p.update({ isDefault: true }, { transaction: t });
  });
  return patientView(row);
}
