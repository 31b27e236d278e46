/**
 * Medical records (issue 14): the physician's clinic today, a visit record opened from the appointment, draft
 * autosave, ICD-10 coded diagnoses, the prescription and its checks, signing that locks, amendments that keep every
 * version, encryption at rest, and an audit row for every staff read.
 */
import assert from 'node:assert/strict';
import { call, loginAs } from '../../support/api';
import { bookedToday, patient, physician, todaySession } from '../../support/records';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { VisitRecord, VisitRecordVersion, Prescription, HealthProfile } from '../../../bff/src/modules/records/models';
import { DataAccessLog } from '../../../bff/src/kernel/audit';
import { Drug, Icd10 } from '../../../bff/src/modules/records/models';

const content = (over: Record<string, unknown> = {}) => ({
  chiefComplaint: '反复头晕 2 周',
  presentIllness: '2 周前无明显诱因出现头晕，晨起明显',
  examination: 'BP 165/100 mmHg，心率 78 次/分',
  diagnoses: [{ code: 'I10' }],
  orders: '血常规、血脂、心电图',
  plan: '降压治疗，低盐饮食',
  advice: '每日监测血压，2 周后复诊',
  ...over,
});
const drugId = async (name: string) => (await Drug.findOne({ where: { name } }))!.id;

describe('records: dictionaries', () => {
  it('ships ≥300 ICD-10 diagnoses and ≥200 drugs, searchable by code, name and pinyin initials', async () => {
    const doc = await physician();
    assert.ok((await Icd10.count()) >= 300);
    assert.ok((await Drug.count()) >= 200);
    const get = async (path: string) => (await call('GET', path, { token: doc.token })).body;
    assert.equal((await get('/api/admin/records/icd10?keyword=I10'))[0].name, '原发性高血压');
    assert.equal((await get('/api/admin/records/icd10?keyword=yfxgxy'))[0].code, 'I10');
    const byInitials = await get('/api/admin/records/icd10?keyword=GXY');
    assert.ok(
      byInitials.some((d: { code: string }) => d.code === 'I10'),
      JSON.stringify(byInitials),
    );
    assert.equal(byInitials[0].initials.startsWith('GXY'), true, 'initials that start with the keyword come first');
    const byName = await get(`/api/admin/records/icd10?keyword=${encodeURIComponent('糖尿病')}`);
    assert.ok(byName.length >= 5 && byName.every((d: { name: string }) => d.name.includes('糖尿病')));
    const drugs = await get('/api/admin/records/drugs?keyword=AMXL');
    assert.equal(drugs[0].name, '阿莫西林胶囊');
    assert.equal(drugs[0].allergyClass, '青霉素类');
    // Wildcards typed into the box are not wildcards; a bad limit is a clear 400.
    assert.deepEqual(await get('/api/admin/records/icd10?keyword=%25%25QQQ'), []);
    const bad = await call('GET', '/api/admin/records/drugs?limit=500', { token: doc.token });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
  });
});

describe('records: the clinic today, writing, signing, amending', () => {
  it('queue in number order; call next opens the record (就诊中); no-show is 过号; signing makes it 已完成', async () => {
    const doc = await physician();
    const s = await todaySession(doc);
    const [p1, p2, p3] = [await patient(), await patient(), await patient()];
    // Booked out of order: the queue is by number.
    const a3 = await bookedToday(doc, p3, 3, s);
    const a1 = await bookedToday(doc, p1, 1, s);
    const a2 = await bookedToday(doc, p2, 2, s);
    const queue = async () => (await call('GET', '/api/admin/records/clinic/today', { token: doc.token })).body;
    let q = await queue();
    assert.deepEqual(
      q.items.map((i: { seqNo: number; stateLabel: string }) => [i.seqNo, i.stateLabel]),
      [
        [1, '待诊'],
        [2, '待诊'],
        [3, '待诊'],
      ],
    );
    const called = await call('POST', '/api/admin/records/clinic/call-next', { token: doc.token });
    assert.equal(called.status, 200);
    assert.equal(called.body.appointmentId, a1.id);
    const no2 = await call('PUT', `/api/admin/records/clinic/appointments/${a2.id}/no-show`, { token: doc.token });
    assert.equal(no2.status, 204);
    assert.equal((await Appointment.findByPk(a2.id))!.status, 'no_show');
    const r1 = called.body.recordId;
    assert.equal(
      (await call('PUT', `/api/admin/records/visits/${r1}`, { token: doc.token, body: content() })).status,
      200,
    );
    const signed = await call('POST', `/api/admin/records/visits/${r1}/sign`, { token: doc.token, body: {} });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal((await Appointment.findByPk(a1.id))!.status, 'visited');
    const next = await call('POST', '/api/admin/records/clinic/call-next', { token: doc.token });
    assert.equal(next.body.appointmentId, a3.id);
    q = await queue();
    assert.deepEqual(
      q.items.map((i: { seqNo: number; stateLabel: string }) => [i.seqNo, i.stateLabel]),
      [
        [1, '已完成'],
        [2, '过号'],
        [3, '就诊中'],
      ],
    );
    // Nobody left waiting: a clear refusal, not a 500.
    const empty = await call('POST', '/api/admin/records/clinic/call-next', { token: doc.token });
    assert.equal(empty.status, 409);
    assert.equal(empty.body.error.code, 'QUEUE_EMPTY');
    // A signed patient can't be marked no-show afterwards.
    const late = await call('PUT', `/api/admin/records/clinic/appointments/${a1.id}/no-show`, { token: doc.token });
    assert.equal(late.body.error.code, 'NOT_MARKABLE');
  });

  it('drafts autosave with coded diagnoses; content is encrypted at rest; signing locks; amendments keep every version', async () => {
    const doc = await physician();
    const p = await patient();
    const a = await bookedToday(doc, p, 1);
    const opened = await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: a.id } });
    assert.equal(opened.status, 200);
    assert.equal(opened.body.status, 'draft');
    const id = opened.body.id;
    // Opening again (a second tab) is the same record.
    const again = await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: a.id } });
    assert.equal(again.body.id, id);

    const unknown = await call('PUT', `/api/admin/records/visits/${id}`, {
      token: doc.token,
      body: content({ diagnoses: [{ code: 'X99.9' }] }),
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'UNKNOWN_DIAGNOSIS');
    const extra = await call('PUT', `/api/admin/records/visits/${id}`, {
      token: doc.token,
      body: { ...content(), x: 1 },
    });
    assert.equal(extra.status, 400);

    // Signing an empty record is refused.
    const early = await call('POST', `/api/admin/records/visits/${id}/sign`, { token: doc.token, body: {} });
    assert.equal(early.status, 422);
    assert.equal(early.body.error.code, 'RECORD_INCOMPLETE');

    const saved = await call('PUT', `/api/admin/records/visits/${id}`, {
      token: doc.token,
      body: content({ diagnoses: [{ code: 'i10' }, { code: 'E78.5' }] }),
    });
    assert.equal(saved.status, 200);
    assert.deepEqual(saved.body.content.diagnoses, [
      { code: 'I10', name: '原发性高血压' },
      { code: 'E78.5', name: '高脂血症' },
    ]);
    const row = (await VisitRecord.findByPk(id))!;
    // Base64 ciphertext can hold "I10" by chance; a quoted JSON value or a Chinese word it can never hold.
    assert.ok(!row.contentEnc.includes('头晕') && !row.contentEnc.includes('"I10"'), 'the record is encrypted at rest');
    assert.match(row.contentEnc, /^v1(:[A-Za-z0-9+/=]+){3}$/, 'the stored record is ciphertext only');

    const signed = await call('POST', `/api/admin/records/visits/${id}/sign`, { token: doc.token, body: {} });
    assert.equal(signed.body.status, 'signed');
    assert.equal(signed.body.version, 1);
    // The patient gets a notice that the record is there, and nothing of what is in it.
    const notices = (await call('GET', '/api/mp/notices', { token: p.token })).body;
    const notice = notices.items.find((n: { link: { type: string } | null }) => n.link?.type === 'visit_record');
    assert.deepEqual(notice.link, { type: 'visit_record', id: String(id) });
    assert.match(notice.content, /我的病历/);
    assert.doesNotMatch(notice.content, /高血压|头晕/);
    // Signed: no edit in place, neither the record nor its prescription.
    const edit = await call('PUT', `/api/admin/records/visits/${id}`, {
      token: doc.token,
      body: content({ plan: '改' }),
    });
    assert.equal(edit.status, 409);
    assert.equal(edit.body.error.code, 'RECORD_SIGNED');
    const rx = await call('PUT', `/api/admin/records/visits/${id}/prescription`, {
      token: doc.token,
      body: { items: [] },
    });
    assert.equal(rx.body.error.code, 'RECORD_SIGNED');
    const resign = await call('POST', `/api/admin/records/visits/${id}/sign`, { token: doc.token, body: {} });
    assert.equal(resign.body.error.code, 'RECORD_SIGNED');

    // Amendments: each one a new signed version with who, when and why; the earlier ones unchanged.
    const noReason = await call('POST', `/api/admin/records/visits/${id}/amendments`, {
      token: doc.token,
      body: { reason: '', content: content() },
    });
    assert.equal(noReason.status, 400);
    const am1 = await call('POST', `/api/admin/records/visits/${id}/amendments`, {
      token: doc.token,
      body: { reason: '补充诊断', content: content({ diagnoses: [{ code: 'I10' }, { code: 'E11.9' }] }) },
    });
    assert.equal(am1.status, 200, JSON.stringify(am1.body));
    assert.equal(am1.body.version, 2);
    const am2 = await call('POST', `/api/admin/records/visits/${id}/amendments`, {
      token: doc.token,
      body: {
        reason: '更正医嘱',
        content: content({ diagnoses: [{ code: 'I10' }, { code: 'E11.9' }], advice: '1 周后复诊' }),
      },
    });
    assert.equal(am2.body.version, 3);
    assert.equal(am2.body.content.advice, '1 周后复诊');
    const versions = (await call('GET', `/api/admin/records/visits/${id}/versions`, { token: doc.token })).body;
    assert.deepEqual(
      versions.map((v: { version: number; reason: string | null; signedBy: number }) => [
        v.version,
        v.reason,
        v.signedBy,
      ]),
      [
        [1, null, doc.id],
        [2, '补充诊断', doc.id],
        [3, '更正医嘱', doc.id],
      ],
    );
    assert.deepEqual(
      versions[0].content.diagnoses.map((d: { code: string }) => d.code),
      ['I10', 'E78.5'],
    );
    assert.equal(versions[1].content.advice, '每日监测血压，2 周后复诊');
    assert.equal(versions[2].content.advice, '1 周后复诊');
    assert.equal(await VisitRecordVersion.count({ where: { recordId: id } }), 3);
  });

  it('prescription: quantity = dose × frequency × days; duplicate drug, over 7 days, unknown drug refused; allergy warns and blocks signing until acknowledged', async () => {
    const doc = await physician();
    const p = await patient();
    const a = await bookedToday(doc, p, 1);
    const id = (await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: a.id } }))
      .body.id;
    const amx = await drugId('阿莫西林胶囊');
    const ibu = await drugId('布洛芬缓释胶囊');
    const salb = await drugId('沙丁胺醇气雾剂');
    const put = (items: unknown[]) =>
      call('PUT', `/api/admin/records/visits/${id}/prescription`, { token: doc.token, body: { items } });

    const ok = await put([
      { drugId: amx, dose: 2, frequency: 'tid', days: 5 },
      { drugId: ibu, dose: 1, frequency: 'bid', days: 3, route: '口服' },
      { drugId: salb, dose: 2, frequency: 'prn', days: 7, quantity: 200 },
    ]);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(
      ok.body.items.map((i: { name: string; quantity: number; route: string }) => [i.name, i.quantity, i.route]),
      [
        ['阿莫西林胶囊', 30, '口服'],
        ['布洛芬缓释胶囊', 6, '口服'],
        ['沙丁胺醇气雾剂', 200, '吸入'],
      ],
    );
    assert.deepEqual(ok.body.warnings, []);
    assert.ok(!(await Prescription.findOne({ where: { recordId: id } }))!.itemsEnc.includes('阿莫西林'));

    const dup = await put([
      { drugId: amx, dose: 2, frequency: 'tid', days: 5 },
      { drugId: amx, dose: 1, frequency: 'bid', days: 3 },
    ]);
    assert.equal(dup.status, 422);
    assert.equal(dup.body.error.code, 'DUPLICATE_DRUG');
    const long = await put([{ drugId: amx, dose: 2, frequency: 'tid', days: 8 }]);
    assert.equal(long.status, 422);
    assert.equal(long.body.error.code, 'PRESCRIPTION_TOO_LONG');
    const unknown = await put([{ drugId: 99999999, dose: 1, frequency: 'qd', days: 1 }]);
    assert.equal(unknown.body.error.code, 'UNKNOWN_DRUG');
    const prn = await put([{ drugId: salb, dose: 2, frequency: 'prn', days: 3 }]);
    assert.equal(prn.body.error.code, 'QUANTITY_REQUIRED');
    const badFreq = await put([{ drugId: amx, dose: 2, frequency: 'often', days: 3 }]);
    assert.equal(badFreq.status, 400);
    assert.equal(badFreq.body.error.code, 'VALIDATION_FAILED');

    // The patient is allergic to penicillin: amoxicillin (青霉素类) is flagged wherever the prescription shows.
    const prof = await call('PUT', `/api/admin/records/patients/${p.patientId}/profile`, {
      token: doc.token,
      body: {
        allergies: [{ kind: 'drug', substance: '青霉素', reaction: '皮疹、呼吸困难' }],
        pastHistory: '高血压 5 年',
        chronicConditions: ['原发性高血压'],
        longTermMeds: ['氨氯地平片 5mg qd'],
      },
    });
    assert.equal(prof.status, 200, JSON.stringify(prof.body));
    assert.ok(!(await HealthProfile.findOne({ where: { patientId: p.patientId } }))!.dataEnc.includes('青霉素'));
    const warned = await put([
      { drugId: amx, dose: 2, frequency: 'tid', days: 5 },
      { drugId: ibu, dose: 1, frequency: 'bid', days: 3 },
    ]);
    assert.deepEqual(warned.body.warnings, [
      { drugId: amx, drugName: '阿莫西林胶囊', allergen: '青霉素', reaction: '皮疹、呼吸困难' },
    ]);
    const view = (await call('GET', `/api/admin/records/visits/${id}`, { token: doc.token })).body;
    assert.equal(view.allergies[0].substance, '青霉素');
    assert.equal(view.prescription.warnings.length, 1);

    await call('PUT', `/api/admin/records/visits/${id}`, {
      token: doc.token,
      body: content({ diagnoses: [{ code: 'J02.9' }] }),
    });
    const blocked = await call('POST', `/api/admin/records/visits/${id}/sign`, { token: doc.token, body: {} });
    assert.equal(blocked.status, 422);
    assert.equal(blocked.body.error.code, 'ALLERGY_CONFLICT');
    assert.match(blocked.body.error.message, /阿莫西林胶囊/);
    const signed = await call('POST', `/api/admin/records/visits/${id}/sign`, {
      token: doc.token,
      body: { acknowledgeAllergy: true },
    });
    assert.equal(signed.status, 200);
    const v1 = (await call('GET', `/api/admin/records/visits/${id}/versions`, { token: doc.token })).body[0];
    assert.deepEqual(
      v1.items.map((i: { name: string }) => i.name),
      ['阿莫西林胶囊', '布洛芬缓释胶囊'],
    );
    // An amendment may replace the prescription; the signed version 1 keeps the old one.
    const am = await call('POST', `/api/admin/records/visits/${id}/amendments`, {
      token: doc.token,
      body: {
        reason: '青霉素过敏，改用阿奇霉素',
        content: content({ diagnoses: [{ code: 'J02.9' }] }),
        items: [{ drugId: await drugId('阿奇霉素片'), dose: 2, frequency: 'qd', days: 3 }],
      },
    });
    assert.equal(am.status, 200, JSON.stringify(am.body));
    assert.deepEqual(
      am.body.prescription.items.map((i: { quantity: number }) => i.quantity),
      [6],
    );
    const vs = (await call('GET', `/api/admin/records/visits/${id}/versions`, { token: doc.token })).body;
    assert.equal(vs.length, 2);
    assert.equal(vs[0].items.length, 2);
    assert.equal(vs[1].items[0].name, '阿奇霉素片');
  });

  it('every staff read of a record, its versions, the patient list and the profile writes an audit row; the patient’s own reads do not', async () => {
    const doc = await physician();
    const p = await patient();
    const a = await bookedToday(doc, p, 1);
    const id = (await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: a.id } }))
      .body.id;
    await call('PUT', `/api/admin/records/visits/${id}`, { token: doc.token, body: content() });
    await call('POST', `/api/admin/records/visits/${id}/sign`, { token: doc.token, body: {} });
    // Opening and signing answer with the record (and the patient's allergies): reads too, audited.
    for (const what of ['records.visit.open', 'records.visit.sign'])
      assert.equal(await DataAccessLog.count({ where: { patientId: p.patientId, what, actorId: doc.id } }), 1, what);
    // Autosave answers with what was saved only: no read, no row.
    assert.equal(await DataAccessLog.count({ where: { patientId: p.patientId, what: 'records.visit.view' } }), 0);
    const before = await DataAccessLog.count({ where: { patientId: p.patientId } });

    // The patient reads their own: nothing is audited.
    for (const path of [
      `/api/mp/records/patients/${p.patientId}/visits`,
      `/api/mp/records/visits/${id}`,
      `/api/mp/records/patients/${p.patientId}/prescriptions`,
      `/api/mp/records/patients/${p.patientId}/profile`,
    ])
      assert.equal((await call('GET', path, { token: p.token })).status, 200, path);
    assert.equal(await DataAccessLog.count({ where: { patientId: p.patientId } }), before);

    const reads: [string, string][] = [
      [`/api/admin/records/visits/${id}`, 'records.visit.view'],
      [`/api/admin/records/visits/${id}/versions`, 'records.visit.versions'],
      [`/api/admin/records/visits?patientId=${p.patientId}`, 'records.visit.list'],
      [`/api/admin/records/patients/${p.patientId}/profile`, 'records.profile.view'],
      ['/api/admin/records/clinic/today', 'records.queue.list'],
    ];
    for (const [path, what] of reads) {
      const rid = `rec-audit-${what}-${id}`;
      const r = await call('GET', path, { token: doc.token, headers: { 'x-request-id': rid } });
      assert.equal(r.status, 200, path);
      const rows = await DataAccessLog.findAll({ where: { patientId: p.patientId, what } });
      assert.equal(rows.length, 1, what);
      assert.equal(rows[0].actorId, doc.id);
      assert.equal(rows[0].actorName, doc.username);
    }
    // A patient's access history, for those allowed: the chief of the department sees every read above.
    const chief = await loginAs('chief');
    const hist = await call('GET', `/api/admin/records/patients/${p.patientId}/access-logs?pageSize=50`, {
      token: chief,
    });
    assert.equal(hist.status, 200);
    const whats = new Set(hist.body.items.map((l: { what: string }) => l.what));
    for (const [, what] of reads) assert.ok(whats.has(what), what);
    // The physician has no access-history permission.
    const denied = await call('GET', `/api/admin/records/patients/${p.patientId}/access-logs`, { token: doc.token });
    assert.equal(denied.status, 403);
  });
});
