/**
 * Statistics roll-ups: the stats-rollup job counts today's bookings per department into stats_daily, and the
 * 统计分析 page and the dashboard read the roll-ups within the caller's data scope.
 */
import assert from 'node:assert/strict';
import { call, loginAs } from '../../support/api';
import { newDoctor, newSchedule, patient } from '../../support/booking';
import { until } from '../../support/child';
import { shanghaiDay } from '../../../bff/src/modules/monitor/stats';

describe('monitor: statistics roll-ups (统计分析 and the dashboard)', function () {
  this.timeout(60_000);
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
