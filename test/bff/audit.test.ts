/**
 * Reads of patients' medical data by staff are audited through the kernel (data_access_log): a console read of
 * appointments — list, detail, export — leaves rows naming the staff member, the patient and the appointments shown;
 * a patient reading their own appointments does not; the log is readable with monitor:accesslog:list only.
 */
import assert from 'node:assert/strict';
import { call, loginAs } from '../support/api';
import { startStack } from '../support/stack';
import { newDoctor, newSchedule, patient } from '../support/booking';

const book = (token: string, scheduleId: number, patientId: number) =>
  call('POST', '/api/mp/appointments', { token, body: { scheduleId, patientId } });
const logsOf = async (token: string, patientId: number) =>
  (await call('GET', `/api/admin/monitor/access-logs?patientId=${patientId}&pageSize=100`, { token })).body;

describe('audit of reads: data_access_log', () => {
  it('a console read of appointments names the admin, the patient and the appointments; a patient’s own read is not logged', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 5 });
    const p = await patient();
    const q = await patient();
    const a1 = (await book(p.token, s.id, p.patientId)).body.appointment;
    const a2 = (await book(q.token, s.id, q.patientId)).body.appointment;
    const admin = await loginAs('admin');

    // The patient looks at their own appointments: nothing to audit.
    assert.equal((await call('GET', '/api/mp/appointments?status=pending', { token: p.token })).status, 200);
    assert.equal((await call('GET', `/api/mp/appointments/${a1.id}`, { token: p.token })).status, 200);
    assert.equal((await logsOf(admin, p.patientId)).total, 0);

    const list = await call('GET', `/api/admin/booking/appointments?doctorId=${doctor.id}`, {
      token: admin,
      headers: { 'x-request-id': 'audit-list-1' },
    });
    assert.equal(list.body.total, 2);
    const [row] = (await logsOf(admin, p.patientId)).items;
    assert.equal(row.actorName, 'admin');
    assert.ok(row.actorRoles.includes('admin'));
    assert.equal(row.what, 'booking.appointment.list');
    assert.equal(row.patientId, p.patientId);
    assert.equal(row.subjectType, 'appointment');
    assert.deepEqual(row.subjectIds, [String(a1.id)]);
    assert.equal(row.requestId, 'audit-list-1');
    assert.match(row.ip, /127\.0\.0\.1/);
    // One row per patient shown, grouped by the request.
    const other = (await logsOf(admin, q.patientId)).items;
    assert.equal(other.length, 1);
    assert.deepEqual(other[0].subjectIds, [String(a2.id)]);
    assert.equal(other[0].requestId, 'audit-list-1');

    assert.equal((await call('GET', `/api/admin/booking/appointments/${a1.id}`, { token: admin })).status, 200);
    const res = await fetch(
      `${(await startStack()).baseUrl}/api/admin/booking/appointments/export?doctorId=${doctor.id}`,
      { headers: { authorization: `Bearer ${admin}` } },
    );
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const whats = (await logsOf(admin, p.patientId)).items.map((l: { what: string }) => l.what);
    assert.deepEqual(whats, ['booking.appointment.export', 'booking.appointment.view', 'booking.appointment.list']);
  });

  it('exporting appointments (patients’ data) to Excel is written to the operation log and audited', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 3 });
    const p = await patient();
    const a = (await book(p.token, s.id, p.patientId)).body.appointment;
    const admin = await loginAs('admin');
    const res = await fetch(
      `${(await startStack()).baseUrl}/api/admin/booking/appointments/export?doctorId=${doctor.id}`,
      { headers: { authorization: `Bearer ${admin}`, 'x-request-id': 'export-oper-1' } },
    );
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const ops = await call('GET', '/api/admin/monitor/oper-logs?module=booking&pageSize=50', { token: admin });
    const op = (ops.body.items as { path: string; params: Record<string, unknown> }[]).find(
      (o) => o.path === '/api/admin/booking/appointments/export' && o.params?.doctorId === String(doctor.id),
    ) as Record<string, unknown> | undefined;
    assert.ok(op, 'the export is not in the operation log');
    assert.equal(op.action, '导出预约数据（含患者信息）');
    assert.equal(op.method, 'GET');
    assert.equal(op.username, 'admin');
    assert.equal(op.status, 'success');
    // and the access log names the patient and the appointment that left in the file
    const [row] = (await logsOf(admin, p.patientId)).items;
    assert.equal(row.what, 'booking.appointment.export');
    assert.deepEqual(row.subjectIds, [String(a.id)]);
  });

  for (const [what, path, module, filter, action] of [
    ['follow-ups', '/api/admin/followup/tasks/export', 'followup', 'patientName', '导出随访数据（含患者信息）'],
    ['orders', '/api/admin/payment/orders/export', 'payment', 'outTradeNo', '导出订单（含患者信息）'],
  ] as const) {
    it(`exporting ${what} (patients’ names and phones) to Excel is written to the operation log`, async () => {
      const admin = await loginAs('admin');
      const marker = `审计${Math.floor(Math.random() * 1e6)}`;
      const res = await fetch(`${(await startStack()).baseUrl}${path}?${filter}=${encodeURIComponent(marker)}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const ops = await call('GET', `/api/admin/monitor/oper-logs?module=${module}&pageSize=50`, { token: admin });
      const op = (ops.body.items as { path: string; params: Record<string, unknown> }[]).find(
        (o) => o.path === path && o.params?.[filter] === marker,
      ) as Record<string, unknown> | undefined;
      assert.ok(op, `the ${what} export is not in the operation log`);
      assert.deepEqual([op.action, op.method, op.username, op.status], [action, 'GET', 'admin', 'success']);
    });
  }

  it('a read outside the reader’s data scope shows nothing and logs nothing', async () => {
    const doctor = await newDoctor('骨科');
    const s = await newSchedule(doctor.id);
    const p = await patient();
    const a = (await book(p.token, s.id, p.patientId)).body.appointment;
    const deptadmin = await loginAs('deptadmin');
    assert.equal((await call('GET', `/api/admin/booking/appointments/${a.id}`, { token: deptadmin })).status, 404);
    assert.equal((await logsOf(await loginAs('admin'), p.patientId)).total, 0);
  });

  it('the access log needs monitor:accesslog:list', async () => {
    const doctor = await loginAs('doctor');
    const r = await call('GET', '/api/admin/monitor/access-logs', { token: doctor });
    assert.equal(r.status, 403);
    const admin = await call('GET', '/api/admin/monitor/access-logs?pageSize=5', { token: await loginAs('admin') });
    assert.equal(admin.status, 200);
    assert.ok(admin.body.items.length <= 5);
  });
});
