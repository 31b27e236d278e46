/**
 * A rush winner takes its seat before its booking's transaction (booking's takeNumberInDatabase: one autocommit
 * conditional update of the session's count, then account lock, insert and notice without the session's row):
 * - a booking that fails after its seat was taken gives the seat back: the count equals the live bookings, and the
 *   seat is booked by the next patient;
 * - the seat recount (job `booking-seat-recount`) puts right a count left one too high (a process that died between
 *   the two steps): only when the same surplus is seen at two runs and no admitted request of the session is in
 *   flight, by the smaller of the two surpluses, never below the live bookings; the listing shows the seat again and
 *   it can be booked;
 * - 停诊 racing with winners leaves no live booking on the stopped session (each winner's insert either is stopped
 *   by the 停诊 or sees the session stopped and is rolled back).
 */
import assert from 'node:assert/strict';
import { call, mpLogin } from '../../support/api';
import { startStack } from '../../support/stack';
import { makeIdCard } from '../../support/idcard';
import { admin, manyPatients, newDoctor, newSchedule, patient } from '../../support/booking';
import { admitBooking, endAdmission, freeSeats } from '../../../bff/src/modules/scheduling/service';
import { Appointment, HOLDING } from '../../../bff/src/modules/booking/models';
import { Schedule } from '../../../bff/src/modules/scheduling/models';
import { Op, type Transaction } from 'sequelize';
import { infra } from '../../../bff/src/infra';
import { lockOwner } from '../../../bff/src/modules/patient/service';
import { until } from '../../support/child';
import { Socket } from '../../support/chat';
import { PatientNotice } from '../../../bff/src/kernel/notifications/models';
import { Patient } from '../../../bff/src/modules/patient/models';

const book = (token: string, scheduleId: number, patientId: number) =>
  call('POST', '/api/mp/appointments', { token, body: { scheduleId, patientId } });

/** Appointments that hold a number on the session (what the booked count must equal). */
const live = (scheduleId: number) => Appointment.count({ where: { scheduleId, activeSeq: { [Op.ne]: null } } });
const booked = async (scheduleId: number) => (await Schedule.findByPk(scheduleId))!.bookedCount;
const remaining = async (scheduleId: number) =>
  (await call('GET', `/api/mp/booking/schedules/${scheduleId}`, { token: (await patient()).token })).body
    .remaining as number;

async function recount() {
  const { running } = await startStack();
  return (await running.infra.jobs.runNow('booking-seat-recount')) as { corrected: number; watching: number };
}

/** A login with a family member whose ID card is `idCard` (two accounts may add the same person). */
async function memberOf(idCard: string) {
  const login = await mpLogin();
  const r = await call('POST', '/api/mp/patients', {
    token: login.accessToken,
    body: { name: '同一患者', idCard, phone: '13700002222', relation: 'self' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { token: login.accessToken, userId: login.user.id, patientId: r.body.id as number };
}

describe('booking: the seat taken before the booking transaction', function () {
  this.timeout(180_000); // the first test boots the stack

  it('a booking that fails after its seat was taken gives it back; the next patient books it', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 2, feeFen: 0 });
    // The same person added by two accounts: the second account's request passes every check made before the seat
    // is taken, and only the insert (one live booking per person and session) refuses it.
    const idCard = makeIdCard('1975-03-04', 321);
    const [first, second] = [await memberOf(idCard), await memberOf(idCard)];
    assert.equal((await book(first.token, s.id, first.patientId)).status, 201);
    assert.equal(await booked(s.id), 1);

    const refused = await book(second.token, s.id, second.patientId);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'ALREADY_BOOKED');
    assert.equal(await booked(s.id), 1, 'the seat taken for the refused booking was given back');
    assert.equal(await booked(s.id), await live(s.id));

    const other = await patient();
    const r = await book(other.token, s.id, other.patientId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.appointment.seqNo, 2);
    assert.equal(await booked(s.id), 2);
    assert.equal(await live(s.id), 2);
  });

  it('on MariaDB a winner sends its checks, seat, transaction and notice as one statement, the session read once per process; the notice is pushed', async function () {
    if (infra().config.embedded) this.skip(); // SQLite has no compound statements: the steps stay separate there
    const { baseUrl } = await startStack();
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 3, feeFen: 2500 });
    const p = await patient();
    const socket = await Socket.open(baseUrl, p.token);
    const mine = `mp-user:${p.userId}`;
    assert.equal((await socket.request({ type: 'subscribe', channel: mine })).type, 'subscribed');
    assert.equal(await freeSeats(s.id), 3); // the admission pool loaded, as it is for every winner but a rush's first
    // what the booking sends to MariaDB from the request to its answer (nothing else of this session runs meanwhile)
    const sent: string[] = [];
    const seen = (_o: unknown, q: { sql?: string }) => void sent.push(String(q.sql ?? ''));
    infra().sequelize.addHook('afterQuery', 'count-booking', seen as never);
    let r: Awaited<ReturnType<typeof book>>;
    try {
      r = await book(p.token, s.id, p.patientId);
    } finally {
      infra().sequelize.removeHook('afterQuery', 'count-booking');
    }
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // the session with its names (read once by this process), then the one statement with everything else: the
    // member, the no-shows and the live bookings are read in it before the seat is taken, and again under the lock
    const kinds = (qs: string[]) =>
      qs.map((q) => (/^BEGIN NOT ATOMIC/.test(q) ? 'compound' : /^SELECT .* FROM `schedule`/s.test(q) ? 'session' : q));
    assert.deepEqual(kinds(sent), ['session', 'compound']);
    assert.doesNotMatch(sent[0], /mp_patient|appointment/);
    assert.match(sent[1], /FROM `mp_patient`.*no_show.*COUNT.*UPDATE `schedule`/s);
    const writes = sent.filter((q) =>
      /START TRANSACTION|INSERT INTO `appointment`|UPDATE `schedule`|FOR UPDATE/.test(q),
    );
    assert.equal(writes.length, 1, `one statement for seat, lock, insert and notice; sent:\n${writes.join('\n---\n')}`);
    assert.match(writes[0], /^BEGIN NOT ATOMIC/);
    assert.ok(!sent.some((q) => /^(START TRANSACTION|SET TRANSACTION|COMMIT)/.test(q)), 'no transaction of its own');

    const a = (await Appointment.findByPk(r.body.appointment.id))!;
    assert.equal(a.status, 'pending_payment');
    // the times the statement writes from its own clock: the hold as answered, BOOKING_HOLD_MINUTES after the booking
    const answeredHold = Date.parse(r.body.appointment.holdExpiresAt);
    assert.ok(Math.abs(a.holdExpiresAt!.getTime() - answeredHold) < 1000, `${a.holdExpiresAt} vs the answer's`);
    const held = a.holdExpiresAt!.getTime() - a.createdAt.getTime();
    assert.ok(Math.abs(held - infra().config.BOOKING_HOLD_MINUTES * 60_000) < 1000, `held for ${held} ms`);
    assert.ok(Math.abs(a.createdAt.getTime() - Date.now()) < 60_000, `created at ${a.createdAt.toISOString()}`);
    assert.equal(a.seqNo, 1);
    assert.equal(await booked(s.id), 1);
    const notice = (await PatientNotice.findOne({ where: { userId: p.userId, linkId: String(a.id) } }))!;
    assert.equal(notice.title, '预约待支付');
    // the member's name, read by the statement, is written into the notice where the marker stood
    const member = (await Patient.findByPk(p.patientId))!;
    assert.ok(notice.content.startsWith(`就诊人：${member.name}；`), notice.content);
    assert.equal(r.body.appointment.patientName, member.name);
    assert.equal(notice.linkType, 'appointment_pay');
    const pushed = await socket.frame((f) => f.type === 'message' && f.channel === mine && f.data?.type === 'notice');
    assert.equal(pushed.data.notice.id, notice.id, JSON.stringify(pushed));
    assert.deepEqual(pushed.data.notice.link, { type: 'appointment_pay', id: String(a.id) });
    socket.kill();

    // the next winner of the same session in this process reads nothing before its statement
    const q = await patient();
    sent.length = 0;
    infra().sequelize.addHook('afterQuery', 'count-booking', seen as never);
    try {
      assert.equal((await book(q.token, s.id, q.patientId)).status, 201);
    } finally {
      infra().sequelize.removeHook('afterQuery', 'count-booking');
    }
    assert.deepEqual(kinds(sent), ['compound']);
  });

  it("a request its account's checks refuse (another account's family member) takes no seat: the last one stays free", async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 1, feeFen: 0 });
    const [owner, other] = [await patient(), await patient()];
    assert.equal(await freeSeats(s.id), 1); // admitted with the one number, as in a rush
    // stamped in the past: a seat taken and given back would stamp the row with now
    const untouched = new Date('2020-01-01T00:00:00Z');
    await infra().sequelize.query('UPDATE `schedule` SET `updated_at` = ? WHERE `id` = ?', {
      replacements: [untouched, s.id],
    });
    assert.equal((await Schedule.findByPk(s.id))!.updatedAt.getTime(), untouched.getTime());
    const refused = await book(other.token, s.id, owner.patientId);
    assert.equal(refused.status, 404, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'NOT_FOUND');
    assert.equal(await booked(s.id), 0);
    // taking the seat and giving it back would leave the count at 0 too, but stamp the session's row
    assert.equal((await Schedule.findByPk(s.id))!.updatedAt.getTime(), untouched.getTime(), 'no seat was taken for it');
    assert.equal(await live(s.id), 0);
    const r = await book(owner.token, s.id, owner.patientId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.appointment.seqNo, 1);
    assert.equal(await booked(s.id), 1);
  });

  it('the recount corrects a surplus seen at two runs with nothing in flight, never below the live bookings', async () => {
    // Only the runs below look (the scheduled ones would count as looks of their own); resumed at the end.
    const job = '/api/admin/monitor/jobs/booking-seat-recount';
    assert.equal((await call('POST', `${job}/pause`, { token: await admin() })).status, 200);
    try {
      await surplusCorrected();
    } finally {
      assert.equal((await call('POST', `${job}/resume`, { token: await admin() })).status, 200);
    }
  });

  async function surplusCorrected() {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 3, feeFen: 0 });
    const p = await patient();
    assert.equal((await book(p.token, s.id, p.patientId)).status, 201);
    // A process that died between taking two seats and inserting: the count two above the one live booking.
    await Schedule.increment('bookedCount', { by: 2, where: { id: s.id } });
    assert.equal(await booked(s.id), 3);
    assert.equal(await remaining(s.id), 0, 'the lost seats are not shown');
    const q = await patient();
    assert.equal((await book(q.token, s.id, q.patientId)).body.error?.code, 'SLOT_FULL');

    // An admitted request in flight: its seat may be out, so the session is not even looked at.
    const inFlight = await admitBooking(s.id, 999_999_101);
    assert.ok(inFlight.answer === 'admitted');
    await recount();
    await recount();
    assert.equal(await booked(s.id), 3, 'nothing corrected while a request of the session is in flight');
    await endAdmission(s.id, 999_999_101, inFlight.ticket, 'returned');

    // First look: the surplus is only noted (it could be a seat taken for a booking being made).
    const firstLook = await recount();
    assert.ok(firstLook.watching >= 1);
    assert.equal(await booked(s.id), 3, 'a surplus seen once is left alone');
    // Meanwhile one of the two comes back by itself (as a failed booking gives its seat back).
    await Schedule.decrement('bookedCount', { by: 1, where: { id: s.id } });
    // Second look: corrected by the smaller surplus of the two looks.
    const secondLook = await recount();
    assert.ok(secondLook.corrected >= 1);
    assert.equal(await booked(s.id), 1);
    assert.equal(await booked(s.id), await live(s.id), 'exactly the live bookings, not below');
    assert.equal(await remaining(s.id), 2, 'the listing shows the seats again');

    const r = await book(q.token, s.id, q.patientId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(await booked(s.id), 2);
    // A count that matches is never touched, however often the recount runs.
    await recount();
    await recount();
    assert.equal(await booked(s.id), 2);
    assert.equal(await live(s.id), 2);
  }

  /**
   * A winner held between taking its seat and its insert: the test holds its account's row lock (the first thing the
   * booking's transaction takes) until `meanwhile` has committed a change to the session.
   */
  async function heldWinner(
    scheduleId: number,
    p: { token: string; userId: number; patientId: number },
    countWithSeat: number,
    meanwhile: () => Promise<void>,
  ) {
    const t: Transaction = await infra().sequelize.transaction();
    let answer: Promise<Awaited<ReturnType<typeof book>>>;
    try {
      await lockOwner(p.userId, t);
      answer = book(p.token, scheduleId, p.patientId);
      await until('the winner to take its seat', 30_000, async () =>
        (await booked(scheduleId)) === countWithSeat ? true : undefined,
      );
      await meanwhile();
    } finally {
      await t.commit();
    }
    return answer;
  }

  it('a double tap on the last number: the second tap, in flight with the first, is told ALREADY_BOOKED', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 1, feeFen: 0 });
    const p = await patient();
    // The second tap's read of the session is the moment it is surely under way (it then finds the session full with
    // the first tap's seat, and waits for the first); only after it does the first go on.
    let secondRead!: () => void;
    const read = new Promise<void>((r) => (secondRead = r));
    let second: ReturnType<typeof book> | undefined;
    const seen = (_o: unknown, q: { sql?: string }) => {
      if (second && /FROM `schedule`/.test(String(q.sql)) && String(q.sql).includes(`= ${s.id}`)) secondRead();
    };
    infra().sequelize.addHook('afterQuery', 'second-tap', seen as never);
    try {
      const first = await heldWinner(s.id, p, 1, async () => {
        second = book(p.token, s.id, p.patientId);
        await read;
      });
      const answers = [first, await second!];
      assert.deepEqual(answers.map((x) => x.status).sort(), [201, 409], JSON.stringify(answers.map((x) => x.body)));
      assert.equal(answers.find((x) => x.status === 409)!.body.error.code, 'ALREADY_BOOKED');
    } finally {
      infra().sequelize.removeHook('afterQuery', 'second-tap');
    }
    assert.equal(await live(s.id), 1);
    assert.equal(await booked(s.id), 1);
  });

  it('a 停诊 committed between a winner taking its seat and its insert: the insert is rolled back', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 2, feeFen: 0 });
    const p = await patient();
    const r = await heldWinner(s.id, p, 1, async () => {
      const stopped = await call('POST', `/api/admin/scheduling/schedules/${s.id}/stop`, {
        token: await admin(),
        body: { reason: '医生临时出诊' },
      });
      assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
      assert.equal(stopped.body.cancelled, 0, 'nothing inserted yet for the 停诊 to stop');
    });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'SCHEDULE_STOPPED');
    assert.equal(await Appointment.count({ where: { scheduleId: s.id, status: HOLDING } }), 0);
    assert.equal(await booked(s.id), 0, 'the seat given back did not take the count below zero');
  });

  it('a session made smaller between a winner taking its seat and its insert: no number above the new size', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 3, feeFen: 0 });
    const [a, b, p] = [await patient(), await patient(), await patient()];
    assert.equal((await book(a.token, s.id, a.patientId)).body.appointment.seqNo, 1);
    assert.equal((await book(b.token, s.id, b.patientId)).body.appointment.seqNo, 2);
    const r = await heldWinner(s.id, p, 3, async () => {
      // numbers 1 and 2 are held, number 3 is only being inserted: the console may take the session down to 2
      const smaller = await call('PUT', `/api/admin/scheduling/schedules/${s.id}`, {
        token: await admin(),
        body: { slotCount: 2 },
      });
      assert.equal(smaller.status, 200, JSON.stringify(smaller.body));
    });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'SLOT_FULL');
    const held = await Appointment.findAll({ where: { scheduleId: s.id, status: HOLDING } });
    assert.deepEqual(held.map((x) => x.seqNo).sort(), [1, 2]);
    assert.equal(await booked(s.id), 2);
  });

  it("on MariaDB the connection lost in the middle of a winner's statement: 503, no booking, the seat recounted, booked on retry", async function () {
    await startStack();
    if (infra().config.embedded) this.skip(); // the one statement is MariaDB's
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 3, feeFen: 0 });
    const p = await patient();
    // The winner's statement has taken its seat and waits for the account's lock: its connection is killed there,
    // as a database failover or a network cut would end it.
    const r = await heldWinner(s.id, p, 1, async () => {
      const [rows] = (await infra().sequelize.query(
        // inside a compound statement the process list shows the statement running within it: the account lock
        "SELECT ID AS id, INFO AS info FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND = 'Query' AND ID <> CONNECTION_ID() AND INFO LIKE '%FOR UPDATE%'",
      )) as [{ id: number }[], unknown];
      assert.equal(rows.length, 1, "the winner's one statement is running");
      await infra().sequelize.query(`KILL CONNECTION ${Number(rows[0].id)}`);
    });
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'DEPENDENCY_UNAVAILABLE');
    assert.equal(await live(s.id), 0, 'nothing of the booking was kept');
    assert.ok((await booked(s.id)) <= 1, 'at most the seat is still counted');
    // The recount gives the seat back once it has seen it twice with nothing in flight…
    await recount();
    await recount();
    assert.equal(await booked(s.id), 0);
    // …and the patient's next tap books the session's first number.
    const again = await book(p.token, s.id, p.patientId);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.body.appointment.seqNo, 1);
    assert.equal(await live(s.id), 1);
    assert.equal(await booked(s.id), 1);
  });

  it('a seat given back goes to a patient who joined the waitlist while the session looked full', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 2, feeFen: 0 });
    const idCard = makeIdCard('1968-07-08', 654);
    const [first, second] = [await memberOf(idCard), await memberOf(idCard)];
    assert.equal((await book(first.token, s.id, first.patientId)).status, 201);
    const w = await patient();
    let joinedId = 0;
    // the same person from a second account: its seat is taken (the session looks full), then its insert is refused
    const r = await heldWinner(s.id, second, 2, async () => {
      const joined = await call('POST', '/api/mp/waitlist', {
        token: w.token,
        body: { scheduleId: s.id, patientId: w.patientId },
      });
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      joinedId = joined.body.id;
    });
    assert.equal(r.body.error?.code, 'ALREADY_BOOKED');
    const mine = (await call('GET', '/api/mp/waitlist', { token: w.token })).body as { id: number; status: string }[];
    assert.equal(mine.find((e) => e.id === joinedId)?.status, 'offered');
    assert.equal(await Appointment.count({ where: { scheduleId: s.id, userId: w.userId, status: HOLDING } }), 1);
    assert.equal(await booked(s.id), 2);
    assert.equal(await live(s.id), 2);
  });

  it('a booking over the account rate limit: 429 RATE_LIMITED, and the number it was handed goes back', async () => {
    // The rate limit and the admission pool are asked at once; the pool hands this request the session's one
    // number before the limit's answer refuses it.
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 1, feeFen: 0 });
    const eager = await patient();
    const { config, kv } = infra();
    for (let i = 0; i < config.BOOKING_RATE_PER_USER_PER_MIN; i++)
      await kv.hit(`booking:user:${eager.userId}`, config.BOOKING_RATE_PER_USER_PER_MIN, 60);
    const limited = await book(eager.token, s.id, eager.patientId);
    assert.equal(limited.status, 429, JSON.stringify(limited.body));
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.equal(await booked(s.id), 0);

    const other = await patient();
    const r = await book(other.token, s.id, other.patientId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.appointment.seqNo, 1);
  });

  it('停诊 racing with the winners of a rush leaves no live booking on the stopped session', async function () {
    this.timeout(240_000);
    const SLOTS = 20;
    for (let round = 0; round < 3; round++) {
      const doctor = await newDoctor();
      const s = await newSchedule(doctor.id, { slotCount: SLOTS, feeFen: 0 });
      const takers = await manyPatients(SLOTS + 10);
      const token = await admin();
      const rush = takers.map((t) => book(t.token, s.id, t.patientId));
      // the 停诊 goes in while the winners' bookings are being made (after the first answer in later rounds)
      if (round > 0) await Promise.race(rush);
      const stop = call('POST', `/api/admin/scheduling/schedules/${s.id}/stop`, {
        token,
        body: { reason: '医生临时出诊' },
      });
      const results = await Promise.all(rush);
      const stopped = await stop;
      assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
      const bad = results.find(
        (r) => r.status !== 201 && !(r.status === 409 && ['SLOT_FULL', 'SCHEDULE_STOPPED'].includes(r.body.error.code)),
      );
      assert.equal(bad, undefined, JSON.stringify(bad?.body));
      const holding = await Appointment.count({ where: { scheduleId: s.id, status: HOLDING } });
      assert.equal(holding, 0, `round ${round}: a live booking on a stopped session`);
      assert.equal(await live(s.id), 0);
      const after = (await Schedule.findByPk(s.id))!;
      assert.equal(after.status, 'stopped');
      assert.equal(after.bookedCount, 0, 'no seat given back below zero, none left counted');
      // every booking answered 201 was stopped by the 停诊
      const made = results.filter((r) => r.status === 201).map((r) => r.body.appointment.id as number);
      const rows = await Appointment.findAll({ where: { id: made } });
      assert.ok(rows.every((a) => a.status === 'stopped'));
      console.log(`      round ${round}: ${made.length} booked before the 停诊, all stopped`);
    }
  });
});
