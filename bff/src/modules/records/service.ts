import { Op, UniqueConstraintError } from 'sequelize';
import { infra, tx } from '../../infra';
import type { AdminActor, MpActor } from '../../http/actor';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { auditRead, auditReads, type ReadOrigin } from '../../kernel/audit';
import { notify } from '../../kernel/notifications';
import { Appointment } from '../booking/models';
import { markVisit } from '../booking/service';
import { Patient } from '../patient/models';
import { Dept, User } from '../system/models';
import { ageOn } from '../../shared/idcard';
import { MAX_ORDINARY_DAYS, prescribedQuantity, QUEUE_STATE_LABEL, type RecordQueueState } from '../../shared/records';
import { shanghaiDate } from '../../shared/time';
import { assertSeesPatient, ownPatient } from './access';
import { Drug, HealthProfile, Icd10, Prescription, VisitRecord, VisitRecordVersion } from './models';
import type { ProfileData, RecordContentInput, RecordContentView, RxItem } from './schemas';

// ---------------------------------------------------------------------------------------------------------------
// Encrypted documents. Nothing clinical is stored or logged in clear.

export const seal = (v: unknown) => infra().fieldCrypto.encrypt(JSON.stringify(v));
export const open = <T>(s: string): T => JSON.parse(infra().fieldCrypto.decrypt(s)) as T;

const EMPTY_PROFILE: ProfileData = {
  allergies: [],
  pastHistory: '',
  familyHistory: '',
  chronicConditions: [],
  longTermMeds: [],
};
const EMPTY_CONTENT: RecordContentView = {
  chiefComplaint: '',
  presentIllness: '',
  examination: '',
  diagnoses: [],
  orders: '',
  plan: '',
  advice: '',
};

// ---------------------------------------------------------------------------------------------------------------
// Health profile

async function profileData(patientId: number): Promise<{ data: ProfileData; updatedAt: Date | null }> {
  const row = await HealthProfile.findOne({ where: { patientId } });
  return row
    ? { data: open<ProfileData>(row.dataEnc), updatedAt: row.updatedAt }
    : { data: EMPTY_PROFILE, updatedAt: null };
}

async function profileView(patient: Patient) {
  const { data, updatedAt } = await profileData(patient.id);
  return { ...data, patientId: patient.id, patientName: patient.name, updatedAt };
}

async function patientRow(patientId: number) {
  const p = await Patient.findByPk(patientId, { paranoid: false });
  if (!p) throw notFound('患者不存在');
  return p;
}

export async function getProfile(actor: AdminActor, patientId: number, from: ReadOrigin) {
  await assertSeesPatient(actor, patientId);
  const [view] = await Promise.all([
    patientRow(patientId).then(profileView),
    auditRead(actor, {
      ...from,
      what: 'records.profile.view',
      patientId,
      subjectType: 'health_profile',
      subjectId: patientId,
    }),
  ]);
  return view;
}

export async function saveProfile(actor: AdminActor, patientId: number, data: ProfileData) {
  await assertSeesPatient(actor, patientId);
  const patient = await patientRow(patientId);
  await tx(async (transaction) => {
    const row = await HealthProfile.findOne({ where: { patientId }, transaction, lock: transaction.LOCK.UPDATE });
    if (row) await row.update({ dataEnc: seal(data), updatedBy: actor.userId }, { transaction });
    else await HealthProfile.create({ patientId, dataEnc: seal(data), updatedBy: actor.userId }, { transaction });
  });
  return profileView(patient);
}

export async function myProfile(actor: MpActor, patientId: number) {
  return profileView(await ownPatient(actor, patientId));
}

// ---------------------------------------------------------------------------------------------------------------
// Visit records

/** Diagnoses are coded: every code must be in the ICD-10 dictionary, and each is stored with its name. */
export async function codedContent(input: RecordContentInput): Promise<RecordContentView> {
  const codes = [...new Set(input.diagnoses.map((d) => d.code.toUpperCase()))];
  const found = codes.length ? await Icd10.findAll({ where: { code: codes } }) : [];
  const byCode = new Map(found.map((r) => [r.code.toUpperCase(), r]));
  const unknown = codes.filter((c) => !byCode.has(c));
  if (unknown.length)
    throw badRequest('UNKNOWN_DIAGNOSIS', `诊断编码不在 ICD-10 字典中：${unknown.join('、')}`, { unknown });
  return { ...input, diagnoses: codes.map((c) => ({ code: byCode.get(c)!.code, name: byCode.get(c)!.name })) };
}

async function itemsOf(recordId: number): Promise<RxItem[]> {
  const p = await Prescription.findOne({ where: { recordId } });
  return p ? open<RxItem[]>(p.itemsEnc) : [];
}

/** Allergies in the profile that a drug on the prescription matches (by its name or its class, either way round). */
function allergyWarnings(items: RxItem[], profile: ProfileData, drugs: Map<number, Drug>) {
  const warnings: { drugId: number; drugName: string; allergen: string; reaction: string }[] = [];
  for (const item of items) {
    const d = drugs.get(item.drugId);
    const names = [item.name, d?.allergyClass ?? ''].filter(Boolean);
    for (const a of profile.allergies) {
      if (a.kind !== 'drug' && a.kind !== 'other') continue;
      const s = a.substance.replace(/(类|过敏)$/u, '');
      if (s.length < 2) continue;
      if (names.some((n) => n.includes(s) || s.includes(n.replace(/类$/u, ''))))
        warnings.push({ drugId: item.drugId, drugName: item.name, allergen: a.substance, reaction: a.reaction });
    }
  }
  return warnings;
}

async function drugsOf(ids: number[]) {
  return new Map((ids.length ? await Drug.findAll({ where: { id: [...new Set(ids)] } }) : []).map((d) => [d.id, d]));
}

/** The checks a physician expects: known drugs, no drug twice, at most 7 days, quantity = dose × frequency × days. */
async function checkedItems(
  input: {
    drugId: number;
    dose: number;
    route?: string;
    frequency: RxItem['frequency'];
    days: number;
    quantity?: number;
    note?: string;
  }[],
): Promise<RxItem[]> {
  const drugs = await drugsOf(input.map((i) => i.drugId));
  const seen = new Set<number>();
  return input.map((i, at) => {
    const d = drugs.get(i.drugId);
    if (!d || d.status !== 'active') throw badRequest('UNKNOWN_DRUG', `第 ${at + 1} 个药品不在药品字典中`);
    if (seen.has(d.id)) throw unprocessable('DUPLICATE_DRUG', `处方中 ${d.name} 重复开具`, { drugId: d.id });
    seen.add(d.id);
    if (i.days > MAX_ORDINARY_DAYS)
      throw unprocessable(
        'PRESCRIPTION_TOO_LONG',
        `普通处方用药天数不得超过 ${MAX_ORDINARY_DAYS} 天（${d.name}：${i.days} 天）`,
        {
          drugId: d.id,
          maxDays: MAX_ORDINARY_DAYS,
        },
      );
    const computed = prescribedQuantity(i.dose, i.frequency, i.days);
    const quantity = computed ?? i.quantity;
    if (!quantity) throw unprocessable('QUANTITY_REQUIRED', `${d.name} 为必要时用药，请填写总量`, { drugId: d.id });
    return {
      drugId: d.id,
      name: d.name,
      spec: d.spec,
      form: d.form,
      unit: d.unit,
      dose: i.dose,
      route: i.route || d.defaultRoute,
      frequency: i.frequency,
      days: i.days,
      quantity,
      ...(i.note ? { note: i.note } : {}),
    };
  });
}

async function names(r: VisitRecord) {
  const [doctor, dept] = await Promise.all([
    User.findByPk(r.doctorId, { attributes: ['id', 'name'] }),
    Dept.findByPk(r.deptId, { attributes: ['id', 'name'] }),
  ]);
  return { doctorName: doctor?.name ?? '—', deptName: dept?.name ?? '—' };
}

export async function recordView(r: VisitRecord) {
  const [patient, n, items, profile] = await Promise.all([
    Patient.findByPk(r.patientId, { paranoid: false }),
    names(r),
    itemsOf(r.id),
    profileData(r.patientId),
  ]);
  const drugs = await drugsOf(items.map((i) => i.drugId));
  return {
    id: r.id,
    appointmentId: r.appointmentId,
    patientId: r.patientId,
    patientName: patient?.name ?? '—',
    patientGender: patient?.gender ?? null,
    patientAge: patient ? ageOn(patient.birthDate) : null,
    doctorId: r.doctorId,
    deptId: r.deptId,
    ...n,
    clinicDate: r.clinicDate,
    status: r.status,
    version: r.version,
    signedAt: r.signedAt ?? null,
    updatedAt: r.updatedAt,
    content: open<RecordContentView>(r.contentEnc),
    prescription: { items, warnings: allergyWarnings(items, profile.data, drugs) },
    allergies: profile.data.allergies,
  };
}

const auditRecord = (actor: AdminActor, what: string, from: ReadOrigin, r: VisitRecord) =>
  auditRead(actor, { ...from, what, patientId: r.patientId, subjectType: 'visit_record', subjectId: r.id });

/** A record the actor may see (their patient, or in their data scope), else 404. */
export async function visibleRecord(actor: AdminActor, id: number) {
  const r = await VisitRecord.findByPk(id);
  if (!r) throw notFound('病历不存在');
  // A draft is its author's working copy: nobody else reads it.
  if (r.status === 'draft' && r.doctorId !== actor.userId) throw notFound('病历不存在');
  await assertSeesPatient(actor, r.patientId).catch(() => {
    throw notFound('病历不存在');
  });
  return r;
}

/** The record's own physician writes it; anyone else is refused (an amendment is signed by them too). */
export async function authoredRecord(actor: AdminActor, id: number) {
  const r = await visibleRecord(actor, id);
  if (r.doctorId !== actor.userId) throw forbidden('NOT_RECORD_AUTHOR', '只有接诊医生可以书写或修改此病历');
  return r;
}

/** What a staff write answers with shows the record (and the patient's allergies): that is a read too, audited. */
async function shown(actor: AdminActor, what: string, from: ReadOrigin, r: VisitRecord) {
  const [view] = await Promise.all([recordView(r), auditRecord(actor, what, from, r)]);
  return view;
}

/** Opens (or returns) the record of an appointment with this physician, today or earlier. */
export async function openRecord(actor: AdminActor, appointmentId: number, from: ReadOrigin) {
  return shown(actor, 'records.visit.open', from, await openRecordRow(actor, appointmentId));
}

async function openRecordRow(actor: AdminActor, appointmentId: number): Promise<VisitRecord> {
  const a = await Appointment.findByPk(appointmentId);
  if (!a || a.doctorId !== actor.userId) throw notFound('预约不存在或不是您的患者');
  const existing = await VisitRecord.findOne({ where: { appointmentId } });
  if (existing) return existing;
  if (a.status !== 'booked' && a.status !== 'visited')
    throw conflict('NOT_RECORDABLE', '只有已预约或已就诊的预约可以书写病历');
  if (a.clinicDate > shanghaiDate()) throw conflict('NOT_RECORDABLE', '还未到就诊日期');
  try {
    const r = await VisitRecord.create({
      appointmentId,
      patientId: a.patientId,
      doctorId: a.doctorId,
      deptId: a.deptId,
      clinicDate: a.clinicDate,
      status: 'draft',
      contentEnc: seal(EMPTY_CONTENT),
    });
    return r;
  } catch (e) {
    // Two tabs opened it at once: the unique index kept one, which both get.
    if (!(e instanceof UniqueConstraintError)) throw e;
    return (await VisitRecord.findOne({ where: { appointmentId } }))!;
  }
}

export async function getRecord(actor: AdminActor, id: number, from: ReadOrigin) {
  const r = await visibleRecord(actor, id);
  const [view] = await Promise.all([recordView(r), auditRecord(actor, 'records.visit.view', from, r)]);
  return view;
}

/** Autosave of a draft. A signed record is never changed in place (amendments). */
export async function saveDraft(actor: AdminActor, id: number, input: RecordContentInput) {
  const content = await codedContent(input);
  const r = await authoredRecord(actor, id);
  await tx(async (transaction) => {
    await r.reload({ transaction, lock: transaction.LOCK.UPDATE });
    if (r.status !== 'draft') throw conflict('RECORD_SIGNED', '病历已签名，不能直接修改，请提交修订');
    await r.update({ contentEnc: seal(content) }, { transaction });
  });
  // Autosave answers with what was saved (diagnoses named), not the whole record: nothing else is read.
  return { id: r.id, status: r.status, version: r.version, updatedAt: r.updatedAt, content };
}

export async function savePrescription(
  actor: AdminActor,
  id: number,
  input: Parameters<typeof checkedItems>[0],
  from: ReadOrigin,
) {
  const items = await checkedItems(input);
  const r = await authoredRecord(actor, id);
  await tx(async (transaction) => {
    await r.reload({ transaction, lock: transaction.LOCK.UPDATE });
    if (r.status !== 'draft') throw conflict('RECORD_SIGNED', '病历已签名，处方不能直接修改，请提交修订');
    await writeItems(r, items, transaction);
  });
  return (await shown(actor, 'records.prescription.edit', from, r)).prescription;
}

async function writeItems(r: VisitRecord, items: RxItem[], transaction: Parameters<Parameters<typeof tx>[0]>[0]) {
  const p = await Prescription.findOne({ where: { recordId: r.id }, transaction });
  if (p) await p.update({ itemsEnc: seal(items) }, { transaction });
  else await Prescription.create({ recordId: r.id, patientId: r.patientId, itemsEnc: seal(items) }, { transaction });
}

async function assertSignable(
  r: VisitRecord,
  content: RecordContentView,
  items: RxItem[],
  acknowledgeAllergy: boolean,
) {
  if (!content.chiefComplaint.trim()) throw unprocessable('RECORD_INCOMPLETE', '请填写主诉后再签名');
  if (!content.diagnoses.length) throw unprocessable('RECORD_INCOMPLETE', '请至少填写一个诊断后再签名');
  const warnings = allergyWarnings(
    items,
    (await profileData(r.patientId)).data,
    await drugsOf(items.map((i) => i.drugId)),
  );
  if (warnings.length && !acknowledgeAllergy)
    throw unprocessable(
      'ALLERGY_CONFLICT',
      `处方药品与患者过敏史冲突：${warnings.map((w) => `${w.drugName}（${w.allergen}）`).join('、')}`,
      {
        warnings,
      },
    );
}

/** Signing locks the record and its prescription as version 1; the appointment becomes 已就诊. */
export async function signRecord(
  actor: AdminActor,
  id: number,
  opts: { acknowledgeAllergy: boolean },
  from: ReadOrigin,
) {
  const r = await authoredRecord(actor, id);
  if (r.status !== 'draft') throw conflict('RECORD_SIGNED', '病历已签名');
  const content = open<RecordContentView>(r.contentEnc);
  const items = await itemsOf(r.id);
  await assertSignable(r, content, items, opts.acknowledgeAllergy);
  await tx(async (transaction) => {
    await r.reload({ transaction, lock: transaction.LOCK.UPDATE });
    if (r.status !== 'draft') throw conflict('RECORD_SIGNED', '病历已签名');
    await VisitRecordVersion.create(
      {
        recordId: r.id,
        version: 1,
        contentEnc: r.contentEnc,
        itemsEnc: seal(items),
        signedBy: actor.userId,
        signedByName: actor.name.slice(0, 64),
        reason: null,
      },
      { transaction },
    );
    await r.update({ status: 'signed', version: 1, signedAt: new Date() }, { transaction });
    // The patient is told the record is there — never what is in it (a notice is not encrypted).
    const owner = await Patient.findByPk(r.patientId, { paranoid: false, transaction });
    if (owner)
      await notify(
        owner.userId,
        {
          title: '就诊记录已生成',
          content: `${owner.name}在 ${r.clinicDate} 的就诊记录已由医生签名，可在「我的 › 我的病历」中查看。`,
          link: { type: 'visit_record', id: r.id },
        },
        { transaction },
      );
  });
  const a = await Appointment.findByPk(r.appointmentId);
  if (a?.status === 'booked') await markVisit(actor, a.id, 'visited');
  return shown(actor, 'records.visit.sign', from, r);
}

/** 病历修订: a signed record changes only as a new signed version; the earlier ones stay as they were. */
export async function amendRecord(
  actor: AdminActor,
  id: number,
  input: {
    reason: string;
    content: RecordContentInput;
    items?: Parameters<typeof checkedItems>[0];
    acknowledgeAllergy: boolean;
  },
  from: ReadOrigin,
) {
  const content = await codedContent(input.content);
  const items = input.items ? await checkedItems(input.items) : undefined;
  const r = await authoredRecord(actor, id);
  if (r.status !== 'signed') throw conflict('RECORD_NOT_SIGNED', '病历尚未签名，请直接修改草稿');
  const nextItems = items ?? (await itemsOf(r.id));
  await assertSignable(r, content, nextItems, input.acknowledgeAllergy);
  await tx(async (transaction) => {
    await r.reload({ transaction, lock: transaction.LOCK.UPDATE });
    const version = r.version + 1;
    await VisitRecordVersion.create(
      {
        recordId: r.id,
        version,
        contentEnc: seal(content),
        itemsEnc: seal(nextItems),
        signedBy: actor.userId,
        signedByName: actor.name.slice(0, 64),
        reason: input.reason,
      },
      { transaction },
    );
    await r.update({ contentEnc: seal(content), version, signedAt: new Date() }, { transaction });
    if (items) await writeItems(r, items, transaction);
  });
  return shown(actor, 'records.visit.amend', from, r);
}

export async function recordVersions(actor: AdminActor, id: number, from: ReadOrigin) {
  const r = await visibleRecord(actor, id);
  const [rows] = await Promise.all([
    VisitRecordVersion.findAll({ where: { recordId: r.id }, order: [['version', 'ASC']] }),
    auditRecord(actor, 'records.visit.versions', from, r),
  ]);
  return rows.map((v) => ({
    version: v.version,
    signedBy: v.signedBy,
    signedByName: v.signedByName,
    signedAt: v.createdAt,
    reason: v.reason,
    content: open<RecordContentView>(v.contentEnc),
    items: open<RxItem[]>(v.itemsEnc),
  }));
}

async function summaries(rows: VisitRecord[]) {
  const [users, depts] = await Promise.all([
    User.findAll({ where: { id: [...new Set(rows.map((r) => r.doctorId))] }, attributes: ['id', 'name'] }),
    Dept.findAll({ where: { id: [...new Set(rows.map((r) => r.deptId))] }, attributes: ['id', 'name'] }),
  ]);
  const u = new Map(users.map((x) => [x.id, x.name]));
  const d = new Map(depts.map((x) => [x.id, x.name]));
  return rows.map((r) => ({
    id: r.id,
    appointmentId: r.appointmentId,
    clinicDate: r.clinicDate,
    deptName: d.get(r.deptId) ?? '—',
    doctorName: u.get(r.doctorId) ?? '—',
    status: r.status,
    version: r.version,
    diagnoses: open<RecordContentView>(r.contentEnc).diagnoses,
    signedAt: r.signedAt ?? null,
  }));
}

/** A patient's records (signed ones, and the actor's own drafts), newest first. */
export async function patientRecords(
  actor: AdminActor,
  q: { patientId: number; page: number; pageSize: number },
  from: ReadOrigin,
) {
  await assertSeesPatient(actor, q.patientId);
  const { rows, count } = await VisitRecord.findAndCountAll({
    where: { patientId: q.patientId, [Op.or]: [{ status: 'signed' }, { doctorId: actor.userId }] },
    order: [
      ['clinicDate', 'DESC'],
      ['id', 'DESC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const [items] = await Promise.all([
    summaries(rows),
    auditReads(actor, {
      ...from,
      what: 'records.visit.list',
      subjectType: 'visit_record',
      subjects: rows.length
        ? rows.map((r) => ({ patientId: r.patientId, subjectId: r.id }))
        : [{ patientId: q.patientId, subjectId: '-' }],
    }),
  ]);
  return { items, total: count, page: q.page, pageSize: q.pageSize };
}

// ---------------------------------------------------------------------------------------------------------------
// The physician's clinic today

function stateOf(a: Appointment, hasRecord: boolean): RecordQueueState {
  if (a.status === 'visited') return 'done';
  if (a.status === 'no_show') return 'missed';
  return hasRecord ? 'in_progress' : 'waiting';
}

const PERIOD_ORDER: Record<string, number> = { am: 0, pm: 1, eve: 2 };
const byPeriodAndNumber = (x: Pick<Appointment, 'period' | 'seqNo'>, y: Pick<Appointment, 'period' | 'seqNo'>) =>
  (PERIOD_ORDER[x.period] ?? 9) - (PERIOD_ORDER[y.period] ?? 9) || x.seqNo - y.seqNo;

/** Today's patients of this physician in number order (morning, afternoon, evening), with their state. */
export async function todayQueue(actor: AdminActor, from: ReadOrigin) {
  const date = shanghaiDate();
  const appts = await Appointment.findAll({
    where: { doctorId: actor.userId, clinicDate: date, status: ['booked', 'visited', 'no_show'] },
  });
  const [patients, records] = await Promise.all([
    Patient.findAll({ where: { id: [...new Set(appts.map((a) => a.patientId))] }, paranoid: false }),
    VisitRecord.findAll({ where: { appointmentId: appts.map((a) => a.id) }, attributes: ['id', 'appointmentId'] }),
    auditReads(actor, {
      ...from,
      what: 'records.queue.list',
      subjectType: 'appointment',
      subjects: appts.map((a) => ({ patientId: a.patientId, subjectId: a.id })),
    }),
  ]);
  const p = new Map(patients.map((x) => [x.id, x]));
  const rec = new Map(records.map((x) => [x.appointmentId, x.id]));
  appts.sort(byPeriodAndNumber);
  return {
    date,
    items: appts.map((a) => {
      const pt = p.get(a.patientId);
      const state = stateOf(a, rec.has(a.id));
      return {
        appointmentId: a.id,
        seqNo: a.seqNo,
        period: a.period,
        windowStart: a.windowStart,
        windowEnd: a.windowEnd,
        patientId: a.patientId,
        patientName: pt?.name ?? '—',
        patientGender: pt?.gender ?? null,
        patientAge: pt ? ageOn(pt.birthDate) : null,
        state,
        stateLabel: QUEUE_STATE_LABEL[state],
        recordId: rec.get(a.id) ?? null,
      };
    }),
  };
}

/** 叫号: the lowest number still waiting today gets its record opened (就诊中). */
export async function callNext(actor: AdminActor) {
  const waiting = await Appointment.findAll({
    where: { doctorId: actor.userId, clinicDate: shanghaiDate(), status: 'booked' },
    attributes: ['id', 'period', 'seqNo'],
  });
  const opened = new Set(
    (
      await VisitRecord.findAll({ where: { appointmentId: waiting.map((a) => a.id) }, attributes: ['appointmentId'] })
    ).map((r) => r.appointmentId),
  );
  const next = waiting.filter((a) => !opened.has(a.id)).sort(byPeriodAndNumber)[0];
  if (!next) throw conflict('QUEUE_EMPTY', '今天没有待诊的患者');
  const r = await openRecordRow(actor, next.id);
  return { appointmentId: next.id, recordId: r.id };
}

/** 过号: the booking's no-show rule applies (booking marks it); a patient with a signed record has been seen. */
export async function markNoShow(actor: AdminActor, appointmentId: number) {
  const a = await Appointment.findByPk(appointmentId);
  if (!a || a.doctorId !== actor.userId) throw notFound('预约不存在或不是您的患者');
  const r = await VisitRecord.findOne({ where: { appointmentId } });
  if (r?.status === 'signed') throw conflict('NOT_MARKABLE', '病历已签名，患者已就诊');
  await markVisit(actor, appointmentId, 'no_show');
}

// ---------------------------------------------------------------------------------------------------------------
// The patient's own (mini-program): signed records only

export async function myRecords(actor: MpActor, patientId: number) {
  await ownPatient(actor, patientId);
  const rows = await VisitRecord.findAll({
    where: { patientId, status: 'signed' },
    order: [
      ['clinicDate', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: 200,
  });
  return summaries(rows);
}

export async function myRecord(actor: MpActor, id: number) {
  const r = await VisitRecord.findOne({ where: { id, status: 'signed' } });
  if (!r) throw notFound('病历不存在');
  await ownPatient(actor, r.patientId).catch(() => {
    throw notFound('病历不存在');
  });
  const [n, items] = await Promise.all([names(r), itemsOf(r.id)]);
  return {
    id: r.id,
    clinicDate: r.clinicDate,
    ...n,
    version: r.version,
    signedAt: r.signedAt ?? null,
    content: open<RecordContentView>(r.contentEnc),
    prescription: items,
  };
}

export async function myPrescriptions(actor: MpActor, patientId: number) {
  await ownPatient(actor, patientId);
  const rows = await VisitRecord.findAll({
    where: { patientId, status: 'signed' },
    order: [
      ['clinicDate', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: 200,
  });
  const list = await summaries(rows);
  const out = [];
  for (const s of list) {
    const items = await itemsOf(s.id);
    if (items.length)
      out.push({
        recordId: s.id,
        clinicDate: s.clinicDate,
        deptName: s.deptName,
        doctorName: s.doctorName,
        diagnoses: s.diagnoses,
        items,
      });
  }
  return out;
}
