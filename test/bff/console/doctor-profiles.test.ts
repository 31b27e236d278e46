/**
 * 医生管理 (issue 15): doctor profiles (photo through the kernel's uploads, 职称, 号别, 擅长, 简介) edited in the console
 * within the editor's data scope, shown to patients; the 号别's fee prices the doctor's sessions when they are
 * scheduled (and imported), a fee change reprices sessions nobody has booked, never a booked one.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startStack } from '../../support/stack';
import { call, loginAs, bookAsApp } from '../../support/api';
import { admin, newDoctor, newSchedule, patient, tomorrow } from '../../support/booking';
import { addDays } from '../../../bff/src/shared/time';
import { Schedule } from '../../../bff/src/modules/scheduling/models';
import { PayOrder } from '../../../bff/src/modules/payment/models';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('医生管理: doctor profiles and 号别 fees', function () {
  this.timeout(300_000);
  let tokens: Record<'admin' | 'deptadmin' | 'chief' | 'doctor', string>;
  let cardio: { id: number; username: string; deptId: number };
  let surgeon: { id: number; username: string; deptId: number };
  let expertFee = 0;

  before(async () => {
    await startStack();
    tokens = {
      admin: await admin(),
      deptadmin: await loginAs('deptadmin'),
      chief: await loginAs('chief'),
      doctor: await loginAs('doctor'),
    };
    cardio = await newDoctor('心血管内科', '资料医生');
    surgeon = await newDoctor('普通外科', '外科医生');
    const levels = await call('GET', '/api/admin/scheduling/levels', { token: tokens.admin });
    assert.equal(levels.status, 200);
    assert.deepEqual(
      levels.body.map((l: { code: string; name: string }) => [l.code, l.name]),
      [
        ['ordinary', '普通号'],
        ['expert', '专家号'],
        ['special', '特需号'],
      ],
    );
    expertFee = levels.body[1].feeFen;
  });

  after(async () => {
    // leave the hospital's 专家号 fee as it was for the other suites of this run
    if (expertFee)
      await call('PUT', '/api/admin/scheduling/levels/expert', { token: tokens.admin, body: { feeFen: expertFee } });
  });

  it('lists doctors by role and data scope', async () => {
    // every page: the run's other suites add doctors named …医生 to the same database (more than one page of them)
    const names = async (token: string) => {
      const ids: number[] = [];
      for (let page = 1; ; page++) {
        const r = await call('GET', `/api/admin/scheduling/doctor-profiles?pageSize=100&page=${page}&name=医生`, {
          token,
        });
        if (r.status !== 200) return { status: r.status, ids };
        ids.push(...r.body.items.map((d: { id: number }) => d.id));
        if (!r.body.items.length || ids.length >= r.body.total) return { status: 200, ids };
      }
    };
    const a = await names(tokens.admin);
    assert.equal(a.status, 200);
    assert.ok(a.ids.includes(cardio.id) && a.ids.includes(surgeon.id), 'the administrator sees every department');
    const d = await names(tokens.deptadmin);
    assert.equal(d.status, 200);
    assert.ok(d.ids.includes(cardio.id), '内科 and below');
    assert.ok(!d.ids.includes(surgeon.id), 'not 外科');
    const c = await names(tokens.chief);
    assert.equal(c.status, 200);
    assert.ok(c.ids.includes(cardio.id) && !c.ids.includes(surgeon.id), 'the chief sees their department');
    assert.equal((await names(tokens.doctor)).status, 403, 'a physician has no 医生管理');
    const mp = await patient();
    const asPatient = await call('GET', '/api/admin/scheduling/doctor-profiles', { token: mp.token });
    assert.equal(asPatient.status, 401);
    assert.equal((await call('GET', '/api/admin/scheduling/doctor-profiles')).status, 401);
  });

  it('edits a profile within scope only, with stable codes for bad input', async () => {
    const put = (token: string, id: number, body: unknown) =>
      call('PUT', `/api/admin/scheduling/doctor-profiles/${id}`, { token, body });
    const ok = await put(tokens.deptadmin, cardio.id, {
      title: '副主任医师',
      specialty: '冠心病介入治疗',
      intro: '从事心血管内科临床工作二十年。',
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.title, '副主任医师');
    assert.equal(ok.body.level, null);

    const outOfScope = await put(tokens.deptadmin, surgeon.id, { specialty: '疝' });
    assert.equal(outOfScope.status, 403);
    assert.equal(outOfScope.body.error.code, 'OUT_OF_SCOPE');
    const chief = await put(tokens.chief, cardio.id, { specialty: '高血压' });
    assert.equal(chief.status, 403, 'the chief reads profiles, does not edit them');
    assert.equal(chief.body.error.code, 'FORBIDDEN');
    assert.equal((await put(tokens.doctor, cardio.id, { specialty: '高血压' })).status, 403);

    const me = await call('GET', '/api/admin/me', { token: tokens.deptadmin });
    const notADoctor = await put(tokens.admin, me.body.user.id, { specialty: 'x' });
    assert.equal(notADoctor.status, 404);
    assert.equal(notADoctor.body.error.code, 'NOT_FOUND');
    assert.equal((await put(tokens.admin, 999_999_999, { specialty: 'x' })).body.error.code, 'NOT_FOUND');

    for (const bad of [{}, { level: 'vip' }, { avatarUrl: 'https://evil.example/x.png' }, { title: 'x'.repeat(33) }]) {
      const r = await put(tokens.admin, cardio.id, bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }
    const ghost = await put(tokens.admin, cardio.id, { avatarUrl: `/files/${crypto.randomUUID()}.png` });
    assert.equal(ghost.status, 422);
    assert.equal(ghost.body.error.code, 'INVALID_AVATAR');

    // a photo uploaded through the kernel's files service
    const { baseUrl } = await startStack();
    const up = await fetch(`${baseUrl}/api/admin/files?kind=image&filename=photo.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.deptadmin}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(PNG),
    });
    assert.equal(up.status, 201);
    const { url } = (await up.json()) as { url: string };
    const withPhoto = await put(tokens.deptadmin, cardio.id, { avatarUrl: url });
    assert.equal(withPhoto.status, 200);
    assert.equal(withPhoto.body.avatarUrl, url);

    // patients see it on the doctor's page
    const mp = await patient();
    const card = await call('GET', `/api/mp/booking/doctors/${cardio.id}`, { token: mp.token });
    assert.equal(card.status, 200, JSON.stringify(card.body));
    assert.equal(card.body.title, '副主任医师');
    assert.equal(card.body.specialty, '冠心病介入治疗');
    assert.equal(card.body.intro, '从事心血管内科临床工作二十年。');
    assert.equal(card.body.avatarUrl, url);
    assert.equal(card.body.levelName, null);
  });

  it('号别 prices the sessions: scheduling, booking, import; a fee change reprices only unbooked sessions', async () => {
    const noLevel = await call('POST', '/api/admin/scheduling/schedules', {
      token: tokens.admin,
      body: {
        doctorId: cardio.id,
        clinicDate: tomorrow(),
        period: 'pm',
        startTime: '13:30',
        endTime: '17:00',
        slotCount: 5,
        releaseAt: new Date(Date.now() - 3600_000).toISOString(),
      },
    });
    assert.equal(noLevel.status, 422, 'without a 号别 the fee must be given');
    assert.equal(noLevel.body.error.code, 'FEE_REQUIRED');

    const set = await call('PUT', `/api/admin/scheduling/doctor-profiles/${cardio.id}`, {
      token: tokens.deptadmin,
      body: { level: 'expert' },
    });
    assert.equal(set.status, 200);
    assert.equal(set.body.levelName, '专家号');
    assert.equal(set.body.levelFeeFen, expertFee);

    // the fee given is not what prices a doctor with a 号别
    const booked = await newSchedule(cardio.id, { feeFen: 100, date: addDays(tomorrow(), 1) });
    const unbooked = await newSchedule(cardio.id, { feeFen: 100, date: addDays(tomorrow(), 2) });
    assert.equal((await Schedule.findByPk(booked.id))!.feeFen, expertFee);
    const p = await patient();
    const b = await bookAsApp({
      token: p.token,
      body: { scheduleId: booked.id, patientId: p.patientId },
    });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    assert.equal(b.body.appointment.feeFen, expertFee);
    const order = await PayOrder.findOne({ where: { subjectType: 'appointment', subjectId: b.body.appointment.id } });
    assert.equal(order!.amountFen, expertFee, 'WeChat Pay is asked for the 号别 fee');

    const edit = await call('PUT', `/api/admin/scheduling/schedules/${unbooked.id}`, {
      token: tokens.admin,
      body: { feeFen: 1 },
    });
    assert.equal(edit.status, 409);
    assert.equal(edit.body.error.code, 'FEE_FROM_LEVEL');

    // only administrators set the fees
    const denied = await call('PUT', '/api/admin/scheduling/levels/expert', {
      token: tokens.deptadmin,
      body: { feeFen: 6600 },
    });
    assert.equal(denied.status, 403);
    const bad = await call('PUT', '/api/admin/scheduling/levels/expert', {
      token: tokens.admin,
      body: { feeFen: -1 },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.equal(
      (await call('PUT', '/api/admin/scheduling/levels/vip', { token: tokens.admin, body: { feeFen: 1 } })).status,
      400,
    );
    const changed = await call('PUT', '/api/admin/scheduling/levels/expert', {
      token: tokens.admin,
      body: { feeFen: expertFee + 1600 },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.ok(changed.body.repriced >= 1);
    assert.equal((await Schedule.findByPk(unbooked.id))!.feeFen, expertFee + 1600, 'unbooked: new fee');
    assert.equal((await Schedule.findByPk(booked.id))!.feeFen, expertFee, 'booked: the price the patient was shown');

    // what patients see follows at once (cached listings are invalidated)
    const card = await call('GET', `/api/mp/booking/doctors/${cardio.id}`, { token: p.token });
    assert.equal(card.body.levelName, '专家号');
    assert.equal(card.body.levelFeeFen, expertFee + 1600);
    const sessions = await call('GET', `/api/mp/booking/doctors/${cardio.id}/schedules`, { token: p.token });
    assert.equal(sessions.body.find((s: { id: number }) => s.id === unbooked.id).feeFen, expertFee + 1600);

    // moving the doctor to 普通号 reprices their unbooked sessions again
    const ordinary = (await call('GET', '/api/admin/scheduling/levels', { token: tokens.admin })).body.find(
      (l: { code: string }) => l.code === 'ordinary',
    ).feeFen;
    await call('PUT', `/api/admin/scheduling/doctor-profiles/${cardio.id}`, {
      token: tokens.admin,
      body: { level: 'ordinary' },
    });
    assert.equal((await Schedule.findByPk(unbooked.id))!.feeFen, ordinary);
    assert.equal((await Schedule.findByPk(booked.id))!.feeFen, expertFee);

    // an imported row of a doctor with a 号别: the 号别's fee, whatever the row says (it may even be empty)
    const header = '医生账号,医生姓名,日期,时段,开始时间,结束时间,号源数,挂号费(元),放号时间,就诊地点';
    const day = addDays(tomorrow(), 3);
    const csv = [
      header,
      `${cardio.username},资料医生,${day},上午,08:00,12:00,10,1.00,,`,
      `${cardio.username},资料医生,${day},下午,13:30,17:00,10,,,`,
    ];
    const { baseUrl } = await startStack();
    const res = await fetch(`${baseUrl}/api/admin/scheduling/imports?filename=levels.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/octet-stream' },
      body: csv.join('\n'),
    });
    const preview = (await res.json()) as { valid: number; previewId: string; rows: { data: { feeYuan: string } }[] };
    assert.equal(preview.valid, 2, JSON.stringify(preview));
    assert.deepEqual(
      preview.rows.map((r) => r.data.feeYuan),
      [(ordinary / 100).toFixed(2), (ordinary / 100).toFixed(2)],
    );
    const commit = await call('POST', `/api/admin/scheduling/imports/${preview.previewId}/commit`, {
      token: tokens.admin,
    });
    assert.equal(commit.body.created, 2);
    const imported = await Schedule.findAll({ where: { doctorId: cardio.id, clinicDate: day } });
    assert.deepEqual(
      imported.map((s) => s.feeFen),
      [ordinary, ordinary],
    );
  });
});
