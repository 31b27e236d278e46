/**
 * Statistics roll-ups: the stats-rollup job counts today's bookings per department into stats_daily, and the
 * 统计分析 page and the dashboard read the roll-ups within the caller's data scope.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { call, loginAs } from '../../support/api';
import { startStack } from '../../support/stack';
import { User } from '../../../bff/src/modules/system/models';
import { newDoctor, newSchedule, patient } from '../../support/booking';
import { until } from '../../support/child';
import { shanghaiDay } from '../../../bff/src/modules/monitor/stats';

describe('monitor: statistics roll-ups (统计分析 and the dashboard)', function () {
  // the first test starts the shared stack (migrations, demo seed): over a minute on a busy MariaDB
  this.timeout(180_000);
  let admin: string;
  let deptId: number;

  async function rollUpNow() {
    const before = await call('GET', '/api/admin/monitor/jobs/stats-rollup/runs?pageSize=1', { token: admin });
    const lastId = before.body.items[0]?.id ?? 0;
    assert.equal((await call('POST', '/api/admin/monitor/jobs/stats-rollup/run', { token: admin })).status, 202);
    return until('the roll-up run', 30_000, async () => {
      const r = await call('GET', '/api/admin/monitor/jobs/stats-rollup/runs?pageSize=1', { token: admin });
      const run = r.body.items[0];
      if (!run || run.id === lastId || run.status === 'running') return undefined;
      assert.equal(run.status, 'success', JSON.stringify(run));
      return run;
    });
  }

  before(async () => {
    admin = await loginAs('admin');
  });

  it('counts a booking made today under its department, from the roll-up', async () => {
    const today = shanghaiDay(new Date());
    await rollUpNow();
    const before = await call('GET', `/api/admin/monitor/stats?from=${today}&to=${today}`, { token: admin });
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const doctor = await newDoctor('心血管内科');
    deptId = doctor.deptId;
    const s = await newSchedule(doctor.id);
    const p = await patient();
    const booked = await call('POST', '/api/mp/appointments', {
      token: p.token,
      body: { scheduleId: s.id, patientId: p.patientId },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));

    // not in the statistics until the roll-up runs: they never scan the live table
    const stale = await call('GET', `/api/admin/monitor/stats?from=${today}&to=${today}`, { token: admin });
    assert.equal(stale.body.totals.bookings, before.body.totals.bookings);

    const run = await rollUpNow();
    const after = await call('GET', `/api/admin/monitor/stats?from=${today}&to=${today}`, { token: admin });
    assert.match(run.result, /"rows":\d+/);
    assert.equal(after.body.totals.bookings, before.body.totals.bookings + 1);
    assert.ok(after.body.totals.newPatients >= 1);
    assert.equal(after.body.days.length, 1);
    assert.equal(after.body.days[0].day, today);
    const dept = after.body.depts.find((d: { deptId: number }) => d.deptId === deptId);
    assert.ok(dept && dept.bookings >= 1 && dept.deptName === '心血管内科', JSON.stringify(after.body.depts));
    assert.ok(after.body.updatedAt);

    const week = await call('GET', `/api/admin/monitor/stats?from=2026-01-01&to=2026-01-07`, { token: admin });
    assert.equal(week.status, 200);
    assert.equal(week.body.days.length, 7);
  });

  it('the dashboard shows today’s figures in the caller’s scope', async () => {
    const a = await call('GET', '/api/admin/monitor/stats/today', { token: admin });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.allDepartments, true);
    assert.ok(a.body.bookings >= 1);
    const doctor = await loginAs('doctor');
    const d = await call('GET', '/api/admin/monitor/stats/today', { token: doctor });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.equal(d.body.allDepartments, false);
    assert.equal(d.body.newPatients, 0, 'new patients belong to no department');
    assert.ok(d.body.bookings <= a.body.bookings);
    assert.equal(
      (await call('GET', '/api/admin/monitor/stats?from=2026-01-01&to=2026-01-02', { token: doctor })).status,
      403,
    );
  });

  it('counts consultations and education reads, which consult and education roll up through the kernel', async () => {
    const today = shanghaiDay(new Date());
    await rollUpNow();
    const before = (await call('GET', `/api/admin/monitor/stats?from=${today}&to=${today}`, { token: admin })).body;
    const p = await patient();
    const doctor = (await User.findOne({ where: { username: 'doctor' } }))!;
    const opened = await call('POST', '/api/mp/consult/consultations', {
      token: p.token,
      body: { doctorId: doctor.id, patientId: p.patientId },
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    const list = await call('GET', '/api/mp/education/contents?pageSize=2', { token: p.token });
    const [first, second] = list.body.items as { id: number }[];
    assert.ok(first && second, 'the demo has published education content');
    for (const id of [first.id, first.id, second.id])
      assert.equal((await call('GET', `/api/mp/education/contents/${id}`, { token: p.token })).status, 200);

    await rollUpNow();
    const after = (await call('GET', `/api/admin/monitor/stats?from=${today}&to=${today}`, { token: admin })).body;
    assert.equal(after.totals.consultations, before.totals.consultations + 1);
    assert.equal(after.totals.eduReads, before.totals.eduReads + 3);
    assert.equal(after.days[0].consultations, after.totals.consultations);
    const dept = after.depts.find((d: { deptId: number }) => d.deptId === doctor.deptId);
    assert.ok(dept && dept.consultations >= 1, JSON.stringify(after.depts));
  });

  it('exports 统计分析 as Excel (by day, by department) within the caller’s scope, logged in 操作日志', async () => {
    const today = shanghaiDay(new Date());
    const from = shanghaiDay(new Date(Date.now() - 6 * 86_400_000));
    const shown = (await call('GET', `/api/admin/monitor/stats?from=${from}&to=${today}`, { token: admin })).body;
    const { baseUrl } = await startStack();
    const res = await fetch(`${baseUrl}/api/admin/monitor/stats/export?from=${from}&to=${today}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /spreadsheetml/);
    assert.match(decodeURIComponent(res.headers.get('content-disposition') ?? ''), /统计分析-.+\.xlsx/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const days = wb.getWorksheet('按日')!;
    const header = (days.getRow(1).values as unknown[]).slice(1);
    assert.deepEqual(header, [
      '日期',
      '新增患者',
      '预约',
      '取消',
      '支付笔数',
      '支付金额(元)',
      '退款笔数',
      '退款金额(元)',
      '问诊',
      '宣教阅读',
    ]);
    assert.equal(days.rowCount, 1 + 7 + 1); // header, seven days, 合计
    const todayRow = days.getRow(8).values as unknown[];
    assert.equal(todayRow[1], today);
    assert.equal(todayRow[3], shown.days[6].bookings);
    assert.equal(todayRow[9], shown.days[6].consultations);
    const total = days.getRow(9).values as unknown[];
    assert.equal(total[1], '合计');
    assert.equal(total[6], shown.totals.paidFen / 100);
    assert.equal(wb.getWorksheet('按科室')!.rowCount, 1 + shown.depts.length);

    const ops = await call('GET', '/api/admin/monitor/oper-logs?module=monitor&pageSize=20', { token: admin });
    const op = (ops.body.items as { path: string; action: string }[]).find(
      (o) => o.path === '/api/admin/monitor/stats/export',
    );
    assert.equal(op?.action, '导出统计数据');

    // the same checks as the page: permission, then the range
    const doctor = await loginAs('doctor');
    const refused = await call('GET', `/api/admin/monitor/stats/export?from=${from}&to=${today}`, { token: doctor });
    assert.equal(refused.status, 403);
    const reversed = await call('GET', `/api/admin/monitor/stats/export?from=${today}&to=${from}`, { token: admin });
    assert.equal(reversed.status, 400);
    assert.equal(reversed.body.error.code, 'VALIDATION_FAILED');
  });

  it('refuses a reversed or over-long range and malformed dates', async () => {
    const rev = await call('GET', '/api/admin/monitor/stats?from=2026-02-01&to=2026-01-01', { token: admin });
    assert.equal(rev.status, 400);
    assert.equal(rev.body.error.code, 'VALIDATION_FAILED');
    assert.equal(
      (await call('GET', '/api/admin/monitor/stats?from=2024-01-01&to=2026-01-01', { token: admin })).status,
      400,
    );
    assert.equal(
      (await call('GET', '/api/admin/monitor/stats?from=yesterday&to=2026-01-01', { token: admin })).status,
      400,
    );
  });
});
