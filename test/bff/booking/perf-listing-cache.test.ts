/**
 * The cached listings follow what system changes (departments, doctors, grants) — system knows nothing of
 * scheduling; scheduling's hooks on its models invalidate the listings after each commit.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call } from '../../support/api';
import { admin, newDoctor, newSchedule, patient } from '../../support/booking';
import { Dept } from '../../../bff/src/modules/system/models';
import { startStack } from '../../support/stack';
import { infra } from '../../../bff/src/infra';
import { listingsChanged } from '../../../bff/src/modules/scheduling/service';

interface BookingDept {
  id: number;
  name: string;
  doctorCount: number;
}

describe('booking: cached listings follow department and doctor changes at once', () => {
  it('a new department with a doctor appears, a rename shows, the doctor is listed', async () => {
    const p = await patient();
    const departments = async () => {
      const r = await call('GET', '/api/mp/booking/departments', { token: p.token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as BookingDept[];
    };
    const before = await departments(); // cached from here on
    const name = `缓存科${crypto.randomBytes(3).toString('hex')}`;
    const parent = (await Dept.findOne({ where: { name: '内科' } }))!;
    const created = await call('POST', '/api/admin/system/depts', {
      token: await admin(),
      body: { parentId: parent.id, name, type: 'department' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok(!before.some((d) => d.name === name));

    const doctor = await newDoctor(name);
    const listed = (await departments()).find((d) => d.id === created.body.id);
    assert.equal(listed?.doctorCount, 1, 'a new doctor (a user and a grant) shows at once');

    const renamed = await call('PUT', `/api/admin/system/depts/${created.body.id}`, {
      token: await admin(),
      body: { name: `${name}新` },
    });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.equal((await departments()).find((d) => d.id === created.body.id)?.name, `${name}新`);

    const doctors = await call('GET', `/api/mp/booking/doctors?deptId=${created.body.id}`, { token: p.token });
    assert.deepEqual(
      doctors.body.map((d: { id: number; deptName: string }) => [d.id, d.deptName]),
      [[doctor.id, `${name}新`]],
    );
  });
});

describe('booking: the listing is rendered once and sent to everyone for a moment, never past a release time', () => {
  it('a session shows as released from its release time on, never before and never a moment later', async () => {
    const p = await patient();
    const doctor = await newDoctor();
    // A couple of seconds ahead; the database keeps whole seconds (MariaDB) or milliseconds (SQLite), so the release
    // time that counts is the one the listing gives back.
    const s = await newSchedule(doctor.id, { releaseAt: new Date(Date.now() + 2_600).toISOString() });
    const first = await call('GET', `/api/mp/booking/doctors/${doctor.id}/schedules`, { token: p.token });
    const release = Date.parse(
      (first.body as { id: number; releaseAt: string }[]).find((x) => x.id === s.id)!.releaseAt,
    );
    const seen: { sent: number; released: boolean }[] = [];
    // Ask again and again from before the release until just after it: each answer is judged by when it was asked.
    while (Date.now() < release + 300) {
      const sent = Date.now();
      const r = await call('GET', `/api/mp/booking/doctors/${doctor.id}/schedules`, { token: p.token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const received = Date.now();
      const row = (r.body as { id: number; released: boolean }[]).find((x) => x.id === s.id)!;
      seen.push({ sent, released: row.released });
      if (received < release)
        assert.equal(
          row.released,
          false,
          `answered before the release: not released ${received - release} ${JSON.stringify(row)}`,
        );
      if (sent >= release) assert.equal(row.released, true, 'asked after the release: released');
    }
    assert.ok(seen.some((x) => !x.released) && seen.some((x) => x.released), JSON.stringify(seen.length));
  });
});

describe('booking: the listings changed in one turn of the event loop are told together', () => {
  it('one invalidation for the changes of a turn, each caller answered after it; the next turn sends its own', async () => {
    await startStack();
    const cache = infra().cache;
    const sent: string[][] = [];
    const invalidate = cache.invalidate.bind(cache);
    cache.invalidate = (...ns: string[]) => {
      sent.push(ns);
      return invalidate(...ns);
    };
    try {
      // a rush's winners finishing together: three sessions of two doctors of one department
      const turn = [
        listingsChanged({ doctorId: 901, deptId: 71 }),
        listingsChanged({ doctorId: 902, deptId: 71 }),
        listingsChanged({ doctorId: 901, deptId: 71 }),
      ];
      assert.equal(sent.length, 0, 'nothing is sent before the turn ends');
      await Promise.all(turn);
      assert.deepEqual(sent, [['sched:doctor:901', 'sched:dept:71', 'sched:doctor:902']]);
      // a change after that turn is told on its own
      await listingsChanged({ doctorId: 903, deptId: 72 });
      assert.deepEqual(sent[1], ['sched:doctor:903', 'sched:dept:72']);
      assert.equal(sent.length, 2);
    } finally {
      cache.invalidate = invalidate;
    }
  });
});
