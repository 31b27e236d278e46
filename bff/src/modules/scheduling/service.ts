import { Op, type ModelStatic, type Transaction, type WhereOptions } from 'sequelize';
import { infra, tx } from '../../infra';
import type { Admit, AdmissionEnd, Ticket } from '../../infra/admission';
import type { Cache } from '../../infra/cache';
import type { AdminActor } from '../../http/actor';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { Serialized } from '../../http/route';
import { dataScopeWhere, inScope, subtreeIds } from '../system/authz';
import { Dept, DoctorProfile, Post, User, UserRole, Role } from '../system/models';
import { Schedule, type Period } from './models';
import { PERIOD_LABEL } from '../../shared/clinic';
import {
  addDays,
  firstNumberAhead,
  minutes,
  sessionBands,
  shanghaiDate,
  shanghaiInstant,
  slotWindow,
} from '../../shared/time';
import type { ScheduleView } from './schemas';
import { ClinicLevel, levelFeeOf } from './levels';

/**
 * Until when a booking of this session may be cancelled with a full refund (BOOKING_CANCEL_CUTOFF_MINUTES before
 * it starts). Booking enforces it; the mini-program states it before the patient pays.
 */
export function cancelDeadlineOf(s: { clinicDate: string; startTime: string }): Date {
  return new Date(
    shanghaiInstant(s.clinicDate, s.startTime).getTime() - infra().config.BOOKING_CANCEL_CUTOFF_MINUTES * 60_000,
  );
}

/** What counting a session's numbers left needs of it. */
type SessionCounts = Pick<Schedule, 'status' | 'slotCount' | 'bookedCount' | 'clinicDate' | 'startTime' | 'endTime'>;

/**
 * Numbers a patient can still take: free ones whose window is still ahead, counted as if the taken ones were the
 * lowest (as booking without a time band hands them out). A booking in a later band takes a higher one, so this is
 * an upper bound; the doctor's listing counts exactly from the numbers held (`withBands`).
 */
export function numbersLeft(s: SessionCounts, now: number): number {
  if (s.status !== 'open') return 0;
  return Math.max(0, Math.min(s.slotCount - s.bookedCount, s.slotCount - firstNumberAhead(s, now) + 1));
}

/**
 * Numbers a patient can still take, exactly: `numbersLeft` with the numbers live bookings hold (`held`) — in a
 * session under way the taken ones need not be the lowest (a booking in a later band, or made once the first windows
 * had passed), and then `numbersLeft` counts some that are past.
 */
export function freeNumbersAhead(s: SessionCounts, held: readonly number[], now: number): number {
  const free = bandsLeft(s, held, now).reduce((left, b) => left + b.remaining, 0);
  return Math.min(free, numbersLeft(s, now));
}

/**
 * A session's bands, which depend on its hours and size alone: worked out once per shape, not on every read of the
 * listing everyone refreshes at 07:59 (each number's window is formatted to find its band).
 */
const bandShapes = new Map<string, ReturnType<typeof sessionBands>>();
function bandsOf(s: Pick<Schedule, 'startTime' | 'endTime' | 'slotCount'>) {
  const minutes = infra().config.BOOKING_BAND_MINUTES;
  const key = `${s.startTime}|${s.endTime}|${s.slotCount}|${minutes}`;
  let bands = bandShapes.get(key);
  if (!bands) {
    if (bandShapes.size >= 1000) bandShapes.clear(); // a hospital's session shapes are far fewer
    bands = sessionBands(s, minutes);
    bandShapes.set(key, bands);
  }
  return bands;
}

/**
 * A session's time bands (BOOKING_BAND_MINUTES, shared/time.ts `sessionBands`) with what is left of each: its free
 * numbers whose window is still ahead, given the numbers live bookings hold.
 */
function bandsLeft(s: SessionCounts, held: readonly number[], now: number) {
  const taken = new Set(held);
  const ahead = firstNumberAhead(s, now);
  // a session the counts say is full (a seat taken whose booking is still being written) has nothing left anywhere
  const open = numbersLeft(s, now) > 0;
  return bandsOf(s).map((b) => {
    let remaining = 0;
    if (open) for (let n = Math.max(b.from, ahead); n <= b.to; n++) if (!taken.has(n)) remaining++;
    return { start: b.start, end: b.end, remaining };
  });
}

/** A view with its bands, and what is left counted exactly from the numbers held (`held`, dropped from the view). */
function withBands<V extends SessionCounts & { remaining: number }>(v: V & { held: number[] }, now: number) {
  const { held, ...view } = v;
  const bands = bandsLeft(view, held, now);
  return { ...view, bands, remaining: bands.reduce((left, b) => left + b.remaining, 0) };
}

export async function scheduleViews(rows: Schedule[]): Promise<ScheduleView[]> {
  if (!rows.length) return [];
  const [doctors, depts, postRows] = await Promise.all([
    User.findAll({
      where: {
        id: [...new Set(rows.flatMap((r) => (r.substituteFor ? [r.doctorId, r.substituteFor] : [r.doctorId])))],
      },
      attributes: ['id', 'name', 'postId'],
    }),
    Dept.findAll({ where: { id: [...new Set(rows.map((r) => r.deptId))] }, attributes: ['id', 'name'] }),
    Post.findAll({ attributes: ['id', 'name'] }),
  ]);
  const posts = new Map(postRows.map((p) => [p.id, p.name]));
  const doc = new Map(doctors.map((d) => [d.id, d]));
  const dn = new Map(depts.map((d) => [d.id, d.name]));
  const now = Date.now();
  return rows.map((s) => ({
    id: s.id,
    doctorId: s.doctorId,
    doctorName: doc.get(s.doctorId)?.name ?? '',
    doctorTitle: posts.get(doc.get(s.doctorId)?.postId ?? 0) ?? null,
    deptId: s.deptId,
    deptName: dn.get(s.deptId) ?? '',
    clinicDate: s.clinicDate,
    period: s.period,
    periodLabel: PERIOD_LABEL[s.period],
    startTime: s.startTime,
    endTime: s.endTime,
    slotCount: s.slotCount,
    bookedCount: s.bookedCount,
    remaining: numbersLeft(s, now),
    closed: firstNumberAhead(s, now) > s.slotCount,
    cancelDeadline: cancelDeadlineOf(s),
    feeFen: s.feeFen,
    releaseAt: s.releaseAt,
    released: s.releaseAt.getTime() <= now,
    location: s.location,
    status: s.status,
    stopReason: s.stopReason ?? null,
    substituteFor: s.substituteFor ?? null,
    substituteForName: s.substituteFor ? (doc.get(s.substituteFor)?.name ?? '') : null,
    substituteReason: s.substituteReason ?? null,
  }));
}

// ----- what patients read at the same moment: cached (infra/cache.ts), invalidated by every change -----

/** Departments, doctors, titles and grants: everything the listings show besides the sessions themselves. */
const BROWSE = 'browse';
const doctorNs = (doctorId: number) => `sched:doctor:${doctorId}`;
const deptNs = (deptId: number) => `sched:dept:${deptId}`;
const seatKey = (scheduleId: number) => `schedule:${scheduleId}`;

/**
 * The admission pool's order of a session's numbers (infra/admission.ts): by the instant the number's window starts,
 * then by the number, so a pool can hand out "the lowest free number whose window is still ahead" — the same-day rule
 * — without reading the session.
 */
const SCORE_PER_MINUTE = 1000; // > MAX_SLOTS
const minuteScore = (clinicDate: string, time: string) =>
  (shanghaiInstant(clinicDate, time).getTime() / 60_000) * SCORE_PER_MINUTE;
export function seatTicket(s: { clinicDate: string }, n: number, windowStart: string): Ticket {
  return { n, score: minuteScore(s.clinicDate, windowStart) + n };
}
/** The lowest score of a number whose window starts after `now`. */
const aheadOf = (now: number) => (Math.floor(now / 60_000) + 1) * SCORE_PER_MINUTE;

/** A change to a session's seats: a number taken or freed outside admission, or 'recount' (size or status changed). */
export type SeatChange =
  'recount' | { taken: number } | { freed: { n: number; clinicDate: string; windowStart: string } };

/**
 * After a change to a session is committed (a seat taken or given back, an edit, a 停诊, an import): the listings
 * that show it are reloaded in every BFF process, and the admission pool follows (a number out or back in, or
 * rebuilt from the database when the session's size or status changed).
 */
export async function scheduleChanged(s: { id: number; doctorId: number; deptId: number }, seats?: SeatChange) {
  const { admission } = infra();
  if (seats === 'recount') await admission.forget(seatKey(s.id));
  else if (seats && 'taken' in seats) await admission.take(seatKey(s.id), seats.taken);
  else if (seats) await admission.give(seatKey(s.id), seatTicket(seats.freed, seats.freed.n, seats.freed.windowStart));
  if (seats === 'recount' || (seats && 'freed' in seats)) await seatsMayBeFree(s.id);
  await listingsChanged(s);
}

const seatsTag = (scheduleId: number) => `seats:${scheduleId}`;
const fullKey = (scheduleId: number) => `seats-full:${scheduleId}`;

/**
 * Whether a session is known to have no free number: asked of the admission pool at most every
 * BOOKING_FULL_MEMO_MS (half a second) per process, so once a rush has taken every number, the thousands who tap after are refused without a round trip to
 * Redis (nor the rate limiter's). A number coming back (an expiry, a cancellation, a failed request, a 加号) drops
 * the answer in every process at once (seatsMayBeFree).
 */
export function knownFull(scheduleId: number): Promise<boolean> {
  const ttl = infra().config.BOOKING_FULL_MEMO_MS;
  return infra().memo.get(fullKey(scheduleId), [seatsTag(scheduleId)], ttl, async () => {
    return (await freeSeats(scheduleId)) === 0;
  });
}

/**
 * A session as a rush's winners book on it, read at most every second per process (the concurrent first reads share
 * one) and read again at once after an edit or a 停诊 (the seats memo's tag). What a winner's statement takes from it
 * is checked again by that statement (`reservedOn`), so a copy a moment old can only send a booking the longer way.
 */
export function sessionAsBooked<T>(scheduleId: number, load: () => Promise<T>): Promise<T> {
  return infra().memo.get(`session-booked-on:${scheduleId}`, [seatsTag(scheduleId)], 1000, load);
}

/** A number may have come back to a session: whatever a process knows of it being full is forgotten everywhere. */
function seatsMayBeFree(scheduleId: number) {
  return infra().memo.drop(seatsTag(scheduleId));
}

/**
 * The listings showing a doctor's sessions are reloaded in every BFF process (a session added, changed, stopped).
 * The changes committed in one turn of the event loop are told together, at the end of that turn: a rush's winners
 * finish in batches (a reply per pooled connection), and one invalidation per winner was two Redis commands and a
 * pub/sub message to every process each — and a listing dropped and rebuilt a hundred times in half a second. Each
 * caller's promise resolves once an invalidation sent after its call is done, as before.
 */
export function listingsChanged(s: { doctorId: number; deptId: number }) {
  const cache = infra().cache;
  if (pendingListings?.cache !== cache) pendingListings = newListingBatch(cache);
  pendingListings.namespaces.add(doctorNs(s.doctorId)).add(deptNs(s.deptId));
  return pendingListings.told;
}

interface ListingBatch {
  cache: Cache;
  namespaces: Set<string>;
  told: Promise<void>;
}
let pendingListings: ListingBatch | undefined;

function newListingBatch(cache: Cache): ListingBatch {
  const namespaces = new Set<string>();
  const batch: ListingBatch = {
    cache,
    namespaces,
    told: new Promise<void>((resolve) =>
      setImmediate(() => {
        if (pendingListings === batch) pendingListings = undefined;
        // invalidate logs a failure itself: the change is committed, the listings lapse within their ttl
        cache.invalidate(...namespaces).then(resolve, resolve);
      }),
    ),
  };
  return batch;
}

/** What the admission pool needs when it has to be rebuilt: the session's free numbers, from the database. */
async function loadFreeNumbers(scheduleId: number): Promise<Ticket[] | null> {
  const s = await Schedule.findByPk(scheduleId, {
    attributes: ['status', 'slotCount', 'clinicDate', 'startTime', 'endTime'],
    raw: true,
  });
  if (!s || s.status !== 'open') return null;
  const held = new Set(await scheduleBookings().heldNumbers(scheduleId));
  const free: Ticket[] = [];
  for (let n = 1; n <= s.slotCount; n++) if (!held.has(n)) free.push(seatTicket(s, n, slotWindow(s, n).start));
  return free;
}

/** The free numbers of a session as the admission pool knows them, or undefined when that is unknown. */
export function freeSeats(scheduleId: number): Promise<number | undefined> {
  return infra().admission.free(seatKey(scheduleId), () => loadFreeNumbers(scheduleId));
}

/**
 * Whether a booking request for a session may go on to the database, and with which number (infra/admission.ts):
 * 'full' is refused at once; 'admitted' holds the lowest free number whose window is still ahead until
 * `endAdmission`; 'in-flight' and 'unknown' go on without one (the database chooses under the session's row lock).
 */
export async function admitBooking(scheduleId: number, holder: number, band?: BookingBand): Promise<Admit> {
  const ahead = aheadOf(Date.now());
  // in a band, the numbers whose window starts in it: scores from its start's minute to just before its end's
  const min = band ? Math.max(ahead, minuteScore(band.clinicDate, band.start)) : ahead;
  const max = band ? minuteScore(band.clinicDate, band.end) - 1 : undefined;
  const { memo, admission } = infra();
  const tags = [seatsTag(scheduleId)];
  const since = memo.stamp(tags);
  const admitted = await admission.admit(
    seatKey(scheduleId),
    String(holder),
    min,
    () => loadFreeNumbers(scheduleId),
    max,
  );
  // The pool has no number left at all: what knownFull would learn by asking, learnt now. Every request after this
  // one is refused from memory, rather than each asking the pool until the memo's next look (a rush's first half
  // second was a Redis round trip per request). Not kept if a number came back meanwhile (the stamp).
  if (admitted.answer === 'full') memo.put(fullKey(scheduleId), tags, infra().config.BOOKING_FULL_MEMO_MS, true, since);
  return admitted;
}

/** A time band a booking asked for, as checked against its session (`bookingBand`). */
export interface BookingBand {
  clinicDate: string;
  start: string;
  end: string;
  /** Every number of the session had its window begin when the band was checked. */
  closed: boolean;
}

/**
 * The band of a session a booking names (`bandStart`, one of the listing's `bands`), or 400 INVALID_BAND. The
 * session's times are read at most every second per process (a rush into one band asks once), and read again at
 * once after an edit or a 停诊 (the seats memo's tag); the database path checks the band again under the row lock.
 */
export async function bookingBand(scheduleId: number, bandStart: string): Promise<BookingBand> {
  const s = await infra().memo.get(`session-times:${scheduleId}`, [seatsTag(scheduleId)], 1000, () =>
    Schedule.findByPk(scheduleId, {
      attributes: ['clinicDate', 'startTime', 'endTime', 'slotCount'],
      raw: true,
    }),
  );
  if (!s) throw notFound('排班不存在');
  const bands = bandsOf(s);
  const band = bands.find((b) => b.start === bandStart);
  if (!band)
    throw badRequest('INVALID_BAND', '所选时间段不在该出诊时段内，请重新选择', {
      bands: bands.map((b) => b.start),
    });
  return {
    clinicDate: s.clinicDate,
    start: band.start,
    end: band.end,
    closed: firstNumberAhead(s) > s.slotCount,
  };
}

/**
 * How many admitted booking requests of a session are in flight (their numbers leased, leases not run out);
 * undefined when the pool's store can't say. Booking's seat recount leaves a session alone while any are.
 */
export function admissionsInFlight(scheduleId: number): Promise<number | undefined> {
  return infra().admission.inFlight(seatKey(scheduleId));
}

/** Ends an admitted booking request: the number was taken, goes back, or the pool is to be rebuilt. */
export async function endAdmission(scheduleId: number, holder: number, ticket: Ticket, end: AdmissionEnd) {
  await infra().admission.done(seatKey(scheduleId), String(holder), ticket, end);
  if (end !== 'taken') await seatsMayBeFree(scheduleId);
}

/**
 * Any write to what the listings show besides sessions (a department renamed or disabled, a doctor edited, moved or
 * given a role, a title renamed) drops every cached listing. These models belong to system, which knows nothing of
 * scheduling, so scheduling watches them (hooks, after the commit when there is a transaction).
 */
export function watchBrowseSources() {
  const changed = (...args: unknown[]) => {
    const opts = args[args.length - 1] as { transaction?: Transaction | null } | undefined;
    const run = () => void infra().cache.invalidate(BROWSE);
    if (opts?.transaction) opts.transaction.afterCommit(run);
    else run();
  };
  const models: ModelStatic<any>[] = [Dept, User, DoctorProfile, Post, Role, UserRole, ClinicLevel];
  for (const m of models)
    for (const hook of [
      'afterSave',
      'afterDestroy',
      'afterRestore',
      'afterUpsert',
      'afterBulkCreate',
      'afterBulkUpdate',
      'afterBulkDestroy',
      'afterBulkRestore',
    ] as const) {
      // Named, and replaced rather than added twice when the app is set up again in one process.
      m.removeHook(hook, `scheduling-cache-${hook}`);
      m.addHook(hook, `scheduling-cache-${hook}`, changed);
    }
}

/** A schedule view as the cache keeps it (JSON): dates are strings, and whether it is released is decided per read. */
/** A view as the cache holds it (JSON: instants as strings); what depends on the clock is worked out per read. */
type StoredView = Omit<ScheduleView, 'releaseAt' | 'cancelDeadline'> & {
  releaseAt: string;
  cancelDeadline: string;
  /** The numbers live bookings hold, kept with the listing so the bands are counted per read. */
  held: number[];
};
function liveView(v: StoredView, now: number): ScheduleView {
  const releaseAt = new Date(v.releaseAt);
  return withBands(
    {
      ...v,
      releaseAt,
      cancelDeadline: new Date(v.cancelDeadline),
      released: releaseAt.getTime() <= now,
      remaining: numbersLeft(v, now),
      closed: firstNumberAhead(v, now) > v.slotCount,
    },
    now,
  );
}

// ----- console -----

export async function listSchedules(
  actor: AdminActor,
  q: {
    page: number;
    pageSize: number;
    deptId?: number;
    doctorId?: number;
    from?: string;
    to?: string;
    status?: 'open' | 'stopped';
  },
) {
  const where: WhereOptions[] = [dataScopeWhere(actor, { dept: 'deptId', user: 'doctorId' })];
  if (q.deptId) where.push({ deptId: await subtreeIds(q.deptId) });
  if (q.doctorId) where.push({ doctorId: q.doctorId });
  if (q.from || q.to)
    where.push({ clinicDate: { ...(q.from ? { [Op.gte]: q.from } : {}), ...(q.to ? { [Op.lte]: q.to } : {}) } });
  if (q.status) where.push({ status: q.status });
  const { rows, count } = await Schedule.findAndCountAll({
    where: { [Op.and]: where },
    order: [
      ['clinicDate', 'ASC'],
      ['period', 'ASC'],
      ['id', 'ASC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: await scheduleViews(rows), total: count, page: q.page, pageSize: q.pageSize };
}

/** A schedule inside the actor's data scope (their departments, or their own sessions). */
export async function scopedSchedule(actor: AdminActor, id: number) {
  const s = await Schedule.findOne({
    where: { [Op.and]: [{ id }, dataScopeWhere(actor, { dept: 'deptId', user: 'doctorId' })] },
  });
  if (!s) throw notFound('排班不存在');
  return s;
}

/**
 * Doctors are staff holding the physician or chief physician role. Read on every listing patients refresh,
 * so cached under the authz version that any change of grants bumps.
 */
export async function doctorIds(): Promise<Set<number>> {
  const { kv } = infra();
  const key = `doctor-ids:${(await kv.get<number>('authz:version')) ?? 0}`;
  const cached = await kv.get<number[]>(key);
  if (cached) return new Set(cached);
  const roles = await Role.findAll({ where: { key: ['physician', 'chief_physician'] }, attributes: ['id'] });
  const grants = await UserRole.findAll({ where: { roleId: roles.map((r) => r.id) }, attributes: ['userId'] });
  const ids = [...new Set(grants.map((g) => g.userId))];
  await kv.set(key, ids, 300);
  return new Set(ids);
}

export function checkTimes(s: {
  startTime: string;
  endTime: string;
  slotCount: number;
  clinicDate: string;
  releaseAt: Date;
}) {
  const errors: string[] = [];
  const span = minutes(s.endTime) - minutes(s.startTime);
  if (span <= 0) errors.push('结束时间应晚于开始时间');
  else if (span < s.slotCount) errors.push('号源过多：每个号源至少 1 分钟');
  if (s.releaseAt.getTime() >= shanghaiInstant(s.clinicDate, s.startTime).getTime())
    errors.push('放号时间应早于就诊开始时间');
  return errors;
}

export async function createSchedule(
  actor: AdminActor,
  input: {
    doctorId: number;
    clinicDate: string;
    period: Period;
    startTime: string;
    endTime: string;
    slotCount: number;
    feeFen?: number;
    releaseAt: string;
    location?: string | null;
  },
) {
  const doctor = await User.findByPk(input.doctorId);
  if (!doctor || doctor.status !== 'active' || !(await doctorIds()).has(doctor.id))
    throw unprocessable('INVALID_DOCTOR', '所选医生不存在或未启用');
  if (!inScope(actor, doctor.deptId)) throw forbidden('OUT_OF_SCOPE', '只能为本科室的医生排班');
  if (input.clinicDate < shanghaiDate()) throw unprocessable('DATE_IN_PAST', '不能为过去的日期排班');
  const releaseAt = new Date(input.releaseAt);
  const errors = checkTimes({ ...input, releaseAt });
  if (errors.length) throw unprocessable('INVALID_SCHEDULE', errors.join('；'));
  if (await Schedule.findOne({ where: { doctorId: doctor.id, clinicDate: input.clinicDate, period: input.period } })) {
    throw conflict('SCHEDULE_EXISTS', '该医生在该时段已有排班');
  }
  // A doctor with a 号别 is priced by it; the fee given is used only for a doctor without one.
  const feeFen = (await levelFeeOf(doctor.id)) ?? input.feeFen;
  if (feeFen === undefined) throw unprocessable('FEE_REQUIRED', '该医生未设置号别，请填写挂号费');
  const s = await Schedule.create({
    doctorId: doctor.id,
    deptId: doctor.deptId!,
    clinicDate: input.clinicDate,
    period: input.period,
    startTime: input.startTime,
    endTime: input.endTime,
    slotCount: input.slotCount,
    feeFen,
    releaseAt,
    location: input.location ?? null,
    createdBy: actor.userId,
  });
  await scheduleChanged(s);
  return (await scheduleViews([s]))[0];
}

/**
 * What booking, which builds on scheduling (never the other way), does for it: handed in once at start by
 * booking's manifest. Scheduling owns sessions and slots; booking owns who holds them.
 */
export interface ScheduleBookings {
  /** The highest slot number a live booking holds on the schedule (0 for none), read inside `t`. */
  highestHeldSeat(scheduleId: number, t: Transaction): Promise<number>;
  /** The numbers live bookings hold on the schedule (to rebuild the admission pool). */
  heldNumbers(scheduleId: number): Promise<number[]>;
  /** The same for several schedules in one query (the doctor's listing counts its bands from them). */
  heldNumbersOf(scheduleIds: number[]): Promise<Map<number, number[]>>;
  /** Stops a schedule: its bookings are cancelled and refunded and the patients told. */
  stop(actor: AdminActor, scheduleId: number, reason: string): Promise<{ cancelled: number; refunded: number }>;
  /** 替诊: the session goes to `doctorId` with its bookings, and their patients are told. */
  substitute(
    actor: AdminActor,
    scheduleId: number,
    input: { doctorId: number; reason: string },
  ): Promise<{ schedule: Schedule; kept: number }>;
  /** 加号: numbers were added to a session (committed); the waitlist is offered them first. */
  seatsAdded(scheduleId: number): Promise<void>;
}
let bookings: ScheduleBookings | undefined;
export function registerScheduleBookings(b: ScheduleBookings) {
  bookings = b;
}
export function scheduleBookings() {
  if (!bookings) throw new Error('registerScheduleBookings() was not called (booking module not set up)');
  return bookings;
}

/** 停诊: the schedule and everything booked on it (booking's part, see ScheduleBookings). */
export const stopSchedule = (actor: AdminActor, id: number, reason: string) =>
  scheduleBookings().stop(actor, id, reason);

export async function updateSchedule(
  actor: AdminActor,
  id: number,
  input: {
    startTime?: string;
    endTime?: string;
    slotCount?: number;
    feeFen?: number;
    releaseAt?: string;
    location?: string | null;
  },
) {
  const updated = await tx(
    async (t) => {
      const s = await Schedule.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
      if (!s || !(await scopedSchedule(actor, id))) throw notFound('排班不存在');
      if (s.status === 'stopped') throw conflict('SCHEDULE_STOPPED', '已停诊的排班不能修改');
      if (input.feeFen !== undefined && input.feeFen !== s.feeFen && (await levelFeeOf(s.doctorId)) !== null)
        throw conflict('FEE_FROM_LEVEL', '该医生的挂号费由号别决定，请在「医生管理」中修改号别或号别费用');
      if (s.bookedCount > 0) {
        const maxSeq = await scheduleBookings().highestHeldSeat(id, t);
        if (input.slotCount !== undefined && input.slotCount < maxSeq)
          throw conflict('SLOTS_IN_USE', `已有患者预约到第 ${maxSeq} 号，号源数不能少于 ${maxSeq}`);
        if (input.feeFen !== undefined && input.feeFen !== s.feeFen)
          throw conflict('FEE_LOCKED', '已有患者预约，不能修改挂号费');
        if ((input.startTime && input.startTime !== s.startTime) || (input.endTime && input.endTime !== s.endTime)) {
          throw conflict('TIME_LOCKED', '已有患者预约，不能修改就诊时间，请停诊后重新排班');
        }
      }
      const next = {
        startTime: input.startTime ?? s.startTime,
        endTime: input.endTime ?? s.endTime,
        slotCount: input.slotCount ?? s.slotCount,
        clinicDate: s.clinicDate,
        releaseAt: input.releaseAt ? new Date(input.releaseAt) : s.releaseAt,
      };
      const errors = checkTimes(next);
      if (errors.length) throw unprocessable('INVALID_SCHEDULE', errors.join('；'));
      await s.update(
        {
          ...next,
          ...(input.feeFen !== undefined ? { feeFen: input.feeFen } : {}),
          ...(input.location !== undefined ? { location: input.location } : {}),
        },
        { transaction: t },
      );
      return s;
      // REPEATABLE READ: highestHeldSeat's locking read must lock the session's gaps too (a booking whose seat was
      // taken before this and whose insert is still running is waited for, or waits for this — see booking)
    },
    { repeatableRead: true },
  );
  await scheduleChanged(updated, 'recount');
  return (await scheduleViews([updated]))[0];
}

// ----- mini-program browsing -----

/** Departments that have doctors, searchable by name (科室搜索). */
export async function bookingDepartments(keyword?: string) {
  const depts = await infra().cache.get([BROWSE], `booking-depts:${keyword ?? ''}`, 300, () =>
    loadBookingDepartments(keyword),
  );
  // nothing in it depends on the clock: the same text for as long as the cache hands out the same value
  return rendered(
    depts,
    Date.now(),
    () => Infinity,
    () => depts,
  );
}

async function loadBookingDepartments(keyword?: string) {
  const ids = await doctorIds();
  const doctors = await User.findAll({
    where: { id: [...ids], status: 'active' },
    attributes: ['id', 'deptId'],
    raw: true,
  });
  const counts = new Map<number, number>();
  for (const d of doctors) if (d.deptId) counts.set(d.deptId, (counts.get(d.deptId) ?? 0) + 1);
  const depts = await Dept.findAll({
    where: { id: [...counts.keys()], status: 'active', ...(keyword ? { name: { [Op.like]: `%${keyword}%` } } : {}) },
    attributes: ['id', 'name', 'parentId'],
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
    raw: true,
  });
  const parents = new Map(
    (
      await Dept.findAll({
        where: { id: depts.map((d) => d.parentId).filter((x): x is number => x != null) },
        attributes: ['id', 'name', 'type'],
        raw: true,
      })
    ).map((p) => [p.id, p]),
  );
  return depts.map((d) => {
    const parent = d.parentId ? parents.get(d.parentId) : undefined;
    return {
      id: d.id,
      name: d.name,
      parentName: parent && parent.type === 'department' ? parent.name : null,
      doctorCount: counts.get(d.id) ?? 0,
    };
  });
}

function bookingWindow() {
  const today = shanghaiDate();
  return { from: today, to: addDays(today, infra().config.BOOKING_DAYS_AHEAD - 1) };
}

async function openSchedules(where: WhereOptions) {
  const { from, to } = bookingWindow();
  return Schedule.findAll({
    where: { ...where, clinicDate: { [Op.between]: [from, to] } },
    order: [
      ['clinicDate', 'ASC'],
      ['period', 'ASC'],
    ],
  });
}

/**
 * The doctors of a department with their next bookable day. What is cached is what doesn't depend on the clock
 * (doctors, and each open session's day, end, fee and whether seats are left); what is bookable now is decided per
 * read.
 */
export async function doctorsOfDept(deptId: number) {
  const { from } = bookingWindow();
  const { doctors, sessions } = await infra().cache.get(
    [BROWSE, deptNs(deptId)],
    `dept-doctors:${deptId}:${from}`,
    30,
    () => loadDoctorsOfDept(deptId),
  );
  const now = Date.now();
  const until = (t: number) =>
    clockTurn(
      t,
      sessions.map((s) => s.releaseAtMs),
    );
  return rendered(sessions, now, until, () =>
    doctors.map((d) => {
      const mine = sessions.filter(
        (s) => s.doctorId === d.id && shanghaiInstant(s.clinicDate, s.endTime).getTime() > now,
      );
      const free = mine.find((s) => numbersLeft(s, now) > 0 && s.releaseAtMs <= now);
      return {
        ...d,
        nextAvailableDate: free?.clinicDate ?? null,
        minFeeFen: mine.length ? Math.min(...mine.map((s) => s.feeFen)) : null,
      };
    }),
  );
}

async function loadDoctorsOfDept(deptId: number) {
  const ids = await doctorIds();
  const users = await User.findAll({
    where: { deptId, status: 'active', id: [...ids] },
    attributes: ['id', 'name', 'postId'],
    order: [
      ['postId', 'ASC'],
      ['id', 'ASC'],
    ],
    raw: true,
  });
  const [profileRows, postRows, dept, schedules, levelRows] = await Promise.all([
    DoctorProfile.findAll({
      where: { userId: users.map((u) => u.id) },
      attributes: ['userId', 'specialty', 'intro', 'avatarUrl', 'title', 'level'],
      raw: true,
    }),
    Post.findAll({ attributes: ['id', 'name'], raw: true }),
    Dept.findByPk(deptId, { attributes: ['name'], raw: true }),
    openSchedules({ doctorId: users.map((u) => u.id), status: 'open' }),
    ClinicLevel.findAll({ attributes: ['code', 'name', 'feeFen'], raw: true }),
  ]);
  const profiles = new Map(profileRows.map((p) => [p.userId, p]));
  const levels = new Map(levelRows.map((l) => [l.code as string, l]));
  const posts = new Map(postRows.map((p) => [p.id, p.name]));
  return {
    doctors: users.map((u) => {
      const p = profiles.get(u.id);
      const level = p?.level ? levels.get(p.level) : undefined;
      return {
        id: u.id,
        name: u.name,
        title: p?.title ?? (u.postId ? (posts.get(u.postId) ?? null) : null),
        deptId,
        deptName: dept?.name ?? '',
        specialty: p?.specialty ?? null,
        intro: p?.intro ?? null,
        avatarUrl: p?.avatarUrl ?? null,
        levelName: level?.name ?? null,
        levelFeeFen: level?.feeFen ?? null,
      };
    }),
    sessions: schedules.map((s) => ({
      doctorId: s.doctorId,
      clinicDate: s.clinicDate,
      startTime: s.startTime,
      endTime: s.endTime,
      status: s.status,
      slotCount: s.slotCount,
      bookedCount: s.bookedCount,
      feeFen: s.feeFen,
      releaseAtMs: s.releaseAt.getTime(),
    })),
  };
}

export async function doctorCard(doctorId: number) {
  const u = await User.findByPk(doctorId);
  if (!u || u.status !== 'active' || !u.deptId || !(await doctorIds()).has(u.id)) throw notFound('医生不存在');
  return (await doctorsOfDept(u.deptId)).value.find((d) => d.id === doctorId)!;
}

/** The doctor's sessions in the booking window as the cache holds them (null: not a doctor patients can book). */
function cachedSessions(doctorId: number) {
  const { from } = bookingWindow();
  return infra().cache.get([BROWSE, doctorNs(doctorId)], `doctor-schedules:${doctorId}:${from}`, 30, async () => {
    if (!(await doctorIds()).has(doctorId)) return null;
    const views = await scheduleViews(await openSchedules({ doctorId }));
    // every booking and freed number reloads this listing (listingsChanged), so the numbers held stay current
    const held = await scheduleBookings().heldNumbersOf(views.map((v) => v.id));
    return views.map((v) => ({ ...v, held: held.get(v.id) ?? [] }));
  });
}

/** A doctor's sessions within the booking window, with what is left of each (what everyone refreshes at 07:59). */
export async function doctorSchedules(doctorId: number) {
  const views = await cachedSessions(doctorId);
  if (!views) throw notFound('医生不存在');
  const stored = views as unknown as StoredView[];
  const until = (t: number) =>
    clockTurn(
      t,
      stored.map((v) => Date.parse(v.releaseAt)),
    );
  return rendered(views, Date.now(), until, () => {
    const now = Date.now();
    return stored.map((v) => liveView(v, now));
  });
}

/**
 * An answer as last sent, per cached value (the cache's local layer hands out the same object for about a second,
 * embedded mode's for its whole life): serialised once and sent as the same bytes to everyone until `until` says
 * what the clock changes in it must be worked out again.
 */
const renders = new WeakMap<object, { answer: Serialized<unknown>; until: number }>();
function rendered<T>(source: object, now: number, until: (now: number) => number, build: () => T): Serialized<T> {
  const hit = renders.get(source);
  if (hit && now < hit.until) return hit.answer as Serialized<T>;
  const answer = new Serialized(build());
  renders.set(source, { answer, until: until(now) });
  return answer;
}

/**
 * When what the clock changes in a listing (released, numbers left ahead, closed — all on whole minutes or at a
 * release time) may next change: the next clock second, or a release time before it.
 */
function clockTurn(now: number, releases: number[]) {
  let until = Math.floor(now / 1000) * 1000 + 1000;
  for (const r of releases) if (r > now && r < until) until = r;
  return until;
}

export async function publicSchedule(id: number) {
  const s = await Schedule.findByPk(id);
  if (!s) throw notFound('排班不存在');
  const [[view], held] = await Promise.all([scheduleViews([s]), scheduleBookings().heldNumbers(id)]);
  return withBands({ ...view, held }, Date.now());
}
