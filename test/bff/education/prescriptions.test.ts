import assert from 'node:assert/strict';
import { call, bookAsApp } from '../../support/api';
import { startStack } from '../../support/stack';
import { newDoctor, newSchedule, patient } from '../../support/booking';
import { PayOrder } from '../../../bff/src/modules/payment/models';
import { PatientNotice } from '../../../bff/src/kernel/notifications';
import { DataAccessLog } from '../../../bff/src/kernel/audit';
import { Menu, Role, RoleMenu } from '../../../bff/src/modules/system/models';
import { bookedToday, physician } from '../../support/records';
import { chiefToken, draft, published, staff } from './helpers';

async function bookedAppointment() {
  const doctor = await newDoctor();
  const s = await newSchedule(doctor.id);
  const p = await patient();
  const r = await bookAsApp({
    token: p.token,
    body: { scheduleId: s.id, patientId: p.patientId },
  });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return { p, appointmentId: r.body.appointment.id as number };
}

async function pay(appointmentId: number) {
  const { pay } = await startStack();
  const order = await PayOrder.findOne({
    where: { subjectType: 'appointment', subjectId: appointmentId },
    order: [['id', 'DESC']],
  });
  await pay.pay(order!.outTradeNo);
  await pay.settled();
}

describe('education: 宣教处方 sent from an appointment', () => {
  it('sends published items to the patient, who is notified, reads them, and the physician sees it', async () => {
    const chief = await chiefToken();
    const { p, appointmentId } = await bookedAppointment();
    const a = await published();
    const v = await published({
      kind: 'video',
      body: '',
      videoUrl: 'https://media.example.org/x.mp4',
      durationSec: 60,
    });
    const send = (contentIds: number[], token = chief) =>
      call('POST', '/api/admin/education/prescriptions', { token, body: { appointmentId, contentIds } });
    const unpaid = await send([a.id]);
    assert.equal(unpaid.status, 422);
    assert.equal(unpaid.body.error.code, 'NOT_PRESCRIBABLE');
    await pay(appointmentId);
    const d = await draft(chief);
    assert.equal((await send([d.id])).body.error.code, 'CONTENT_STATE');
    const sent = await send([a.id, v.id]);
    assert.equal(sent.status, 201);
    assert.equal(sent.body.length, 2);
    assert.equal((await send([a.id])).body.length, 2, 'sending the same item again adds nothing');
    const notices = await PatientNotice.findAll({ where: { userId: p.userId, linkType: 'edu_prescription' } });
    assert.equal(notices.length, 1);
    assert.match(notices[0]!.content, new RegExp(a.title));

    const mine = (await call('GET', '/api/mp/education/prescriptions', { token: p.token })).body;
    assert.deepEqual(mine.items.map((x: { content: { id: number } }) => x.content.id).sort(), [a.id, v.id].sort());
    assert.ok(
      mine.items.every((x: { readAt: unknown; doctorName: string }) => x.readAt === null && x.doctorName === '李建国'),
    );
    await call('GET', `/api/mp/education/contents/${a.id}`, { token: p.token });
    const seen = (
      await call('GET', `/api/admin/education/prescriptions?appointmentId=${appointmentId}`, { token: chief })
    ).body;
    assert.ok(seen.find((x: { contentId: number }) => x.contentId === a.id).readAt);
    assert.equal(seen.find((x: { contentId: number }) => x.contentId === v.id).readAt, null);
    const audited = await DataAccessLog.findAll({
      where: { what: 'education.prescription.list', patientId: p.patientId },
    });
    assert.ok(audited.length >= 1, 'console reads of a patient’s 宣教处方 are audited');

    const resp = await staff('chief_physician', '呼吸内科');
    assert.equal((await send([a.id], resp.token)).status, 404);
    assert.equal(
      (await call('GET', `/api/admin/education/prescriptions?appointmentId=${appointmentId}`, { token: resp.token }))
        .status,
      404,
    );
  });

  it('is sent from the visit record too: the record’s appointment, the record’s physician, the buttons on 接诊工作台', async () => {
    // The buttons join records' page through the menu assembly, granted to the clinical roles.
    const page = await Menu.findOne({ where: { name: '接诊工作台', type: 'M' } });
    assert.equal(page?.component, 'records/workbench/index', 'the page keeps its owner’s component');
    const buttons = await Menu.findAll({ where: { parentId: page!.id, type: 'B' } });
    const physicianRole = await Role.findOne({ where: { key: 'physician' } });
    for (const perm of ['edu:prescription:list', 'edu:prescription:add']) {
      const b = buttons.find((x) => x.perms === perm);
      assert.ok(b, `${perm} is a button of 接诊工作台`);
      assert.ok(
        await RoleMenu.findOne({ where: { roleId: physicianRole!.id, menuId: b!.id } }),
        `physicians get ${perm}`,
      );
    }

    const doc = await physician();
    const other = await physician();
    const p = await patient();
    const appt = await bookedToday(doc, p, 1);
    const rec = await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: appt.id } });
    assert.equal(rec.status, 200, JSON.stringify(rec.body));
    assert.equal(rec.body.appointmentId, appt.id);
    const a = await published();
    const send = (token: string) =>
      call('POST', '/api/admin/education/prescriptions', {
        token,
        body: { appointmentId: rec.body.appointmentId, contentIds: [a.id] },
      });
    // Another physician, who neither saw nor booked this patient, cannot send from (or read) this record's visit.
    assert.equal((await send(other.token)).status, 404);
    const sent = await send(doc.token);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.deepEqual(
      sent.body.map((x: { contentId: number; doctorName: string }) => x.contentId),
      [a.id],
    );
    const mine = (await call('GET', '/api/mp/education/prescriptions', { token: p.token })).body;
    assert.deepEqual(
      mine.items.map((x: { content: { id: number } }) => x.content.id),
      [a.id],
    );
    // Signing the record (the visit is then 已就诊) still allows sending: 宣教 after the visit is the point.
    const b = await published();
    const saved = await call('PUT', `/api/admin/records/visits/${rec.body.id}`, {
      token: doc.token,
      body: { chiefComplaint: '头晕', diagnoses: [{ code: 'I10' }], advice: '低盐饮食' },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const signed = await call('POST', `/api/admin/records/visits/${rec.body.id}/sign`, { token: doc.token, body: {} });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    const after = await call('POST', '/api/admin/education/prescriptions', {
      token: doc.token,
      body: { appointmentId: appt.id, contentIds: [b.id] },
    });
    assert.equal(after.status, 201, JSON.stringify(after.body));
    assert.equal(after.body.length, 2);
    assert.equal(
      (await call('GET', `/api/admin/education/prescriptions?appointmentId=${appt.id}`, { token: other.token })).status,
      404,
    );
  });
});
