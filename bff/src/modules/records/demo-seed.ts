import crypto from 'node:crypto';
import { Op } from 'sequelize';
import { infra, tx } from '../../infra';
import { MpUser } from '../auth/models';
import { Appointment } from '../booking/models';
import { Patient } from '../patient/models';
import { PayOrder } from '../payment/models';
import { Schedule } from '../scheduling/models';
import { Dept, User } from '../system/models';
import { checkIdCard } from '../../shared/idcard';
import { addDays, shanghaiDate, shanghaiInstant, slotWindow } from '../../shared/time';
import { HealthProfile } from './models';
import { seal } from './service';
import { VisitTemplate } from './templates';

/** The demo physician whose clinic today is filled (README's demo account `doctor`, 张晓明, 心血管内科). */
const DEMO_PHYSICIAN = 'doctor';

/** Demo patients, each their own simulated WeChat account (openid `demo-patient-N`), booked in this order. */
const PATIENTS: { name: string; birth: string; male: boolean; allergy?: string }[] = [
  { name: '王秀英', birth: '1958-03-14', male: false, allergy: '青霉素' },
  { name: '李建华', birth: '1966-11-02', male: true },
  { name: '赵丽娟', birth: '1979-07-21', male: false },
  { name: '孙国强', birth: '1952-01-30', male: true },
  { name: '周雨桐', birth: '1991-05-09', male: false },
];

/** A valid 18-digit resident ID (region 110105, birth date, sequence whose parity gives the gender, check char). */
function demoIdCard(birth: string, seq: number, male: boolean) {
  const order = seq * 2 + (male ? 1 : 0);
  const body = `110105${birth.replaceAll('-', '')}${String(order).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

async function demoPatient(i: number) {
  const { fieldCrypto } = infra();
  const p = PATIENTS[i];
  const openid = `demo-patient-${i + 1}`;
  const [user] = await MpUser.findOrCreate({
    where: { openid },
    defaults: {
      openid,
      unionid: null,
      sessionKeyEnc: null,
      nickname: p.name,
      avatarUrl: null,
      phoneEnc: null,
      phoneHash: null,
    },
  });
  const existing = await Patient.findOne({ where: { userId: user.id }, paranoid: false });
  if (existing) return existing;
  const idCard = demoIdCard(p.birth, 100 + i, p.male);
  const check = checkIdCard(idCard);
  if (!check.ok) throw new Error(`demo ID card for ${p.name} is invalid: ${check.message}`);
  const phone = `1390000${String(1001 + i)}`;
  const patient = await Patient.create({
    userId: user.id,
    name: p.name,
    idCardEnc: fieldCrypto.encrypt(idCard),
    idCardHash: fieldCrypto.blindIndex(idCard),
    phoneEnc: fieldCrypto.encrypt(phone),
    phoneHash: fieldCrypto.blindIndex(phone),
    relation: 'self',
    gender: check.gender,
    birthDate: check.birthDate,
    isDefault: true,
  });
  if (p.allergy)
    await HealthProfile.create({
      patientId: patient.id,
      dataEnc: seal({
        allergies: [{ kind: 'drug', substance: p.allergy, reaction: '皮疹' }],
        pastHistory: '高血压病史 10 年',
        familyHistory: '',
        chronicConditions: ['原发性高血压'],
        longTermMeds: ['苯磺酸氨氯地平片 5mg qd'],
      }),
      updatedBy: 0,
    });
  return patient;
}

/** Today's session of the physician: the one the scheduling demo made, or a morning session made here. */
async function todaySession(doctor: User) {
  const today = shanghaiDate();
  const found = await Schedule.findAll({ where: { doctorId: doctor.id, clinicDate: today } });
  const s = found.find((x) => x.period === 'am') ?? found[0];
  if (s) return s;
  return Schedule.create({
    doctorId: doctor.id,
    deptId: doctor.deptId!,
    clinicDate: today,
    period: 'am',
    startTime: '08:00',
    endTime: '12:00',
    slotCount: 24,
    feeFen: 2000,
    releaseAt: shanghaiInstant(addDays(today, -7), '08:00'),
    location: '门诊楼 2 层 5 诊室',
    createdBy: null,
  });
}

/**
 * Books each demo patient into the session, lowest free number first, the way a paid booking stands (booked,
 * seat held by the person's ID index, the schedule's count raised) — under the schedule's row lock, as booking
 * does. A patient already booked with the physician today is left as is, so every run is idempotent.
 */
async function bookDemoPatients(s: Schedule, patients: Patient[]) {
  await tx(async (t) => {
    const locked = (await Schedule.findByPk(s.id, { transaction: t, lock: t.LOCK.UPDATE }))!;
    const held = await Appointment.findAll({
      where: { scheduleId: s.id },
      attributes: ['activeSeq', 'patientId', 'activePerson'],
      transaction: t,
    });
    const taken = new Set(held.map((h) => h.activeSeq).filter((x) => x != null));
    const booked = new Set(held.map((h) => h.patientId));
    const persons = new Set(held.map((h) => h.activePerson).filter(Boolean));
    let seq = 1;
    for (const p of patients) {
      if (booked.has(p.id) || persons.has(p.idCardHash)) continue;
      while (taken.has(seq)) seq++;
      if (seq > locked.slotCount) break;
      const w = slotWindow(locked, seq);
      await Appointment.create(
        {
          no: `AP${locked.clinicDate.replaceAll('-', '')}${crypto.randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12)}`,
          userId: p.userId,
          patientId: p.id,
          scheduleId: locked.id,
          doctorId: locked.doctorId,
          deptId: locked.deptId,
          seqNo: seq,
          activeSeq: seq,
          activePerson: p.idCardHash,
          clinicDate: locked.clinicDate,
          period: locked.period,
          windowStart: w.start,
          windowEnd: w.end,
          feeFen: locked.feeFen,
          status: 'booked',
          holdExpiresAt: null,
          paidAt: new Date(),
        },
        { transaction: t },
      );
      taken.add(seq);
      await locked.increment('bookedCount', { by: 1, transaction: t });
    }
  });
}

/** A few templates of common visits per clinical department of the demo physician (added once, by name). */
const TEMPLATES: Record<string, { name: string; content: Record<string, unknown> }[]> = {
  心血管内科: [
    {
      name: '高血压复诊',
      content: {
        chiefComplaint: '血压控制情况复诊',
        presentIllness: '规律服用降压药，家庭自测血压 130-140/80-90 mmHg，无头痛、胸闷、心悸。',
        examination: '血压 mmHg，心率 次/分，心肺听诊未见明显异常，双下肢无水肿。',
        diagnoses: [{ code: 'I10', name: '原发性高血压' }],
        orders: '血常规、肝肾功能、血脂、心电图',
        plan: '继续当前降压方案，监测血压。',
        advice: '低盐低脂饮食，规律作息，每日监测血压并记录，1 个月后复诊。',
      },
    },
    {
      name: '冠心病稳定期随访',
      content: {
        chiefComplaint: '冠心病随访',
        presentIllness: '近期无胸痛发作，活动耐量可。',
        examination: '血压 mmHg，心率 次/分，律齐，未闻及杂音。',
        diagnoses: [{ code: 'I25.1', name: '动脉粥样硬化性心脏病' }],
        orders: '血脂、心电图',
        plan: '继续抗血小板、调脂治疗。',
        advice: '戒烟限酒，适量运动，出现胸痛持续不缓解立即就医。',
      },
    },
  ],
  呼吸内科: [
    {
      name: '急性上呼吸道感染',
      content: {
        chiefComplaint: '咽痛、流涕 天',
        presentIllness: '受凉后出现咽痛、流涕，无发热、气促。',
        examination: '咽部充血，双肺呼吸音清。',
        diagnoses: [{ code: 'J06.9', name: '急性上呼吸道感染' }],
        orders: '血常规',
        plan: '对症治疗。',
        advice: '多饮水、注意休息，发热超过 3 天或气促及时复诊。',
      },
    },
  ],
};

async function seedTemplates(author: User) {
  for (const [deptName, list] of Object.entries(TEMPLATES)) {
    const dept = await Dept.findOne({ where: { name: deptName } });
    if (!dept) continue;
    for (const t of list)
      await VisitTemplate.findOrCreate({
        where: { deptId: dept.id, name: t.name },
        defaults: {
          deptId: dept.id,
          name: t.name,
          content: JSON.stringify(t.content),
          createdBy: author.id,
          updatedBy: author.id,
        },
      });
  }
}

/** Demo (embedded/demo mode only): today's booked patients for the demo physician, and department templates. */
export async function seedRecordsDemo() {
  const doctor = await User.findOne({ where: { username: DEMO_PHYSICIAN } });
  if (!doctor?.deptId) return;
  await seedTemplates(doctor);
  const patients = [];
  for (let i = 0; i < PATIENTS.length; i++) patients.push(await demoPatient(i));
  await bookDemoPatients(await todaySession(doctor), patients);
  await seedDemoPayments();
}

/** The simulated WeChat Pay's 微信支付单号 shape: 4200, 6 digits, the Beijing day of payment, 10 digits. */
function simulatedTransactionId(paidAt: Date) {
  const digits = (n: number) => Array.from({ length: n }, () => crypto.randomInt(10)).join('');
  return `4200${digits(6)}${shanghaiDate(paidAt).replaceAll('-', '')}${digits(10)}`;
}

/**
 * Every paid demo booking stands on a paid order, as one paid through the mini-program does: order
 * `${no}P1` (subject appointment), amount = the booking's fee, status paid at the booking's paidAt, a simulated
 * transaction id, and the appointment's paidOrderId pointing at it. Bookings that already have a paid order
 * (an earlier run, or a real payment) are left alone, so re-seeding adds nothing.
 */
async function seedDemoPayments() {
  const users = await MpUser.findAll({
    where: { openid: { [Op.like]: 'demo-patient-%' } },
    attributes: ['id', 'openid'],
  });
  if (!users.length) return;
  const openid = new Map(users.map((u) => [u.id, u.openid]));
  const paid = await Appointment.findAll({
    // Those already standing on an order are done: each run looks at the new ones only.
    where: { userId: [...openid.keys()], paidAt: { [Op.ne]: null }, paidOrderId: null },
    order: [['id', 'ASC']],
  });
  if (!paid.length) return;
  const depts = new Map(
    (await Dept.findAll({ where: { id: [...new Set(paid.map((a) => a.deptId))] }, attributes: ['id', 'name'] })).map(
      (d) => [d.id, d.name],
    ),
  );
  for (const a of paid) {
    await tx(async (t) => {
      const locked = (await Appointment.findByPk(a.id, { transaction: t, lock: t.LOCK.UPDATE }))!;
      const orders = await PayOrder.findAll({
        where: { subjectType: 'appointment', subjectId: a.id },
        transaction: t,
      });
      let order = orders.find((o) => o.paidAt != null);
      if (!order) {
        const paidAt = locked.paidAt!;
        order = await PayOrder.create(
          {
            outTradeNo: `${locked.no}P${orders.length + 1}`,
            subjectType: 'appointment',
            subjectId: locked.id,
            userId: locked.userId,
            openid: openid.get(locked.userId)!,
            amountFen: locked.feeFen,
            description: `医云挂号-${depts.get(locked.deptId) ?? '门诊'}-${locked.clinicDate}`,
            status: 'paid',
            transactionId: simulatedTransactionId(paidAt),
            timeExpire: paidAt,
            paidAt,
          },
          { transaction: t },
        );
      }
      if (locked.paidOrderId == null) await locked.update({ paidOrderId: order.id }, { transaction: t });
    });
  }
}
