import crypto from 'node:crypto';
import { Op, QueryTypes, col, literal, type Transaction, type WhereOptions } from 'sequelize';
import { infra, tx } from '../../infra';
import type { AdminActor, MpActor } from '../../http/actor';
import { AppError, conflict, forbidden, notFound } from '../../http/errors';
import { dataScopeWhere } from '../system/authz';
import { Dept, User } from '../system/models';
import { Patient } from '../patient/models';
import { guardPatientRemoval, lockOwner, lockOwnerSql, memberColumns, memberSql } from '../patient/service';
import { Schedule } from '../scheduling/models';
import { APPOINTMENT_STATUS_LABEL as STATUS_LABEL, PERIOD_LABEL } from '../../shared/clinic';
import {
  admitBooking,
  bookingBand,
  knownFull,
  sessionAsBooked,
  type BookingBand,
  cancelDeadlineOf,
  endAdmission,
  listingsChanged,
  scheduleChanged,
  scopedSchedule,
} from '../scheduling/service';
import { addDays, chinaDay, firstNumberAhead, shanghaiDate, shanghaiInstant, slotWindow } from '../../shared/time';
import { Appointment, HOLDING, WaitlistEntry, type AppointmentStatus } from './models';
import {
  bookedMessage,
  notify,
  notifyBooked,
  notifyCancelled,
  notifyPaid,
  notifyRefunded,
  notifyRefundFailed,
} from './notices';
import { deliverRecorded, noticeInsertSql } from '../../kernel/notifications';
import { existsSql, insertSql, updateSql } from '../../infra/sql';
import { SuspensionLift } from './lift-model';
import type { PayOrder } from '../payment/models';
import * as payment from '../payment/service';

const cfg = () => infra().config;
const appointmentNo = () =>
  `AP${shanghaiDate().replaceAll('-', '')}${crypto.randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12)}`;

/** Per-appointment serialisation for state changes that race: pay notification, hold expiry, cancel. */
export const withAppointmentLock = <T>(id: number, fn: () => Promise<T>) =>
  infra().kv.withLock(`appointment:${id}`, fn, { ttlMs: 30_000, waitMs: 15_000 });

export function cancelDeadline(a: { clinicDate: string; period: string }, s: { startTime: string }) {
  return cancelDeadlineOf({ clinicDate: a.clinicDate, startTime: s.startTime });
}

/** What a view of an appointment reads: a model instance, or a plain row (`plainAppointments`). */
export type AppointmentRow = Pick<
  Appointment,
  | 'id'
  | 'no'
  | 'status'
  | 'userId'
  | 'patientId'
  | 'doctorId'
  | 'deptId'
  | 'scheduleId'
  | 'clinicDate'
  | 'period'
  | 'windowStart'
  | 'windowEnd'
  | 'seqNo'
  | 'feeFen'
  | 'holdExpiresAt'
  | 'paidAt'
  | 'paidOrderId'
  | 'cancelReason'
  | 'fromWaitlist'
  | 'createdAt'
  | 'checkedInAt'
>;

const asDate = (v: Date | string | null | undefined) => (v == null ? null : v instanceof Date ? v : new Date(v));

/**
 * Appointments read with `raw: true` — no model instances to build for a page of them — as the model gives them:
 * SQLite hands plain rows' dates back as text and its booleans as 0/1.
 */
export function plainAppointments(rows: Appointment[]): AppointmentRow[] {
  return rows.map((r) => ({
    ...r,
    holdExpiresAt: asDate(r.holdExpiresAt),
    paidAt: asDate(r.paidAt),
    checkedInAt: asDate(r.checkedInAt),
    createdAt: asDate(r.createdAt)!,
    fromWaitlist: Boolean(r.fromWaitlist),
  }));
}

/**
 * Views of appointments; a related row that is gone (deleted member, removed schedule …) shows as empty, never fails.
 * The names they show are read with the appointments' ids in one statement (subqueries, as `sessionWithNames` does):
 * 我的预约 is what every winner of a rush opens next, and five lookups were five round trips and five Sequelize queries
 * for one page.
 */
export async function appointmentViews(
  rows: AppointmentRow[],
  shownPatients?: Promise<Pick<Patient, 'id' | 'name'>[]>,
) {
  if (!rows.length) return [];
  const [named, shown, refunds] = await Promise.all([
    Appointment.findAll({
      where: { id: [...new Set(rows.map((r) => r.id))] },
      attributes: [
        'id',
        [literal('(SELECT s.start_time FROM schedule s WHERE s.id = Appointment.schedule_id)'), 'startTime'],
        [literal('(SELECT s.location FROM schedule s WHERE s.id = Appointment.schedule_id)'), 'location'],
        [literal('(SELECT u.name FROM sys_user u WHERE u.id = Appointment.doctor_id)'), 'doctorName'],
        [
          literal(
            '(SELECT p.name FROM sys_user u JOIN sys_post p ON p.id = u.post_id WHERE u.id = Appointment.doctor_id)',
          ),
          'doctorTitle',
        ],
        [literal('(SELECT d.name FROM sys_dept d WHERE d.id = Appointment.dept_id)'), 'deptName'],
        // a deleted member's name too: their past appointments stay readable
        ...(shownPatients
          ? []
          : [
              [
                literal('(SELECT p.name FROM mp_patient p WHERE p.id = Appointment.patient_id)'),
                'patientName',
              ] as const,
            ]),
      ],
      raw: true,
    }) as unknown as Promise<NamedRow[]>,
    shownPatients,
    payment.refundsOf(APPOINTMENT, rows),
  ]);
  const byId = new Map(named.map((n) => [n.id, n]));
  const lookups: ViewLookups = {
    schedules: new Map(),
    patients: new Map(shown?.map((p) => [p.id, p.name])),
    doctors: new Map(),
    depts: new Map(),
    refunds,
  };
  for (const r of rows) {
    const n = byId.get(r.id);
    if (!n) continue;
    if (n.startTime != null) lookups.schedules.set(r.scheduleId, { startTime: n.startTime, location: n.location });
    if (!shown && n.patientName != null) lookups.patients.set(r.patientId, n.patientName);
    if (n.doctorName != null) lookups.doctors.set(r.doctorId, { name: n.doctorName, title: n.doctorTitle });
    if (n.deptName != null) lookups.depts.set(r.deptId, n.deptName);
  }
  return viewsOf(rows, lookups);
}

/** An appointment's id with the names its view shows (null: the related row is gone). */
interface NamedRow {
  id: number;
  startTime: string | null;
  location: string | null;
  doctorName: string | null;
  doctorTitle: string | null;
  deptName: string | null;
  patientName?: string | null;
}

/** What an appointment's view shows besides the appointment itself, by id. */
interface ViewLookups {
  schedules: Map<number, { startTime: string; location: string | null }>;
  patients: Map<number, string>;
  doctors: Map<number, { name: string; title: string | null }>;
  depts: Map<number, string>;
  refunds: Awaited<ReturnType<typeof payment.refundsOf>>;
}

/**
 * The view of a booking just made, from what its maker has at hand — the family member read under the account lock
 * and the session read with its names (`sessionWithNames`) — so the winner of a rush reads nothing more. (The
 * cached listing is no source for it: every winner's booking drops it, so in a rush each would rebuild it.)
 */
function freshView({ appt: a, patientName, session: s }: Booked) {
  return viewsOf([a], {
    schedules: new Map([[a.scheduleId, s]]),
    patients: new Map([[a.patientId, patientName]]),
    doctors: new Map([[a.doctorId, { name: s.doctorName, title: s.doctorTitle }]]),
    depts: new Map([[a.deptId, s.deptName]]),
    refunds: new Map(), // nothing is refunded of a booking made a moment ago
  })[0];
}

/** A session and the names its bookings show, as one row. */
type NamedSession = Schedule & { doctorName: string; doctorTitle: string | null; deptName: string };

/**
 * A session with its doctor's name and title and its department's name, read in one statement: a booking's answer
 * and notice name them, and a rush's winner should not wait for more round trips than it must.
 */
async function sessionWithNames(id: number): Promise<NamedSession | null> {
  return named(await Schedule.findByPk(id, { attributes: { include: NAME_COLUMNS } }));
}

/** The names a booking shows, as columns of a statement reading its session. */
const NAME_COLUMNS: [ReturnType<typeof literal>, string][] = [
  [literal('(SELECT u.name FROM sys_user u WHERE u.id = Schedule.doctor_id)'), 'doctorName'],
  [
    literal('(SELECT p.name FROM sys_user u JOIN sys_post p ON p.id = u.post_id WHERE u.id = Schedule.doctor_id)'),
    'doctorTitle',
  ],
  [literal('(SELECT d.name FROM sys_dept d WHERE d.id = Schedule.dept_id)'), 'deptName'],
];

function named(s: Schedule | null): NamedSession | null {
  if (!s) return null;
  return Object.assign(s, {
    doctorName: (s.get('doctorName') as string | null) ?? '',
    doctorTitle: (s.get('doctorTitle') as string | null) ?? null,
    deptName: (s.get('deptName') as string | null) ?? '',
  });
}

function viewsOf(rows: AppointmentRow[], l: ViewLookups) {
  const now = Date.now();
  return rows.map((a) => {
    const s = l.schedules.get(a.scheduleId);
    const deadline = cancelDeadline(a, { startTime: s?.startTime ?? a.windowStart });
    const paid = l.refunds.get(a.id) ?? [];
    const doctor = l.doctors.get(a.doctorId);
    return {
      id: a.id,
      no: a.no,
      status: a.status,
      statusLabel: STATUS_LABEL[a.status],
      patientId: a.patientId,
      patientName: l.patients.get(a.patientId) ?? '',
      doctorId: a.doctorId,
      doctorName: doctor?.name ?? '',
      doctorTitle: doctor?.title ?? null,
      deptId: a.deptId,
      deptName: l.depts.get(a.deptId) ?? '',
      scheduleId: a.scheduleId,
      clinicDate: a.clinicDate,
      period: a.period,
      periodLabel: PERIOD_LABEL[a.period],
      windowStart: a.windowStart,
      windowEnd: a.windowEnd,
      seqNo: a.seqNo,
      feeFen: a.feeFen,
      location: s?.location ?? null,
      holdExpiresAt: a.status === 'pending_payment' ? a.holdExpiresAt : null,
      paidAt: a.paidAt ?? null,
      cancelDeadline: deadline,
      canCancel: (a.status === 'pending_payment' || a.status === 'booked') && deadline.getTime() > now,
      cancelReason: a.cancelReason ?? null,
      refund: bookingRefund(paid.filter((r) => !r.duplicate)),
      refunds: paid,
      fromWaitlist: a.fromWaitlist,
      checkedInAt: a.checkedInAt ?? null,
      createdAt: a.createdAt,
    };
  });
}

/** The refund of the booking itself (not of duplicate payments): one in practice; summed, worst state first, if more. */
function bookingRefund(refunds: { status: 'processing' | 'success' | 'failed'; amountFen: number }[]) {
  if (!refunds.length) return null;
  const status = (['failed', 'processing', 'success'] as const).find((st) => refunds.some((r) => r.status === st))!;
  return { status, amountFen: refunds.reduce((sum, r) => sum + r.amountFen, 0) };
}

/**
 * A family member who still holds a booking (clinic day not passed) or waits in a waitlist can't be deleted.
 * The waitlist is read first: an offer turns a waiting entry into a booking in one commit, so in this order the
 * two reads can't both miss it.
 */
guardPatientRemoval(
  async (patientId, t) =>
    (await WaitlistEntry.count({ where: { patientId, status: 'waiting' }, transaction: t })) > 0 ||
    (await Appointment.count({
      where: { patientId, status: HOLDING, clinicDate: { [Op.gte]: shanghaiDate() } },
      transaction: t,
    })) > 0,
);

async function ownPatient(actor: MpActor, patientId: number) {
  const p = await Patient.findOne({ where: { id: patientId, userId: actor.userId } });
  if (!p) throw notFound('就诊人不存在');
  return p;
}

/**
 * 3 no-shows within 30 days suspend booking for 90 days after the third (all configurable). A suspension lifted in
 * the console (患者管理) leaves out every no-show up to the day it was lifted.
 */
export async function suspendedUntil(userId: number): Promise<Date | null> {
  const { NO_SHOW_LIMIT, NO_SHOW_WINDOW_DAYS, NO_SHOW_SUSPEND_DAYS } = cfg();
  const since = noShowsSince();
  const noShows = await Appointment.findAll({
    where: { userId, status: 'no_show', clinicDate: { [Op.gte]: since } },
    attributes: ['clinicDate'],
    order: [['clinicDate', 'ASC']],
    raw: true,
  });
  // Fewer than the limit can't suspend, whatever a lift leaves out: most patients are answered by this one read.
  if (noShows.length < NO_SHOW_LIMIT) return null;
  const lift = await SuspensionLift.findOne({
    where: { userId },
    order: [['id', 'DESC']],
    attributes: ['createdAt'],
    raw: true,
  });
  const liftedOn = lift ? shanghaiDate(lift.createdAt) : null;
  const dates = noShows
    .filter((a) => !liftedOn || a.clinicDate > liftedOn)
    .map((a) => shanghaiInstant(a.clinicDate).getTime());
  let until: number | null = null;
  for (let i = NO_SHOW_LIMIT - 1; i < dates.length; i++) {
    if (dates[i] - dates[i - NO_SHOW_LIMIT + 1] <= NO_SHOW_WINDOW_DAYS * 86400_000)
      until = dates[i] + NO_SHOW_SUSPEND_DAYS * 86400_000;
  }
  return until && until > Date.now() ? new Date(until) : null;
}

/** A value as SQL, escaped, for the subqueries below. */
const sqlValue = (v: string | number) => infra().sequelize.escape(v);

/** The no-shows that can count towards a suspension today are those on or after this day. */
function noShowsSince() {
  return addDays(shanghaiDate(), -(cfg().NO_SHOW_WINDOW_DAYS + cfg().NO_SHOW_SUSPEND_DAYS));
}

/** How many no-shows `suspendedUntil` would read, as a column of a statement about the account. */
function noShowsOf(userId: number) {
  return literal(
    `(SELECT COUNT(*) FROM appointment a WHERE a.user_id = ${sqlValue(userId)} AND a.status = 'no_show'` +
      ` AND a.clinic_date >= ${sqlValue(noShowsSince())})`,
  );
}

function assertBookable(s: Schedule | null): asserts s is Schedule {
  if (!s) throw notFound('排班不存在');
  if (s.status !== 'open') throw conflict('SCHEDULE_STOPPED', '该医生此时段已停诊');
  if (s.releaseAt.getTime() > Date.now()) {
    throw conflict('NOT_RELEASED', '号源尚未开放，请到放号时间再来', { releaseAt: s.releaseAt.toISOString() });
  }
  if (shanghaiInstant(s.clinicDate, s.endTime).getTime() <= Date.now())
    throw conflict('SESSION_PASSED', '该时段已结束');
  if (firstNumberAhead(s) > s.slotCount)
    throw conflict('SESSION_CLOSED', '该时段的号都已到就诊时间，停止预约，请选择其他时段');
}

async function assertUnderLimit(userId: number, t?: Transaction) {
  const active = await Appointment.count({
    where: { userId, status: HOLDING, clinicDate: { [Op.gte]: shanghaiDate() } },
    transaction: t,
  });
  underLimit(active);
}

function underLimit(active: number) {
  if (active >= cfg().BOOKING_MAX_ACTIVE)
    throw conflict('BOOKING_LIMIT', `最多同时保留 ${cfg().BOOKING_MAX_ACTIVE} 个未就诊的预约`);
}

/** The account's live bookings (what assertUnderLimit counts), as a column of a statement about the account. */
function activeBookingsOf(userId: number) {
  return literal(
    `(SELECT COUNT(*) FROM appointment a WHERE a.user_id = ${sqlValue(userId)} AND a.status IN (${HOLDING.map(sqlValue).join(', ')})` +
      ` AND a.clinic_date >= ${sqlValue(shanghaiDate())})`,
  );
}

/** Checked before any lock is taken; the limit is checked again under the account lock (lockAccountFor). */
async function checkPatientRules(actor: MpActor) {
  // Both at once (a rush's winner waits for one round trip, not two); a suspension is still the error given first.
  await inOrder([assertNotSuspended(actor.userId), assertUnderLimit(actor.userId)]);
}

async function assertNotSuspended(userId: number) {
  const until = await suspendedUntil(userId);
  if (until)
    throw forbidden('BOOKING_SUSPENDED', `因多次爽约，预约功能暂停至 ${shanghaiDate(until)}`, {
      until: until.toISOString(),
    });
}

/**
 * Inside a booking transaction: the account's row lock — the one every change to the account's family members
 * takes too — then the member re-read (not deleted meanwhile) and the account's live bookings counted under it,
 * so concurrent requests of one account can't together pass the limit. Lock order everywhere: a schedule row
 * first (if any), then the account row.
 */
async function lockAccountFor(actor: MpActor, patientId: number, t: Transaction) {
  await lockOwner(actor.userId, t);
  // The member and the account's live bookings in one statement: a round trip fewer while the connection is held.
  const patient = await Patient.findOne({
    where: { id: patientId, userId: actor.userId },
    attributes: { include: [[activeBookingsOf(actor.userId), 'activeBookings']] },
    transaction: t,
  });
  if (!patient) {
    await assertUnderLimit(actor.userId, t); // the limit is still the error given first
    throw notFound('就诊人不存在');
  }
  underLimit(Number(patient.get('activeBookings')));
  return patient;
}

/**
 * Promise.all that waits for every one and, if any failed, throws the first failure in the order given (not the
 * first to fail in time), so the same request always gets the same error.
 */
async function inOrder<T extends readonly unknown[]>(all: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(all);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * The lowest free number of a schedule for this person (their ID blind index), read inside the caller's
 * transaction (which holds the schedule row lock). The unique indexes on (schedule, active_seq) and
 * (schedule, active_person) are the database's last word: whatever the code above does, a slot can't be given
 * twice, nor a person two seats in one session — whichever account or family-member row asks.
 */
async function lowestFreeSeq(s: Schedule, person: string, t: Transaction, band?: BookingBand) {
  const held = await Appointment.findAll({
    where: { scheduleId: s.id, activeSeq: { [Op.ne]: null } },
    attributes: ['activeSeq', 'activePerson'],
    transaction: t,
    // Read under the row lock by every winner of a rush: plain rows, no model instances to build.
    raw: true,
  });
  if (held.some((h) => h.activePerson === person)) throw conflict('ALREADY_BOOKED', '该就诊人已预约过这个时段');
  const taken = new Set(held.map((h) => h.activeSeq));
  // a session under way gives only numbers whose window is still ahead; a band, only those whose window starts in it
  let seq = firstNumberAhead(s);
  if (band) while (seq <= s.slotCount && slotWindow(s, seq).start < band.start) seq++;
  while (taken.has(seq)) seq++;
  if (band && (seq > s.slotCount || slotWindow(s, seq).start >= band.end)) throw bandFull(band);
  if (seq > s.slotCount) throw conflict('SLOT_FULL', '该号源已约满', { waitlist: true });
  return { seq, window: slotWindow(s, seq) };
}

/** What a booking needs of its family member. */
type Member = Pick<Patient, 'id' | 'name' | 'idCardHash'>;

/**
 * No free number left in the band asked for: the same SLOT_FULL, saying that other bands may have some (not
 * 候补: the session itself may not be full; `band` tells a client to let the patient choose again).
 */
const bandFull = (band: BookingBand) =>
  conflict('SLOT_FULL', '该时间段已约满，请选择其他时间段', { waitlist: false, band: band.start });

/** A new appointment of a family member on number `seq` (unpaid hold, or booked if free of charge). */
function newAppointment(
  s: Schedule,
  patient: Member,
  seq: number,
  opts: { userId: number; holdMinutes: number; fromWaitlist: boolean },
) {
  const w = slotWindow(s, seq);
  const free = s.feeFen === 0;
  return {
    no: appointmentNo(),
    userId: opts.userId,
    patientId: patient.id,
    scheduleId: s.id,
    doctorId: s.doctorId,
    deptId: s.deptId,
    seqNo: seq,
    activeSeq: seq,
    activePerson: patient.idCardHash,
    clinicDate: s.clinicDate,
    period: s.period,
    windowStart: w.start,
    windowEnd: w.end,
    feeFen: s.feeFen,
    status: (free ? 'booked' : 'pending_payment') as AppointmentStatus,
    holdExpiresAt: free ? null : new Date(Date.now() + opts.holdMinutes * 60_000),
    paidAt: null,
    fromWaitlist: opts.fromWaitlist,
  };
}

/** Gives the lowest free slot to a family member as a new appointment; the caller holds the schedule's row lock. */
async function holdLowestSlot(
  s: Schedule,
  patient: Patient,
  opts: { userId: number; holdMinutes: number; fromWaitlist: boolean },
  t: Transaction,
  band?: BookingBand,
) {
  const { seq } = await lowestFreeSeq(s, patient.idCardHash, t, band);
  const a = await Appointment.create(newAppointment(s, patient, seq, opts), { transaction: t });
  await s.increment('bookedCount', { by: 1, transaction: t });
  return a;
}

function uniqueViolation(err: unknown) {
  return (err as Error).name === 'SequelizeUniqueConstraintError';
}

/** A unique violation of (schedule, number): the number is held already (MariaDB names the index, SQLite the column). */
function numberHeld(err: unknown) {
  const e = err as Error & { parent?: Error; fields?: unknown };
  return /appointment_slot_once|active_seq/.test(`${e.parent?.message ?? ''} ${e.message} ${JSON.stringify(e.fields)}`);
}

/** Booking requests being answered in this process, per session and account: a second tap sees the first. */
const attempts = new Map<string, number>();

/**
 * A booking: the lowest free number whose window is still ahead — in the time band asked for (`bandStart`, one of
 * the listing's bands) if any, else in the whole session.
 */
export async function takeSlot(actor: MpActor, input: { scheduleId: number; patientId: number; bandStart?: string }) {
  const key = `${input.scheduleId}:${actor.userId}`;
  const earlier = attempts.get(key) ?? 0;
  attempts.set(key, earlier + 1);
  try {
    const band = input.bandStart === undefined ? undefined : await bookingBand(input.scheduleId, input.bandStart);
    // Once every number is taken, the rush's thousands are refused here, from this process's memory. A second tap
    // while the first is still being answered goes the whole way, so it is told "already booked" as before.
    if (!earlier && (await knownFull(input.scheduleId)))
      throw conflict('SLOT_FULL', '该号源已约满', { waitlist: true });
    return await takeSlotAdmitted(actor, input, band);
  } finally {
    if (attempts.get(key)! > 1) attempts.set(key, attempts.get(key)! - 1);
    else attempts.delete(key);
  }
}

/**
 * Admitted requests' bookings being made in this process (takeNumberInDatabase), per session and account: their seat
 * is counted before their booking is written, so a second tap finding the session full waits for them
 * (takeSlotInDatabase). They never wait for anything of the kind themselves, so no two requests wait for each other.
 */
const admittedUnderWay = new Map<string, Set<Promise<unknown>>>();
const underWayKey = (scheduleId: number, userId: number) => `${scheduleId}:${userId}`;

async function trackedUnderWay<T>(key: string, p: Promise<T>): Promise<T> {
  const set = admittedUnderWay.get(key) ?? new Set<Promise<unknown>>();
  admittedUnderWay.set(key, set);
  set.add(p);
  try {
    return await p;
  } finally {
    set.delete(p);
    if (!set.size && admittedUnderWay.get(key) === set) admittedUnderWay.delete(key);
  }
}

async function takeSlotAdmitted(
  actor: MpActor,
  input: { scheduleId: number; patientId: number },
  band: BookingBand | undefined,
) {
  // The 08:00 rush: only as many requests as there are free numbers go on to the database, each with its number in
  // hand; the others are refused from the admission pool without a query. The account's rate limit is asked at the
  // same moment (both calls share one Redis round trip); a request over its limit gives back a number it was handed.
  const [limit, admitted] = await Promise.allSettled([
    infra().kv.hit(`booking:user:${actor.userId}`, cfg().BOOKING_RATE_PER_USER_PER_MIN, 60),
    admitBooking(input.scheduleId, actor.userId, band),
  ]);
  if (limit.status === 'rejected' || !limit.value.allowed) {
    if (admitted.status === 'fulfilled' && admitted.value.answer === 'admitted')
      await endAdmission(input.scheduleId, actor.userId, admitted.value.ticket, 'returned');
    if (limit.status === 'rejected') throw limit.reason;
    throw new AppError(429, 'RATE_LIMITED', '操作太频繁，请稍后再试', { retryAfterSeconds: limit.value.retryAfterSec });
  }
  if (admitted.status === 'rejected') throw admitted.reason;
  const admission = admitted.value;
  // closed, stopped …: a band's 'passed' (numbers left elsewhere) is asked of the database only when closed
  if (admission.answer === 'passed' && (!band || band.closed))
    assertBookable(await Schedule.findByPk(input.scheduleId));
  // 'full' is the whole session (候补 then); a band's 'passed' is the band alone
  if (band && admission.answer === 'passed') throw bandFull(band);
  if (admission.answer === 'full' || admission.answer === 'passed')
    throw conflict('SLOT_FULL', '该号源已约满', { waitlist: true });
  let booked: Booked | 'disagrees' = 'disagrees';
  if (admission.answer === 'admitted') {
    const { ticket } = admission;
    try {
      booked = await trackedUnderWay(
        underWayKey(input.scheduleId, actor.userId),
        takeNumberInDatabase(actor, input, ticket.n),
      );
    } catch (err) {
      await endAdmission(input.scheduleId, actor.userId, ticket, 'returned');
      throw err;
    }
    const ended = endAdmission(input.scheduleId, actor.userId, ticket, booked === 'disagrees' ? 'recount' : 'taken');
    await Promise.all([ended, booked !== 'disagrees' && listingsChanged(booked.appt)]);
  }
  if (booked === 'disagrees') {
    // No number in hand (the pool is unknown, or this account has a request in flight), or the database disagreed
    // with the pool: the database chooses the number under the session's row lock, and the pool follows.
    booked = await takeSlotInDatabase(actor, input, band);
    const a = booked.appt;
    await scheduleChanged({ id: a.scheduleId, doctorId: a.doctorId, deptId: a.deptId }, { taken: a.seqNo });
  }
  // The booking is committed, and its notice with it. The answer is the appointment alone: a hold is paid for by
  // the next request (POST /appointments/:id/pay, which the mini-program sends at once), so the WeChat Pay order —
  // a round trip to WeChat and two RSA signatures — is not made while thousands wait for their answers.
  return { appointment: freshView(booked) };
}

const DISAGREES = new Error('the database disagrees with the admission pool');

/** A booking just committed, with the family member's name its maker read under the account lock and its session. */
interface Booked {
  appt: AppointmentRow;
  patientName: string;
  session: NamedSession;
}

/** The notice of a booking, written in the booking's own transaction: it is there if and only if the booking is. */
const noticeOfBooking = (a: Appointment, patientName: string, s: NamedSession, t: Transaction) =>
  notifyBooked(a, { patient: patientName, doctor: s.doctorName, dept: s.deptName }, t);

/**
 * The booking of an admitted request, on the number the admission pool handed it, so nothing is chosen under a lock.
 * 'disagrees' when the database doesn't agree with the pool (the number is held, the session is full or was changed
 * meanwhile): the caller then lets the database choose.
 *
 * On MariaDB the session is the one this process read for the session's winners at most a second ago
 * (`sessionAsBooked`; its names, size, times and fee): each winner sends only its one statement, so it waits for one
 * turn of an event loop busy with a rush's refusals, not two, and the pool's connections are taken once per winner.
 * What the statement takes from the session is checked by the seat's own update, so an older copy only sends the
 * request the database's way.
 *
 * In that statement (`bookInOneStatement`) the account's own checks come first (the member, the no-shows, the limit,
 * in that order), so a request they refuse takes no seat. The seat is then taken by an autocommit conditional
 * update of the session's booked count (the session still open, unchanged and not full), so the session's row is
 * held for that one statement inside MariaDB only — not from an update to a commit later, which made a rush's
 * winners queue for the row and hold pooled connections while they queued. Then the booking's transaction, which
 * never touches the session's row: the account's row lock (limit, member still there), the insert — the unique
 * indexes refuse a number or a person already held — its notice, and a plain read that the session is still the
 * one the seat was taken on (see `bookInOneStatement` why that is enough against a 停诊 or a change racing it). If
 * anything fails the seat is given back before the error goes on.
 *
 * Between the two steps the count is one above the live bookings: that only refuses (never oversells) — a
 * database-chosen booking, a waitlist offer or a late payment sees the seat as taken, a 加号/改时间/改价 sees the
 * session as booked — and it lasts one transaction. A connection lost between the two leaves it one too high for
 * good; `recountSeats` (a job) puts that right.
 *
 * Embedded mode (SQLite, one writer: transactions run one at a time) takes the seat inside the booking's own
 * transaction instead — nothing can change the session between the update and the commit, and a refusal rolls the
 * seat back with the rest — so a winner costs one commit, not two.
 */
async function takeNumberInDatabase(
  actor: MpActor,
  input: { scheduleId: number; patientId: number },
  seq: number,
): Promise<Booked | 'disagrees'> {
  if (!infra().config.embedded) {
    const s = await sessionAsBooked(input.scheduleId, () => sessionWithNames(input.scheduleId));
    assertBookable(s);
    if (seq > s.slotCount) return 'disagrees';
    return bookInOneStatement(actor, s, input.patientId, seq);
  }
  const s = await winnerReads(actor, input);
  assertBookable(s);
  if (s.bookedCount >= s.slotCount || seq > s.slotCount) return 'disagrees';
  try {
    return await tx(
      async (t) => {
        if (!(await reserveSeat(s, t))) throw DISAGREES;
        const patient = await lockAccountFor(actor, input.patientId, t);
        const a = await Appointment.create(
          newAppointment(s, patient, seq, {
            userId: actor.userId,
            holdMinutes: cfg().BOOKING_HOLD_MINUTES,
            fromWaitlist: false,
          }),
          { transaction: t },
        );
        await noticeOfBooking(a, patient.name, s, t);
        return { appt: a, patientName: patient.name, session: s };
      },
      { readCommitted: true },
    );
  } catch (err) {
    if (err === DISAGREES || (uniqueViolation(err) && numberHeld(err))) return 'disagrees';
    if (uniqueViolation(err)) throw conflict('ALREADY_BOOKED', '该就诊人已预约过这个时段');
    throw err;
  }
}

/**
 * Embedded mode: what an admitted request reads before its booking — the session with its names, the family member,
 * and the account's no-shows and live bookings, as one statement — a rush's winner waits for one round trip, and its event
 * loop builds one query, not four. The errors are those `ownPatient` and `checkPatientRules` give, in their order
 * (the member, a suspension, the limit); the account's limit and the member are checked again under its lock. A
 * session that isn't there (or some no-shows, which need the whole rule) takes the longer way.
 */
async function winnerReads(actor: MpActor, input: { scheduleId: number; patientId: number }) {
  const row = await Schedule.findByPk(input.scheduleId, {
    attributes: {
      include: [
        ...NAME_COLUMNS,
        ...memberColumns(actor.userId, input.patientId),
        [noShowsOf(actor.userId), 'noShows'],
        [activeBookingsOf(actor.userId), 'activeBookings'],
      ],
    },
  });
  if (!row) {
    const [s] = await inOrder([
      sessionWithNames(input.scheduleId),
      ownPatient(actor, input.patientId),
      checkPatientRules(actor),
    ]);
    return s;
  }
  const memberId = row.get('memberId') as number | null;
  if (memberId == null) throw notFound('就诊人不存在');
  if (Number(row.get('noShows')) >= cfg().NO_SHOW_LIMIT) await assertNotSuspended(actor.userId);
  underLimit(Number(row.get('activeBookings')));
  return named(row)!;
}

/** What a seat taken before the booking's transaction was taken on: the session as the request read it. */
const reservedOn = (s: Schedule) => ({
  id: s.id,
  status: 'open' as const,
  slotCount: s.slotCount,
  startTime: s.startTime,
  endTime: s.endTime,
  doctorId: s.doctorId,
  feeFen: s.feeFen,
});

/** Embedded mode: takes a seat of the session as read (open, same size, times, doctor and fee, not full) in `t`. */
async function reserveSeat(s: Schedule, t: Transaction) {
  const [taken] = await Schedule.update(
    { bookedCount: literal('booked_count + 1') },
    { where: { ...reservedOn(s), bookedCount: { [Op.lt]: col('slot_count') } }, transaction: t },
  );
  return taken > 0;
}

/** After a reserved seat was given back: the listings and the waitlist follow. */
async function seatGivenBack(s: Schedule) {
  // a listing read while the seat was out shows one seat fewer until it is reloaded
  await listingsChanged(s);
  // and someone may have joined the waitlist while it looked full: the seat is theirs first
  if (await WaitlistEntry.count({ where: { scheduleId: s.id, status: 'waiting' } }))
    await offerFreedSlots(s.id).catch((err) =>
      infra().log.error({ err, scheduleId: s.id }, 'waitlist offer after a seat given back failed'),
    );
}

/** Stands for the family member's name in a booking's notice until the statement that reads the name writes it. */
const PATIENT_NAME = '\u0000patient\u0000';
/** A subquery built as a Sequelize literal, as the SQL text of a compound statement's expression. */
const sqlOf = (l: ReturnType<typeof literal>) => (l as unknown as { val: string }).val;

/** What the one-statement booking answers (its last SELECT). */
interface StatementOutcome {
  outcome: 'booked' | 'no_seat' | 'limit' | 'no_member' | 'no_shows' | 'changed' | 'error';
  appointmentId?: number;
  noticeId?: number;
  /** The family member's name as read under the account's lock. */
  name?: string;
  /** A seat was taken (and, on a refusal, given back inside the statement). */
  seated?: number;
  errno?: number;
  message?: string;
}

/**
 * MariaDB: `takeNumberInDatabase`'s checks, seat, transaction and notice sent as one compound statement (`BEGIN NOT
 * ATOMIC … END`), one round trip where they were eleven (each a turn of an event loop busy with a rush's refusals):
 *
 * 0. the account's checks as `winnerReads` makes them elsewhere, before any seat: the member is the account's own
 *    ('no_member'), its no-shows are too few to suspend ('no_shows': the whole rule, `assertNotSuspended`, decides
 *    here and the statement is sent again without that check), its live bookings under the limit ('limit');
 * 1. the seat: an autocommit conditional update of the session's booked count (session open, unchanged, not full);
 * 2. a READ COMMITTED transaction: the account's row lock (`lockOwnerSql`), the account's live bookings and the
 *    member (limit first, then the member, as `lockAccountFor` answers), the insert (the unique indexes refuse a
 *    number or a person already held), its notice, and the session still as the seat was taken on, then COMMIT;
 * 3. any refusal or error after the seat rolls the transaction back and gives the seat back (`booked_count - 1`,
 *    never below 0: a 停诊 meanwhile set it to 0) inside the statement; what follows a seat given back (listings,
 *    waitlist: `seatGivenBack`) is done here after.
 *
 * Why the plain read of step 2 (the latest committed row, no lock, no wait: no winner queues for the row again) is
 * enough against what changes a session under its row lock and then looks at its bookings — 停诊 (stops it and every
 * live booking), 替诊 (moves them to another doctor) and a smaller size (must not drop a held number): each reads the
 * session's appointments with a locking read in REPEATABLE READ (`lockSessionAppointments`), which locks them and
 * the gaps between them. So either this booking's insert came first — the locking read waits for this transaction
 * to end and then sees the booking, and the 停诊/替诊/resize handles it like any other — or the locking read came
 * first, and then this insert waits for that change to commit (the gap is locked), after which the read sees the
 * session changed and the booking is rolled back (seat given back, 'disagrees'). No order leaves a live booking
 * that the change missed.
 *
 * A connection lost in the middle leaves at worst the seat counted without its booking — it only refuses — which
 * `recountSeats` corrects.
 */
async function bookInOneStatement(
  actor: MpActor,
  s: NamedSession,
  patientId: number,
  seq: number,
  noShowsChecked = false,
): Promise<Booked | 'disagrees'> {
  const now = new Date();
  // the member's ID blind index and name are the statement's own reads (member_person, member_name)
  const member: Member = { id: patientId, name: PATIENT_NAME, idCardHash: '' };
  const holdMinutes = cfg().BOOKING_HOLD_MINUTES;
  const made = newAppointment(s, member, seq, { userId: actor.userId, holdMinutes, fromWaitlist: false });
  if (made.holdExpiresAt) made.holdExpiresAt = new Date(now.getTime() + holdMinutes * 60_000);
  const values = { ...made, createdAt: now, updatedAt: now };
  // the booking as the statement inserts it (its id once known): plain fields, no model instance to build
  const appt: AppointmentRow = { ...values, id: 0, paidOrderId: null, cancelReason: null, checkedInAt: null };
  const names = { patient: PATIENT_NAME, doctor: s.doctorName, dept: s.deptName };
  // linked to the appointment the statement inserts (its id is SQL there), named with the member it reads
  const notice = bookedMessage(appt, names, 'inserted');
  const session = sessionStatements(s);
  const appointmentInsert = insertSql(Appointment, {
    ...values,
    activePerson: literal('member_person'),
    // its times are the statement's own now_at (the instant `now`), not each a date for Sequelize to format
    createdAt: literal('now_at'),
    updatedAt: literal('now_at'),
    holdExpiresAt: values.holdExpiresAt && literal(`now_at + INTERVAL ${Number(holdMinutes)} MINUTE`),
  });
  // read before the seat and again under the account's lock: built once
  const readMember = memberSql(actor.userId, patientId, ['member_name', 'member_person']);
  const liveBookings = sqlOf(activeBookingsOf(actor.userId));
  const giveBack = `IF seated THEN ${session.giveBack}; END IF`;
  const refuse = (outcome: StatementOutcome['outcome']) =>
    `ROLLBACK; ${giveBack}; SELECT '${outcome}' AS outcome, seated;`;
  const sql = `BEGIN NOT ATOMIC
  DECLARE seated INT DEFAULT 0;
  DECLARE owner_id INT DEFAULT NULL;
  DECLARE member_name VARCHAR(64) DEFAULT NULL;
  DECLARE member_person VARCHAR(64) DEFAULT NULL;
  DECLARE live INT DEFAULT 0;
  DECLARE no_shows INT DEFAULT 0;
  DECLARE appointment_id INT DEFAULT NULL;
  DECLARE now_at VARCHAR(32) DEFAULT ${infra().sequelize.escape(now)};
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN
    GET DIAGNOSTICS CONDITION 1 @yiyun_errno = MYSQL_ERRNO, @yiyun_message = MESSAGE_TEXT;
    ROLLBACK;
    ${giveBack};
    SELECT 'error' AS outcome, @yiyun_errno AS errno, @yiyun_message AS message, seated;
  END;
  ${readMember};
  SET no_shows = ${noShowsChecked ? 0 : sqlOf(noShowsOf(actor.userId))};
  SET live = ${liveBookings};
  IF member_person IS NULL THEN
    SELECT 'no_member' AS outcome, seated;
  ELSEIF no_shows >= ${Number(cfg().NO_SHOW_LIMIT)} THEN
    SELECT 'no_shows' AS outcome, seated;
  ELSEIF live >= ${Number(cfg().BOOKING_MAX_ACTIVE)} THEN
    SELECT 'limit' AS outcome, seated;
  ELSE
  ${session.reserve};
  IF ROW_COUNT() = 0 THEN
    SELECT 'no_seat' AS outcome, seated;
  ELSE
    SET seated = 1;
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;
    ${lockOwnerSql(actor.userId, 'owner_id')};
    SET live = ${liveBookings};
    SET member_person = NULL;
    ${readMember};
    IF live >= ${Number(cfg().BOOKING_MAX_ACTIVE)} THEN ${refuse('limit')}
    ELSEIF member_person IS NULL THEN ${refuse('no_member')}
    ELSE
      ${appointmentInsert};
      SET appointment_id = LAST_INSERT_ID();
      ${noticeInsertSql(actor.userId, notice, literal('appointment_id'), literal('now_at'), { marker: PATIENT_NAME, sql: 'member_name' })};
      IF NOT ${session.unchanged} THEN ${refuse('changed')}
      ELSE
        COMMIT;
        SELECT 'booked' AS outcome, appointment_id AS appointmentId, LAST_INSERT_ID() AS noticeId,
          member_name AS name;
      END IF;
    END IF;
  END IF;
  END IF;
END`;
  const [results] = await infra().sequelize.query(sql, { type: QueryTypes.RAW });
  const answer = outcomeOf(results);
  if (answer.outcome === 'booked') {
    appt.id = Number(answer.appointmentId);
    const patientName = answer.name ?? '';
    const told = bookedMessage(appt, { ...names, patient: patientName }, appt.id);
    deliverRecorded(actor.userId, told, {
      id: Number(answer.noticeId),
      title: told.title.slice(0, 64),
      content: told.content.slice(0, 500),
      linkType: told.link?.type ?? null,
      linkId: String(appt.id),
      readAt: null,
      createdAt: now,
    });
    return { appt, patientName, session: s };
  }
  if (Number(answer.seated)) await seatGivenBack(s);
  switch (answer.outcome) {
    case 'no_shows':
      // as many no-shows as could suspend: the whole rule decides, and the booking goes on if it does not
      await assertNotSuspended(actor.userId);
      return bookInOneStatement(actor, s, patientId, seq, true);
    case 'no_seat':
    case 'changed':
      return 'disagrees';
    case 'limit':
      return underLimit(cfg().BOOKING_MAX_ACTIVE) as never;
    case 'no_member':
      throw notFound('就诊人不存在');
    default:
      if (answer.errno === 1062) {
        if (numberHeld({ message: answer.message } as Error)) return 'disagrees';
        throw conflict('ALREADY_BOOKED', '该就诊人已预约过这个时段');
      }
      // a deadlock victim or a lock wait that timed out: the database chooses, with its own retries
      if (answer.errno === 1213 || answer.errno === 1205) return 'disagrees';
      throw new Error(`the booking statement failed: ${answer.errno} ${answer.message}`);
  }
}

/**
 * The statements of `bookInOneStatement` about the session itself — take a seat, give it back, still as it was —
 * which are the same for every booking of a session as read (`reservedOn`), so each process builds them once per
 * session rather than once per winner of its rush. Their updated_at is the compound statement's `now_at`.
 */
const sessionSql = new Map<string, { reserve: string; giveBack: string; unchanged: string }>();
function sessionStatements(s: Schedule) {
  const key = JSON.stringify(reservedOn(s));
  let made = sessionSql.get(key);
  if (!made) {
    const stamped = (change: string) => ({ bookedCount: literal(change), updatedAt: literal('now_at') });
    made = {
      reserve: updateSql(Schedule, stamped('booked_count + 1'), {
        ...reservedOn(s),
        bookedCount: { [Op.lt]: col('slot_count') },
      }),
      giveBack: updateSql(Schedule, stamped('booked_count - 1'), { id: s.id, bookedCount: { [Op.gt]: 0 } }),
      unchanged: existsSql(Schedule, reservedOn(s)),
    };
    if (sessionSql.size >= 1000) sessionSql.clear(); // a morning's sessions are far fewer
    sessionSql.set(key, made);
  }
  return made;
}

/** The compound statement's answer: the one row of the result set it selected. */
function outcomeOf(results: unknown): StatementOutcome {
  const sets = Array.isArray(results) ? results : [results];
  for (const set of sets) {
    const row = Array.isArray(set) ? set[0] : undefined;
    if (row && typeof row === 'object' && 'outcome' in row) return row as StatementOutcome;
  }
  throw new Error('the booking statement gave no answer');
}

/**
 * Every appointment of a session (live or not), read with a locking read: the caller's transaction must hold the
 * session's row lock and run in REPEATABLE READ (`tx(…, { repeatableRead: true })`), so the index range of the
 * session is locked with its gaps — a booking inserted by a transaction still running is waited for and seen, and
 * one not yet inserted waits until the caller commits (see `bookInOneStatement`).
 */
export function lockSessionAppointments(scheduleId: number, t: Transaction) {
  return Appointment.findAll({ where: { scheduleId }, transaction: t, lock: t.LOCK.UPDATE });
}

const FULL_AFTER_EARLIER = new Error('full, and an earlier tap of this account is still being answered');

/** The booking decided by the database: the schedule's row lock, then the account's, then the lowest free number. */
async function takeSlotInDatabase(
  actor: MpActor,
  input: { scheduleId: number; patientId: number },
  band?: BookingBand,
): Promise<Booked> {
  const member = await ownPatient(actor, input.patientId);
  const fast = await sessionWithNames(input.scheduleId);
  assertBookable(fast);
  // A second tap finding the session full may be finding the seat its first tap took and is still inserting (the
  // seat is counted before the booking is written): it waits for the first's answer — outside any transaction —
  // and is told "already booked" if that holds the seat. (A first tap answered by another process is not waited
  // for: then "full", a refusal all the same.)
  const full = async () => {
    const earlier = [...(admittedUnderWay.get(underWayKey(input.scheduleId, actor.userId)) ?? [])];
    if (earlier.length) {
      await Promise.allSettled(earlier);
      if (await Appointment.count({ where: { scheduleId: fast.id, activePerson: member.idCardHash } }))
        return conflict('ALREADY_BOOKED', '该就诊人已预约过这个时段');
    }
    return conflict('SLOT_FULL', '该号源已约满', { waitlist: true });
  };
  if (fast.bookedCount >= fast.slotCount) throw await full();
  await checkPatientRules(actor);
  try {
    return await tx(
      async (t) => {
        const s = await Schedule.findByPk(input.scheduleId, { transaction: t, lock: t.LOCK.UPDATE });
        assertBookable(s);
        // Those who queued for the lock while the last slots went are sent away after one indexed look-up.
        if (s.bookedCount >= s.slotCount) {
          if (await Appointment.count({ where: { scheduleId: s.id, activePerson: member.idCardHash }, transaction: t }))
            throw conflict('ALREADY_BOOKED', '该就诊人已预约过这个时段');
          if (admittedUnderWay.has(underWayKey(s.id, actor.userId))) throw FULL_AFTER_EARLIER;
          throw conflict('SLOT_FULL', '该号源已约满', { waitlist: true });
        }
        const patient = await lockAccountFor(actor, input.patientId, t);
        const appt = await holdLowestSlot(
          s,
          patient,
          { userId: actor.userId, holdMinutes: cfg().BOOKING_HOLD_MINUTES, fromWaitlist: false },
          t,
          band,
        );
        await noticeOfBooking(appt, patient.name, fast, t);
        // the session as locked, with the names read before (a session's doctor and department don't change)
        return {
          appt,
          patientName: patient.name,
          session: Object.assign(s, {
            doctorName: fast.doctorName,
            doctorTitle: fast.doctorTitle,
            deptName: fast.deptName,
          }),
        };
      },
      { readCommitted: true },
    );
  } catch (err) {
    if (err === FULL_AFTER_EARLIER) throw await full();
    if (uniqueViolation(err)) throw conflict('ALREADY_BOOKED', '该就诊人已预约过这个时段');
    throw err;
  }
}

/** Pay parameters for a pending appointment: under the appointment lock, so a cancel or expiry can't interleave. */
export async function payAppointment(actor: MpActor, id: number) {
  const owned = await Appointment.findOne({ where: { id, userId: actor.userId } });
  if (!owned) throw notFound('预约不存在');
  return withAppointmentLock(id, async () => {
    const a = (await Appointment.findByPk(id))!;
    if (a.status !== 'pending_payment')
      throw conflict('NOT_PAYABLE', a.status === 'booked' ? '该预约已支付' : '该预约已失效，不能支付');
    if (a.holdExpiresAt && a.holdExpiresAt.getTime() <= Date.now())
      throw conflict('HOLD_EXPIRED', '支付时间已过，号源已释放');
    return { payment: await ensurePayment(a) };
  });
}

export async function listMyAppointments(
  actor: MpActor,
  q: { page: number; pageSize: number; status?: 'upcoming' | 'pending' | 'done' | 'cancelled' },
) {
  const groups: Record<string, AppointmentStatus[]> = {
    upcoming: ['booked'],
    pending: ['pending_payment'],
    done: ['visited', 'no_show'],
    cancelled: ['cancelled', 'expired', 'stopped'],
  };
  const where = { userId: actor.userId, ...(q.status ? { status: groups[q.status] } : {}) };
  // visits still ahead: the soonest first (today above tomorrow), a past day never marked visited after them;
  // the rest: the latest first
  const ahead = q.status === 'upcoming' || q.status === 'pending';
  const past = literal(`CASE WHEN clinic_date < ${Appointment.sequelize!.escape(shanghaiDate())} THEN 1 ELSE 0 END`);
  const { rows, count } = await Appointment.findAndCountAll({
    where,
    order: ahead
      ? [
          [past, 'ASC'],
          ['clinicDate', 'ASC'],
          ['windowStart', 'ASC'],
          ['id', 'ASC'],
        ]
      : [
          ['clinicDate', 'DESC'],
          ['id', 'DESC'],
        ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
    raw: true,
  });
  return { items: await appointmentViews(plainAppointments(rows)), total: count, page: q.page, pageSize: q.pageSize };
}

export async function getMyAppointment(actor: MpActor, id: number) {
  const a = await Appointment.findOne({ where: { id, userId: actor.userId } });
  if (!a) throw notFound('预约不存在');
  return (await appointmentViews([a]))[0];
}

/** Frees the slot of a holding appointment (inside the caller's transaction). */
/**
 * Frees the slot of a holding appointment in its own transaction. The schedule row is locked first — the order
 * takeSlot and stopSchedule use, so the two can't deadlock — and the appointment changes only while it still holds
 * a slot: a 停诊 that committed since the caller read it wins, and the booked count is never decremented twice.
 * Returns whether this call released the slot.
 */
export async function releaseSlot(a: Appointment, status: AppointmentStatus, reason: string | null): Promise<boolean> {
  const released = await tx(
    async (t) => {
      await Schedule.findByPk(a.scheduleId, { transaction: t, lock: t.LOCK.UPDATE, attributes: ['id'] });
      const [n] = await Appointment.update(
        { status, activeSeq: null, activePerson: null, cancelledAt: new Date(), cancelReason: reason },
        { where: { id: a.id, status: HOLDING }, transaction: t },
      );
      if (n) await Schedule.decrement('bookedCount', { by: 1, where: { id: a.scheduleId }, transaction: t });
      return n > 0;
    },
    { readCommitted: true },
  );
  // The seat goes back to the admission counter (and the listings) once the database has it back.
  if (released)
    await scheduleChanged(
      { id: a.scheduleId, doctorId: a.doctorId, deptId: a.deptId },
      { freed: { n: a.seqNo, clinicDate: a.clinicDate, windowStart: a.windowStart } },
    );
  return released;
}

export async function cancelMyAppointment(actor: MpActor, id: number) {
  const owned = await Appointment.findOne({ where: { id, userId: actor.userId } });
  if (!owned) throw notFound('预约不存在');
  await withAppointmentLock(id, async () => {
    const a = (await Appointment.findByPk(id))!;
    if (!HOLDING.includes(a.status)) throw conflict('NOT_CANCELLABLE', `该预约${STATUS_LABEL[a.status]}，不能取消`);
    const s = await Schedule.findByPk(a.scheduleId);
    if (cancelDeadline(a, { startTime: s?.startTime ?? a.windowStart }).getTime() <= Date.now())
      throw conflict('CANCEL_TOO_LATE', '已过取消截止时间，不能取消');
    // Orders still open are closed first; one paid in the meantime wins, and is refunded below with the rest.
    await closeForAppointment(a);
    await a.reload();
    if (!(await releaseSlot(a, 'cancelled', '患者取消'))) {
      await a.reload(); // stopped meanwhile: the 停诊 refunds and tells the patient
      throw conflict('NOT_CANCELLABLE', `该预约${STATUS_LABEL[a.status]}，不能取消`);
    }
  });
  const a = (await Appointment.findByPk(id))!;
  // Everything paid for it comes back, duplicates included (each order under its own refund number).
  const { refunds } = await refundForAppointment(a, '患者取消预约');
  await notifyCancelled(
    a,
    !refunds.length ? 'none' : refunds.every((r) => r.status === 'success') ? 'done' : 'processing',
  );
  await offerFreedSlots(a.scheduleId);
  return (await appointmentViews([a]))[0];
}

export type PaymentOutcome = 'booked' | 'duplicate' | 'refund';

/** The pay-order subject type of an appointment: payment speaks subjects, booking owns what a payment means here. */
export const APPOINTMENT = 'appointment';
const subjectOf = (a: Appointment): payment.PaySubject => ({ type: APPOINTMENT, id: a.id });

/** Pay parameters for a pending appointment; the caller holds the appointment lock. */
async function ensurePayment(a: Appointment) {
  const dept = await Dept.findByPk(a.deptId, { attributes: ['name'] });
  return payment.ensurePayment({
    subject: subjectOf(a),
    no: a.no,
    userId: a.userId,
    amountFen: a.feeFen,
    description: `医云挂号-${dept?.name ?? '门诊'}-${a.clinicDate}`,
    timeExpire: a.holdExpiresAt ?? new Date(Date.now() + 15 * 60_000),
    assertPayable: async () => {
      await a.reload();
      if (a.status !== 'pending_payment')
        throw conflict('NOT_PAYABLE', a.status === 'booked' ? '该预约已支付' : '该预约已失效，不能支付');
    },
    applyFound: (order, paidAt) => applyFoundPayment(a, order, paidAt),
  });
}

/**
 * A payment found while closing an appointment's open orders: the payment wins (a pending appointment becomes
 * booked on it); a second paid order is a duplicate and is refunded. A payment found for an appointment that no
 * longer holds a seat is left to the caller, who refunds what was paid. The caller holds the appointment lock.
 */
async function applyFoundPayment(a: Appointment, order: PayOrder, paidAt: Date) {
  if ((await applyPayment(a, order.id, paidAt)) === 'duplicate') await refundDuplicate(a, order);
  await a.reload();
}

/** Closes an appointment's open orders at WeChat Pay (see applyFoundPayment); under the appointment lock. */
const closeForAppointment = (a: Appointment) =>
  payment.closeForSubject(subjectOf(a), (order, paidAt) => applyFoundPayment(a, order, paidAt));

/** Full refund of everything paid for an appointment (duplicates included); repeat calls are no-ops. */
const refundForAppointment = (a: Appointment, reason: string) => payment.refundForSubject(subjectOf(a), reason);

/** A second payment for an appointment that already stands on another one: refunded in full, and the patient told. */
async function refundDuplicate(a: Appointment, order: PayOrder) {
  const { created } = await payment.refundOrder(order, '重复支付，全额退款');
  if (created) {
    infra().log.warn({ appointment: a.id, outTradeNo: order.outTradeNo }, 'duplicate payment refunded');
    await notify(
      a.userId,
      '重复支付退款',
      `您为 ${chinaDay(a.clinicDate)} ${PERIOD_LABEL[a.period]}的预约重复支付了 ${(order.amountFen / 100).toFixed(2)} 元，多付的款项将原路退回。`,
    );
  }
}

/**
 * Paid appointment orders the appointment doesn't stand on (the process stopped between the two steps, a
 * duplicate payment not yet refunded, a cancelled booking whose refund never started), for reconciliation.
 */
async function unappliedPaidOrders(limit: number) {
  const rows = await infra().sequelize.query<{ id: number }>(
    `SELECT o.id FROM pay_order o JOIN appointment a ON a.id = o.subject_id
     WHERE o.subject_type = :type AND o.status = 'paid'
       AND (a.paid_order_id IS NULL OR a.paid_order_id <> o.id OR a.status NOT IN ('booked', 'visited', 'no_show'))
     ORDER BY o.id LIMIT :limit`,
    { type: QueryTypes.SELECT, replacements: { type: APPOINTMENT, limit } },
  );
  return rows.map((r) => r.id);
}

/** Tells payment what a paid appointment order does; called once at start from booking's manifest. */
export function registerAppointmentPayments() {
  payment.registerPaySubject(APPOINTMENT, {
    onOrderPaid: onPaid,
    onOrderRefunded: notifyRefunded,
    onRefundFailed: notifyRefundFailed,
    unappliedPaidOrders,
  });
}

/**
 * Applies one paid order to its appointment; the caller holds the appointment lock. The first payment the
 * appointment takes is the one it stands on (paidOrderId): any other paid order is a duplicate, to be refunded
 * in full. A payment that arrives after the hold ran out still wins if a slot is free; otherwise — and for a
 * cancelled or stopped appointment — what was paid is to be refunded.
 */
export async function applyPayment(a: Appointment, orderId: number, paidAt: Date): Promise<PaymentOutcome> {
  if (a.paidOrderId != null && a.paidOrderId !== orderId) return 'duplicate';
  if (a.status === 'booked' || a.status === 'visited' || a.status === 'no_show') {
    if (a.paidOrderId == null) await a.update({ paidOrderId: orderId });
    return 'booked';
  }
  if (a.status === 'pending_payment') {
    await a.update({ status: 'booked', paidAt, paidOrderId: orderId, holdExpiresAt: null });
    await notifyPaid(a);
    return 'booked';
  }
  if (a.status !== 'expired') return 'refund';
  try {
    const again = await tx(
      async (t) => {
        const s = await Schedule.findByPk(a.scheduleId, { transaction: t, lock: t.LOCK.UPDATE });
        await lockOwner(a.userId, t);
        const patient = await Patient.findByPk(a.patientId, { transaction: t });
        if (!patient || !s || s.status !== 'open' || s.bookedCount >= s.slotCount) return false;
        // The paid appointment keeps its number and order; it just gets a slot again.
        const { seq, window: w } = await lowestFreeSeq(s, patient.idCardHash, t);
        await a.update(
          {
            status: 'booked',
            paidAt,
            paidOrderId: orderId,
            holdExpiresAt: null,
            seqNo: seq,
            activeSeq: seq,
            activePerson: patient.idCardHash,
            windowStart: w.start,
            windowEnd: w.end,
            cancelledAt: null,
            cancelReason: null,
          },
          { transaction: t },
        );
        await s.increment('bookedCount', { by: 1, transaction: t });
        return true;
      },
      { readCommitted: true },
    );
    if (again) {
      await scheduleChanged({ id: a.scheduleId, doctorId: a.doctorId, deptId: a.deptId }, { taken: a.seqNo });
      await notify(
        a.userId,
        '预约成功',
        `支付已到账，已为您保留 ${chinaDay(a.clinicDate)} ${PERIOD_LABEL[a.period]} 的号源。`,
        undefined,
        a.id,
      );
      return 'booked';
    }
  } catch (err) {
    if (!(err instanceof AppError) && !uniqueViolation(err)) throw err;
    await a.reload();
  }
  return 'refund';
}

/** A payment confirmed by WeChat Pay (notification or reconciliation): applied under the appointment lock, then refunds. */
export async function onPaid(order: PayOrder, paidAt: Date): Promise<PaymentOutcome> {
  const outcome = await withAppointmentLock(order.subjectId, async () =>
    applyPayment((await Appointment.findByPk(order.subjectId))!, order.id, paidAt),
  );
  const a = (await Appointment.findByPk(order.subjectId))!;
  if (outcome === 'duplicate') await refundDuplicate(a, order);
  if (outcome === 'refund') {
    const { created } = await refundForAppointment(a, '号源已释放，费用原路退回');
    if (created)
      await notify(
        a.userId,
        '费用退回',
        `您的预约已${STATUS_LABEL[a.status]}，支付的 ${(a.feeFen / 100).toFixed(2)} 元将原路退回。`,
        undefined,
        a.id,
      );
  }
  return outcome;
}

/** Job: holds not paid in time are closed at WeChat Pay and their slots freed — unless WeChat says they were paid. */
export async function expireHolds(limit = 200) {
  const due = await Appointment.findAll({
    where: { status: 'pending_payment', holdExpiresAt: { [Op.lte]: new Date() } },
    order: [['holdExpiresAt', 'ASC']],
    limit,
  });
  let expired = 0;
  const schedules = new Set<number>();
  for (const d of due) {
    await withAppointmentLock(d.id, async () => {
      const a = (await Appointment.findByPk(d.id))!;
      if (a.status !== 'pending_payment') return;
      // A payment WeChat took after all wins: the appointment is booked and stays.
      await closeForAppointment(a);
      await a.reload();
      if (a.status !== 'pending_payment') return;
      if (!(await releaseSlot(a, 'expired', '超时未支付'))) return;
      await notify(
        a.userId,
        '预约已过期',
        `${chinaDay(a.clinicDate)} ${PERIOD_LABEL[a.period]}的预约未在规定时间内支付，号源已释放。`,
        undefined,
        a.id,
      );
      expired++;
      schedules.add(a.scheduleId);
    }).catch((err) => infra().log.error({ err, appointment: d.id }, 'hold expiry failed'));
  }
  for (const id of schedules) await offerFreedSlots(id);
  return { expired };
}

// ----- waitlist (候补) -----

export async function joinWaitlist(actor: MpActor, input: { scheduleId: number; patientId: number }) {
  await ownPatient(actor, input.patientId);
  const s = await Schedule.findByPk(input.scheduleId);
  assertBookable(s);
  if (s.bookedCount < s.slotCount) throw conflict('SLOT_AVAILABLE', '还有号源，可以直接预约');
  await checkPatientRules(actor);
  try {
    const e = await tx(
      async (t) => {
        const patient = await lockAccountFor(actor, input.patientId, t);
        if (
          await Appointment.findOne({ where: { scheduleId: s.id, activePerson: patient.idCardHash }, transaction: t })
        )
          throw conflict('ALREADY_BOOKED', '该就诊人已预约过这个时段');
        return WaitlistEntry.create(
          {
            scheduleId: s.id,
            userId: actor.userId,
            patientId: patient.id,
            activePerson: patient.idCardHash,
            status: 'waiting',
          },
          { transaction: t },
        );
      },
      { readCommitted: true },
    );
    return waitlistView(e);
  } catch (err) {
    if (uniqueViolation(err)) throw conflict('ALREADY_WAITING', '该就诊人已在候补队列中');
    throw err;
  }
}

async function waitlistView(e: WaitlistEntry) {
  const ahead =
    e.status === 'waiting'
      ? await WaitlistEntry.count({ where: { scheduleId: e.scheduleId, status: 'waiting', id: { [Op.lt]: e.id } } })
      : 0;
  const [s, patient] = await Promise.all([
    Schedule.findByPk(e.scheduleId),
    Patient.findByPk(e.patientId, { attributes: ['name'], paranoid: false }),
  ]);
  const [doctor, dept] = await Promise.all([
    User.findByPk(s!.doctorId, { attributes: ['name'] }),
    Dept.findByPk(s!.deptId, { attributes: ['name'] }),
  ]);
  return {
    id: e.id,
    scheduleId: e.scheduleId,
    patientId: e.patientId,
    patientName: patient?.name ?? '',
    doctorName: doctor?.name ?? '',
    deptName: dept?.name ?? '',
    clinicDate: s!.clinicDate,
    period: s!.period,
    periodLabel: PERIOD_LABEL[s!.period],
    status: e.status,
    position: e.status === 'waiting' ? ahead + 1 : null,
    appointmentId: e.appointmentId ?? null,
    createdAt: e.createdAt,
  };
}

export async function myWaitlist(actor: MpActor) {
  const rows = await WaitlistEntry.findAll({ where: { userId: actor.userId }, order: [['id', 'DESC']], limit: 50 });
  return Promise.all(rows.map(waitlistView));
}

export async function leaveWaitlist(actor: MpActor, id: number) {
  const [n] = await WaitlistEntry.update(
    { status: 'cancelled', activePerson: null },
    { where: { id, userId: actor.userId, status: 'waiting' } },
  );
  if (!n) throw notFound('候补记录不存在或已处理');
}

/** A slot came free: the first in the waitlist gets it as an unpaid hold and is asked to pay. */
export async function offerFreedSlots(scheduleId: number) {
  for (;;) {
    const offered = await tx(
      async (t) => {
        const s = await Schedule.findByPk(scheduleId, { transaction: t, lock: t.LOCK.UPDATE });
        if (!s || s.status !== 'open' || s.bookedCount >= s.slotCount || firstNumberAhead(s) > s.slotCount) return null;
        const entry = await WaitlistEntry.findOne({
          where: { scheduleId, status: 'waiting' },
          order: [['id', 'ASC']],
          transaction: t,
          lock: t.LOCK.UPDATE,
        });
        if (!entry) return null;
        // A member deleted meanwhile, or a person who holds a seat here already (from another account), is passed over.
        const patient = await Patient.findByPk(entry.patientId, { transaction: t });
        if (
          !patient ||
          (await Appointment.findOne({ where: { scheduleId, activePerson: patient.idCardHash }, transaction: t }))
        ) {
          await entry.update({ status: 'closed', activePerson: null }, { transaction: t });
          return { entry, appointment: null };
        }
        // a number freed in a session under way may lie behind the clock: no offer then (nothing was written yet)
        const a = await holdLowestSlot(
          s,
          patient,
          { userId: entry.userId, holdMinutes: cfg().WAITLIST_OFFER_MINUTES, fromWaitlist: true },
          t,
        ).catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'SLOT_FULL') return null;
          throw err;
        });
        if (!a) return null;
        await entry.update(
          { status: 'offered', activePerson: null, appointmentId: a.id, offeredAt: new Date() },
          { transaction: t },
        );
        await notify(
          entry.userId,
          '候补成功',
          `${chinaDay(s.clinicDate)} ${PERIOD_LABEL[s.period]}的号源已为${patient.name}保留，请在 ${cfg().WAITLIST_OFFER_MINUTES} 分钟内完成支付。`,
          t,
          a.id,
          { pay: true },
        );
        return { entry, appointment: a };
      },
      { readCommitted: true },
    );
    if (!offered) return;
    const a = offered.appointment;
    if (a) await scheduleChanged({ id: a.scheduleId, doctorId: a.doctorId, deptId: a.deptId }, { taken: a.seqNo });
  }
}

// ----- console -----

/** The numbers live bookings hold on a schedule; scheduling rebuilds the admission pool from them. */
export async function heldNumbers(scheduleId: number) {
  return (await heldNumbersOf([scheduleId])).get(scheduleId) ?? [];
}

/** The same for several schedules, in one query (the doctor's listing counts each session's bands from them). */
export async function heldNumbersOf(scheduleIds: number[]) {
  const held = new Map<number, number[]>();
  if (!scheduleIds.length) return held;
  const rows = await Appointment.findAll({
    where: { scheduleId: scheduleIds, activeSeq: { [Op.ne]: null } },
    attributes: ['scheduleId', 'activeSeq'],
    raw: true,
  });
  for (const r of rows) {
    const list = held.get(r.scheduleId);
    if (list) list.push(r.activeSeq!);
    else held.set(r.scheduleId, [r.activeSeq!]);
  }
  return held;
}

/** The highest slot number a live booking holds on a schedule (0 for none); scheduling asks before shrinking it. */
export async function highestHeldSeat(scheduleId: number, t: Transaction) {
  // a locking read: a booking whose seat was taken and whose insert is still running is waited for and counted
  const live = (await lockSessionAppointments(scheduleId, t)).filter((a) => HOLDING.includes(a.status));
  return Math.max(0, ...live.map((a) => a.seqNo));
}

export async function stopSchedule(actor: AdminActor, id: number, reason: string) {
  await scopedSchedule(actor, id);
  const affected = await tx(
    async (t) => {
      const s = (await Schedule.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE }))!;
      if (s.status === 'stopped') throw conflict('SCHEDULE_STOPPED', '该排班已停诊');
      // locking read: a booking inserted after its seat was taken, not yet committed, is stopped too (bookInOneStatement)
      const holding = (await lockSessionAppointments(id, t)).filter((a) => HOLDING.includes(a.status));
      for (const a of holding)
        await a.update(
          {
            status: 'stopped',
            activeSeq: null,
            activePerson: null,
            cancelledAt: new Date(),
            cancelReason: `停诊：${reason}`,
          },
          { transaction: t },
        );
      await WaitlistEntry.update(
        { status: 'closed', activePerson: null },
        { where: { scheduleId: id, status: 'waiting' }, transaction: t },
      );
      await s.update({ status: 'stopped', stopReason: reason, bookedCount: 0 }, { transaction: t });
      return { ids: holding.map((a) => a.id), schedule: s };
    },
    { repeatableRead: true },
  );
  await scheduleChanged(affected.schedule, 'recount');
  let refunded = 0;
  for (const appointmentId of affected.ids) {
    await withAppointmentLock(appointmentId, async () => {
      const a = (await Appointment.findByPk(appointmentId))!;
      await closeForAppointment(a);
      const paid = (await refundForAppointment(a, '医生停诊')).refunds.length > 0;
      if (paid) refunded++;
      await notify(
        a.userId,
        '医生停诊通知',
        `很抱歉，您预约的 ${chinaDay(a.clinicDate)} ${PERIOD_LABEL[a.period]}门诊因“${reason}”停诊${paid ? '，挂号费将原路退回' : ''}。`,
        undefined,
        a.id,
      );
    }).catch((err) => infra().log.error({ err, appointmentId }, 'stop-schedule follow-up failed'));
  }
  return { cancelled: affected.ids.length, refunded };
}

export function appointmentScopeWhere(actor: AdminActor): WhereOptions {
  return dataScopeWhere(actor, { dept: 'deptId', user: 'doctorId' });
}

export async function markVisit(actor: AdminActor, id: number, status: 'visited' | 'no_show') {
  const a = await Appointment.findOne({ where: { [Op.and]: [{ id }, appointmentScopeWhere(actor)] } });
  if (!a) throw notFound('预约不存在');
  if (a.status !== 'booked' && !(a.status === 'visited' || a.status === 'no_show'))
    throw conflict('NOT_MARKABLE', `该预约${STATUS_LABEL[a.status]}，不能标记就诊`);
  if (a.clinicDate > shanghaiDate()) throw conflict('NOT_MARKABLE', '还未到就诊日期');
  await a.update({ status, visitedAt: status === 'visited' ? new Date() : null });
  return (await appointmentViews([a]))[0];
}
