/**
 * 患者管理 and the phone reveal (issue 15): staff search family members (masked ID and phone) within their data
 * scope, see their appointments and no-show record, lift a no-show suspension (permission-checked, in the operation
 * log, the patient told), and reveal one whole phone number at a time (permission-checked, each reveal in the
 * kernel's data-access log, rate-limited). Every staff read is in the data-access log.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Op } from 'sequelize';
import { startStack } from '../../support/stack';
import { adminLogin, call, loginAs, mpLogin, replaceInitialPassword, unique } from '../../support/api';
import { admin, deptId, newSchedule } from '../../support/booking';
import { makeIdCard } from '../../support/idcard';
import { shanghaiDate } from '../../../bff/src/shared/time';
import { bookedToday, physician, todaySession } from '../../support/records';
import { DataAccessLog } from '../../../bff/src/kernel/audit';
import { PatientNotice } from '../../../bff/src/kernel/notifications/models';
import { OperLog } from '../../../bff/src/modules/monitor/models';

const phoneOf = () => `139${String(crypto.randomInt(1e8)).padStart(8, '0')}`;

/** An account with family members of our choosing (unique phone and ID numbers, so searches find exactly them). */
async function account(members: { name: string; relation: string; birth: string }[]) {
  const login = await mpLogin();
  const out: { patientId: number; phone: string; idCard: string; name: string }[] = [];
  for (const m of members) {
    const phone = phoneOf();
    const idCard = makeIdCard(m.birth, crypto.randomInt(999));
    const r = await call('POST', '/api/mp/patients', {
      token: login.accessToken,
      body: { name: m.name, idCard, phone, relation: m.relation },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    out.push({ patientId: r.body.id, phone, idCard, name: m.name });
  }
  return { token: login.accessToken, userId: login.user.id, members: out };
}

describe('患者管理: search, detail, no-show suspension, phone reveal', function () {
  this.timeout(300_000);
  let cardio: Awaited<ReturnType<typeof physician>>;
  let surgeon: Awaited<ReturnType<typeof physician>>;
  let a: Awaited<ReturnType<typeof account>>;
  let b: Awaited<ReturnType<typeof account>>;
  let tokens: Record<'admin' | 'deptadmin' | 'chief' | 'doctor', string>;
  // a name no other test uses (names may hold only Chinese characters and letters)
  const CHARS = '赵钱孙李周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛';
  const surname = Array.from({ length: 4 }, () => CHARS[crypto.randomInt(CHARS.length)]).join('');

  before(async () => {
    await startStack();
    cardio = await physician('心血管内科');
    surgeon = await physician('普通外科');
    tokens = {
      admin: await admin(),
      deptadmin: await loginAs('deptadmin'),
      chief: await loginAs('chief'),
      doctor: await loginAs('doctor'),
    };
    // account A: A1 (self) seen in 心血管内科 and three times a no-show today; A2 (child) seen only in 普通外科
    a = await account([
      { name: `${surname}甲`, relation: 'self', birth: '1980-03-04' },
      { name: `${surname}乙`, relation: 'child', birth: '2012-06-07' },
    ]);
    // account B: seen only in 普通外科
    b = await account([{ name: `${surname}丙`, relation: 'self', birth: '1975-01-02' }]);
    const [a1, a2] = a.members;
    for (const period of ['am', 'pm', 'eve'] as const) {
      const s = await todaySession(cardio, period);
      const appt = await bookedToday(cardio, { userId: a.userId, patientId: a1.patientId }, 1, s);
      const r = await call('PUT', `/api/admin/booking/appointments/${appt.id}/visit`, {
        token: cardio.token,
        body: { status: 'no_show' },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    await bookedToday(surgeon, { userId: a.userId, patientId: a2.patientId }, 1);
    await bookedToday(surgeon, { userId: b.userId, patientId: b.members[0].patientId }, 2);
  });

  const search = (token: string, q = `name=${encodeURIComponent(surname)}`) =>
    call('GET', `/api/admin/booking/patients?${q}&pageSize=100`, { token });
  const names = (r: { body: { items: { name: string }[] } }) => r.body.items.map((p) => p.name).sort();

  it('search: role × data scope, masked numbers, stable codes for bad input, every read audited', async () => {
    const [a1, a2] = a.members;
    const b1 = b.members[0];
    const all = await search(tokens.admin);
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.deepEqual(names(all), [a1.name, a2.name, b1.name].sort(), 'the administrator sees every patient');
    assert.deepEqual(names(await search(tokens.deptadmin)), [a1.name], '内科 and below: only the one seen there');
    assert.deepEqual(names(await search(tokens.chief)), [a1.name], '心血管内科');
    assert.deepEqual(names(await search(cardio.token)), [a1.name], 'a physician: their own patients');
    assert.deepEqual(names(await search(surgeon.token)), [a2.name, b1.name].sort());
    assert.deepEqual(names(await search(tokens.doctor)), [], 'another physician of the department: none of them');
    assert.equal((await search(a.token)).status, 401, 'a patient token is no console login');

    const row = all.body.items.find((p: { name: string }) => p.name === a1.name);
    assert.equal(row.phoneMasked, `${a1.phone.slice(0, 3)}****${a1.phone.slice(-4)}`);
    assert.match(row.idCardMasked, /^\d{6}\*+[\dX]{4}$/);
    assert.equal(row.familySize, 2);
    assert.equal(row.noShows, 3);
    assert.ok(row.suspendedUntil, 'three no-shows within 30 days suspend the account');
    const text = JSON.stringify(all.body);
    for (const m of [...a.members, ...b.members]) {
      assert.ok(!text.includes(m.phone), 'no whole phone number in a list');
      assert.ok(!text.includes(m.idCard), 'no whole ID number in a list');
    }

    // whole numbers find exactly one family member (blind index), partial numbers are refused
    assert.deepEqual(names(await search(tokens.admin, `phone=${a2.phone}`)), [a2.name]);
    assert.deepEqual(names(await search(tokens.admin, `idCard=${b1.idCard}`)), [b1.name]);
    assert.deepEqual(names(await search(tokens.deptadmin, `phone=${a2.phone}`)), [], 'out of scope stays unseen');
    for (const q of ['phone=1390000', 'idCard=110105', 'pageSize=1000']) {
      const r = await search(tokens.admin, q);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }

    const logged = await DataAccessLog.findAll({
      where: { what: 'booking.patient.list', patientId: [a1.patientId, a2.patientId, b1.patientId] },
    });
    assert.ok(logged.some((l) => l.actorName === '超级管理员' || l.actorId > 0));
    assert.ok(
      logged.some((l) => l.patientId === b1.patientId),
      'one row per patient shown, before the list was returned',
    );
  });

  it('detail: family within scope, appointments, the no-show record; 404 outside scope', async () => {
    const [a1, a2] = a.members;
    const full = await call('GET', `/api/admin/booking/patients/${a1.patientId}`, { token: tokens.admin });
    assert.equal(full.status, 200, JSON.stringify(full.body));
    assert.deepEqual(
      full.body.family.map((f: { name: string }) => f.name),
      [a2.name],
    );
    assert.equal(full.body.appointments.length, 3);
    assert.equal(full.body.noShows.length, 3);
    assert.ok(full.body.noShows.every((n: { counted: boolean; deptName: string }) => n.counted && n.deptName));

    const scoped = await call('GET', `/api/admin/booking/patients/${a1.patientId}`, { token: tokens.deptadmin });
    assert.equal(scoped.status, 200);
    assert.deepEqual(scoped.body.family, [], 'a family member seen only in 外科 is not 内科’s to see');

    for (const [token, id] of [
      [surgeon.token, a1.patientId],
      [tokens.deptadmin, a2.patientId],
      [tokens.doctor, a1.patientId],
      [tokens.admin, 999_999_999],
    ] as const) {
      const r = await call('GET', `/api/admin/booking/patients/${id}`, { token });
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'NOT_FOUND');
    }
    const viewed = await DataAccessLog.count({
      where: { what: 'booking.patient.view', patientId: a1.patientId, subjectType: 'patient' },
    });
    assert.ok(viewed >= 2, 'each detail read is in the data-access log');
  });

  it('lifting a suspension: permission, scope, reason; the patient may book again and is told', async () => {
    const [a1] = a.members;
    const s = await newSchedule(cardio.id, { feeFen: 0 });
    const suspended = await call('POST', '/api/mp/appointments', {
      token: a.token,
      body: { scheduleId: s.id, patientId: a1.patientId },
    });
    assert.equal(suspended.status, 403);
    assert.equal(suspended.body.error.code, 'BOOKING_SUSPENDED');

    const lift = (token: string, body: unknown, id = a1.patientId) =>
      call('POST', `/api/admin/booking/patients/${id}/lift-suspension`, { token, body });
    const chief = await lift(tokens.chief, { reason: '已核实' });
    assert.equal(chief.status, 403, 'the chief has no 解除爽约限制');
    assert.equal(chief.body.error.code, 'FORBIDDEN');
    assert.equal((await lift(cardio.token, { reason: '已核实' })).status, 403);
    const noReason = await lift(tokens.deptadmin, { reason: ' ' });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.code, 'VALIDATION_FAILED');
    const out = await lift(tokens.deptadmin, { reason: '已核实' }, a.members[1].patientId);
    assert.equal(out.status, 404, 'A2 is outside 内科');

    const ok = await lift(tokens.deptadmin, { reason: '急诊未能就诊，已核实' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.suspendedUntil, null);
    const again = await lift(tokens.deptadmin, { reason: '急诊未能就诊，已核实' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'NOT_SUSPENDED');

    const booked = await call('POST', '/api/mp/appointments', {
      token: a.token,
      body: { scheduleId: s.id, patientId: a1.patientId },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const detail = await call('GET', `/api/admin/booking/patients/${a1.patientId}`, { token: tokens.admin });
    assert.equal(detail.body.patient.suspendedUntil, null);
    assert.ok(
      detail.body.noShows.every((n: { counted: boolean }) => !n.counted),
      'kept on record, not counted',
    );
    assert.equal(detail.body.lifts[0].reason, '急诊未能就诊，已核实');
    assert.equal(detail.body.lifts[0].by, '王科长');
    assert.equal(await PatientNotice.count({ where: { userId: a.userId, title: '预约资格已恢复' } }), 1);
    const logged = await OperLog.findAll({
      where: { path: `/api/admin/booking/patients/${a1.patientId}/lift-suspension`, status: 'success' },
    });
    assert.equal(logged.length, 1, 'in the operation log, with who and why');
    assert.match(logged[0].params ?? '', /急诊未能就诊/);
  });

  it('随访管理 shows each patient’s masked number, to be revealed like everywhere else; the list read is audited', async () => {
    const [a1] = a.members;
    const appt = (await call('GET', `/api/admin/booking/patients/${a1.patientId}`, { token: cardio.token })).body
      .appointments[0];
    const fu = await call('POST', `/api/admin/booking/appointments/${appt.id}/follow-ups`, {
      token: cardio.token,
      body: { planDate: shanghaiDate(), content: '电话随访：血压控制情况' },
    });
    assert.equal(fu.status, 201, JSON.stringify(fu.body));
    // 随访管理 is the followup module's task list; a follow-up made through booking's old route is one of its tasks
    const list = await call('GET', '/api/admin/followup/tasks?pageSize=100', { token: cardio.token });
    assert.equal(list.status, 200);
    const row = list.body.items.find((f: { id: number }) => f.id === fu.body.id);
    assert.equal(row.patientId, a1.patientId);
    assert.equal(row.patientPhoneMasked, `${a1.phone.slice(0, 3)}****${a1.phone.slice(-4)}`);
    assert.ok(!JSON.stringify(list.body).includes(a1.phone));
    assert.ok(
      await DataAccessLog.findOne({
        where: { what: 'followup.task.list', actorId: cardio.id, patientId: a1.patientId },
      }),
    );
  });

  it('phone reveal: one number per request, permission and scope checked, each reveal audited, rate-limited', async () => {
    const [a1] = a.members;
    const b1 = b.members[0];
    const reveal = (token: string, id: number) => call('POST', `/api/admin/booking/patients/${id}/phone`, { token });
    const before = await DataAccessLog.count({ where: { what: 'booking.patient.phone', patientId: a1.patientId } });
    const one = await reveal(cardio.token, a1.patientId);
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(one.body, { patientId: a1.patientId, phone: a1.phone });
    assert.equal((await reveal(tokens.chief, a1.patientId)).body.phone, a1.phone);
    assert.equal(
      await DataAccessLog.count({ where: { what: 'booking.patient.phone', patientId: a1.patientId } }),
      before + 2,
      'one data-access row per reveal',
    );
    const log = await DataAccessLog.findOne({
      where: { what: 'booking.patient.phone', patientId: a1.patientId, actorId: cardio.id },
    });
    assert.ok(log, 'who revealed it');
    const op = await OperLog.findOne({ where: { path: `/api/admin/booking/patients/${a1.patientId}/phone` } });
    assert.ok(op && !(op.params ?? '').includes(a1.phone), 'the operation log holds no number');

    for (const [token, id] of [
      [cardio.token, b1.patientId],
      [tokens.deptadmin, b1.patientId],
      [tokens.doctor, a1.patientId],
    ] as const) {
      const r = await reveal(token, id);
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'NOT_FOUND');
    }
    assert.equal((await reveal(a.token, a1.patientId)).status, 401);

    // a staff account without the permission (no roles)
    const created = await call('POST', '/api/admin/system/users', {
      token: tokens.admin,
      body: {
        username: unique('np'),
        name: '无权限',
        password: 'Sunlit-Harbor-42',
        deptId: await deptId('心血管内科'),
        roleIds: [],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await replaceInitialPassword(created.body.username, 'Sunlit-Harbor-42', 'Quiet-Meadow-7315');
    const none = (await adminLogin(created.body.username, 'Quiet-Meadow-7315')).accessToken;
    const denied = await reveal(none, a1.patientId);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'FORBIDDEN');

    // one at a time: a burst is cut off
    const chief = tokens.chief;
    let limited: { status: number; body: { error: { code: string } } } | undefined;
    for (let i = 0; i < 25 && !limited; i++) {
      const r = await reveal(chief, a1.patientId);
      if (r.status === 429) limited = r;
      else assert.equal(r.status, 200);
    }
    assert.ok(limited, 'more than 20 reveals a minute are refused');
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.ok(
      (await DataAccessLog.count({
        where: { what: 'booking.patient.phone', actorName: { [Op.ne]: '' }, patientId: a1.patientId },
      })) >= 20,
    );
  });
});
