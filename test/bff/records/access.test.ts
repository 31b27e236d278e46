/**
 * Who may read and write medical records: role × data scope × patient, for every records route. A physician sees
 * the patients they have seen or who are booked with them; a chief physician and a department admin by their
 * department scope; an administrator everything; nobody else (404, never "it exists but…"). Only the record's own
 * physician writes it. A patient sees only their own family members' SIGNED records.
 */
import assert from 'node:assert/strict';
import { call, loginAs } from '../../support/api';
import { bookedToday, patient, physician } from '../../support/records';

type Who = { name: string; token: string };

const content = {
  chiefComplaint: '咳嗽 3 天',
  presentIllness: '受凉后咳嗽，少量白痰',
  examination: '咽部充血',
  diagnoses: [{ code: 'J20.9' }],
  orders: '',
  plan: '对症治疗',
  advice: '多饮水',
};

describe('records: role × scope × patient matrix', () => {
  let author: Awaited<ReturnType<typeof physician>>;
  let colleague: Awaited<ReturnType<typeof physician>>;
  let otherDept: Awaited<ReturnType<typeof physician>>;
  let owner: Awaited<ReturnType<typeof patient>>;
  let stranger: Awaited<ReturnType<typeof patient>>;
  let signedId: number;
  let draftId: number;
  let draftAppt: number;
  let staff: Record<string, Who>;

  before(async () => {
    author = await physician('心血管内科');
    colleague = await physician('心血管内科');
    otherDept = await physician('呼吸内科');
    owner = await patient();
    stranger = await patient();
    const a1 = await bookedToday(author, owner, 1);
    signedId = (
      await call('POST', '/api/admin/records/visits', { token: author.token, body: { appointmentId: a1.id } })
    ).body.id;
    await call('PUT', `/api/admin/records/visits/${signedId}`, { token: author.token, body: content });
    const s = await call('POST', `/api/admin/records/visits/${signedId}/sign`, { token: author.token, body: {} });
    assert.equal(s.status, 200);
    // A second visit of the same patient, still a draft.
    const a2 = await bookedToday(author, owner, 2);
    draftAppt = a2.id;
    draftId = (await call('POST', '/api/admin/records/visits', { token: author.token, body: { appointmentId: a2.id } }))
      .body.id;
    staff = {
      author: { name: 'author', token: author.token },
      colleague: { name: 'same-dept physician', token: colleague.token },
      otherDept: { name: 'other-dept physician', token: otherDept.token },
      demoDoctor: { name: 'demo physician (心血管内科)', token: await loginAs('doctor') },
      chief: { name: 'chief (dept scope, 心血管内科)', token: await loginAs('chief') },
      deptadmin: { name: 'dept admin (内科 and below)', token: await loginAs('deptadmin') },
      admin: { name: 'admin (all)', token: await loginAs('admin') },
    };
  });

  const reads = () => [
    `/api/admin/records/visits/${signedId}`,
    `/api/admin/records/visits/${signedId}/versions`,
    `/api/admin/records/visits?patientId=${owner.patientId}`,
    `/api/admin/records/patients/${owner.patientId}/profile`,
  ];

  it('staff reads: the author, the chief and the dept admin by scope, the admin — others get 404', async () => {
    const expect: Record<string, number> = {
      author: 200,
      colleague: 404,
      otherDept: 404,
      demoDoctor: 404,
      chief: 200,
      deptadmin: 200,
      admin: 200,
    };
    for (const [key, who] of Object.entries(staff))
      for (const path of reads()) {
        const r = await call('GET', path, { token: who.token });
        assert.equal(r.status, expect[key], `${who.name} GET ${path}: ${JSON.stringify(r.body)}`);
      }
  });

  it('a draft is its author’s working copy: nobody else reads it, lists show it only to its author', async () => {
    for (const key of ['chief', 'deptadmin', 'admin'])
      assert.equal(
        (await call('GET', `/api/admin/records/visits/${draftId}`, { token: staff[key].token })).status,
        404,
      );
    assert.equal((await call('GET', `/api/admin/records/visits/${draftId}`, { token: author.token })).status, 200);
    const listed = async (token: string) =>
      (await call('GET', `/api/admin/records/visits?patientId=${owner.patientId}`, { token })).body.items.map(
        (r: { id: number }) => r.id,
      );
    assert.deepEqual((await listed(author.token)).sort(), [signedId, draftId].sort());
    assert.deepEqual(await listed(staff.chief.token), [signedId]);
  });

  it('writes: only the record’s own physician; others 403 (not the author) or 404 (out of scope, or someone else’s draft)', async () => {
    const writes = (id: number) => [
      { m: 'PUT', p: `/api/admin/records/visits/${id}`, body: content },
      { m: 'PUT', p: `/api/admin/records/visits/${id}/prescription`, body: { items: [] } },
      { m: 'POST', p: `/api/admin/records/visits/${id}/sign`, body: {} },
    ];
    const expect: Record<string, [number, string]> = {
      colleague: [404, 'NOT_FOUND'],
      otherDept: [404, 'NOT_FOUND'],
      // The chief and the dept admin see the patient, but a draft is nobody's but its author's.
      chief: [404, 'NOT_FOUND'],
      deptadmin: [404, 'NOT_FOUND'],
    };
    for (const [key, [status, code]] of Object.entries(expect))
      for (const w of writes(draftId)) {
        const r = await call(w.m, w.p, { token: staff[key].token, body: w.body });
        assert.equal(r.status, status, `${staff[key].name} ${w.m} ${w.p}`);
        assert.equal(r.body.error.code, code);
      }
    // The admin sees everything but writes nobody's record.
    const adm = await call('PUT', `/api/admin/records/visits/${draftId}`, { token: staff.admin.token, body: content });
    assert.equal(adm.status, 404, 'a draft is not even visible to the admin');
    // On the signed record the chief and the dept admin are told plainly: not the author.
    for (const key of ['chief', 'deptadmin']) {
      const r = await call('PUT', `/api/admin/records/visits/${signedId}`, { token: staff[key].token, body: content });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'NOT_RECORD_AUTHOR');
    }
    const amend = await call('POST', `/api/admin/records/visits/${signedId}/amendments`, {
      token: staff.chief.token,
      body: { reason: '代改', content },
    });
    assert.equal(amend.status, 403);
    assert.equal(amend.body.error.code, 'NOT_RECORD_AUTHOR');
    // Opening a record of someone else's appointment.
    const open = await call('POST', '/api/admin/records/visits', {
      token: colleague.token,
      body: { appointmentId: draftAppt },
    });
    assert.equal(open.status, 404);
    // Another physician's queue entry can't be marked no-show.
    const ns = await call('PUT', `/api/admin/records/clinic/appointments/${draftAppt}/no-show`, {
      token: colleague.token,
    });
    assert.equal(ns.status, 404);
    // Profile: writable by staff who see the patient and hold the permission.
    const prof = { allergies: [{ kind: 'food', substance: '花生', reaction: '荨麻疹' }] };
    const ok = await call('PUT', `/api/admin/records/patients/${owner.patientId}/profile`, {
      token: author.token,
      body: prof,
    });
    assert.equal(ok.status, 200);
    const out = await call('PUT', `/api/admin/records/patients/${owner.patientId}/profile`, {
      token: colleague.token,
      body: prof,
    });
    assert.equal(out.status, 404);
    const byScope = await call('PUT', `/api/admin/records/patients/${owner.patientId}/profile`, {
      token: staff.deptadmin.token,
      body: prof,
    });
    assert.equal(byScope.status, 200, 'the dept admin keeps profiles of the department’s patients');
    // The clinic queue is one's own: the dept admin (no sessions) has an empty one, not the author's patients.
    const q = await call('GET', '/api/admin/records/clinic/today', { token: staff.deptadmin.token });
    assert.deepEqual(q.body.items, []);
    const other = await call('GET', `/api/admin/records/patients/${stranger.patientId}/profile`, {
      token: author.token,
    });
    assert.equal(other.status, 404, 'a patient never seen is out of reach');
    // Access history: dept admin and chief (by scope) yes, a physician no, out of scope 404.
    const hist = (token: string) =>
      call('GET', `/api/admin/records/patients/${owner.patientId}/access-logs`, { token });
    assert.equal((await hist(staff.deptadmin.token)).status, 200);
    assert.equal((await hist(author.token)).status, 403);
    assert.equal((await hist(staff.admin.token)).status, 200);
  });

  it('a physician the patient is booked with sees the patient’s signed history', async () => {
    assert.equal((await call('GET', `/api/admin/records/visits/${signedId}`, { token: colleague.token })).status, 404);
    await bookedToday(colleague, owner, 1);
    assert.equal((await call('GET', `/api/admin/records/visits/${signedId}`, { token: colleague.token })).status, 200);
    assert.equal((await call('GET', `/api/admin/records/visits/${draftId}`, { token: colleague.token })).status, 404);
  });

  it('patients: their own family members’ signed records only; B asking for A’s by id gets 404', async () => {
    const mine = (await call('GET', `/api/mp/records/patients/${owner.patientId}/visits`, { token: owner.token })).body;
    assert.deepEqual(
      mine.map((r: { id: number }) => r.id),
      [signedId],
      'the draft is not shown',
    );
    const one = await call('GET', `/api/mp/records/visits/${signedId}`, { token: owner.token });
    assert.equal(one.status, 200);
    assert.equal(one.body.content.diagnoses[0].name, '急性支气管炎');
    assert.equal((await call('GET', `/api/mp/records/visits/${draftId}`, { token: owner.token })).status, 404);
    for (const path of [
      `/api/mp/records/visits/${signedId}`,
      `/api/mp/records/patients/${owner.patientId}/visits`,
      `/api/mp/records/patients/${owner.patientId}/prescriptions`,
      `/api/mp/records/patients/${owner.patientId}/profile`,
    ]) {
      const r = await call('GET', path, { token: stranger.token });
      assert.equal(r.status, 404, `stranger ${path}`);
      assert.equal(r.body.error.code, 'NOT_FOUND');
    }
    // No token: 401; a console token on a patient route: refused too.
    assert.equal((await call('GET', `/api/mp/records/visits/${signedId}`)).status, 401);
    assert.equal((await call('GET', `/api/mp/records/visits/${signedId}`, { token: author.token })).status, 401);
    // A patient token on a console route is refused.
    assert.equal((await call('GET', `/api/admin/records/visits/${signedId}`, { token: owner.token })).status, 401);
    // Bad ids are 400s.
    assert.equal((await call('GET', '/api/mp/records/visits/abc', { token: owner.token })).status, 400);
    assert.equal((await call('GET', '/api/admin/records/visits?patientId=0', { token: author.token })).status, 400);
  });
});
