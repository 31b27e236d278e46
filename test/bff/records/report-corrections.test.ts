/**
 * Reports of a visit are corrected (更正) and withdrawn (删除), never erased: a correction keeps the version it
 * replaces (values or file, who, when, why), a withdrawal hides the report with who, when and why and keeps the row
 * and its file. Only the visit's physician and staff whose data scope covers the visit's department may; another
 * physician who saw the patient may not; nobody else is told the report exists. The patient sees only the current
 * version, and nothing withdrawn. Bad input: a clear 4xx, nothing changed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { call, loginAs } from '../../support/api';
import { startStack } from '../../support/stack';
import { bookedToday, patient, physician } from '../../support/records';
import { DataAccessLog } from '../../../bff/src/kernel/audit';
import { StoredFile } from '../../../bff/src/kernel/files';
import { infra } from '../../../bff/src/infra';
import { VisitReport, VisitReportVersion } from '../../../bff/src/modules/records/reports';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** A second, different image (2×1 PNG), to tell a replaced file from its replacement. */
const PNG2 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR42mP8z8DwnwEIGGEMAA7+Af8Tgq9/AAAAAElFTkSuQmCC',
  'base64',
);

async function bytes(p: string, token?: string) {
  const { baseUrl } = await startStack();
  const res = await fetch(baseUrl + p, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}
async function put(p: string, token: string, body: Buffer) {
  const { baseUrl } = await startStack();
  const res = await fetch(baseUrl + p, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
async function post(p: string, token: string, body: Buffer) {
  const { baseUrl } = await startStack();
  const res = await fetch(baseUrl + p, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

const LIPIDS = {
  kind: 'lab',
  title: '血脂四项',
  items: [{ name: '总胆固醇', value: '6.8', unit: 'mmol/L', range: '<5.2', flag: 'high' }],
  conclusion: '总胆固醇升高',
};

describe('records: reports corrected and withdrawn, never erased (role × scope × patient)', function () {
  this.timeout(180_000);
  let author: Awaited<ReturnType<typeof physician>>;
  let colleague: Awaited<ReturnType<typeof physician>>;
  let careDoc: Awaited<ReturnType<typeof physician>>;
  let owner: Awaited<ReturnType<typeof patient>>;
  let stranger: Awaited<ReturnType<typeof patient>>;
  let recordId: number;
  let valuesId: number;
  let fileId: number;
  let chief: string;
  let admin: string;

  before(async () => {
    author = await physician('心血管内科');
    colleague = await physician('心血管内科');
    careDoc = await physician('呼吸内科');
    owner = await patient();
    stranger = await patient();
    const appt = await bookedToday(author, owner, 1);
    // careDoc has the patient booked too: sees the patient's records, but this visit is not theirs.
    await bookedToday(careDoc, owner, 1);
    recordId = (
      await call('POST', '/api/admin/records/visits', { token: author.token, body: { appointmentId: appt.id } })
    ).body.id;
    await call('PUT', `/api/admin/records/visits/${recordId}`, {
      token: author.token,
      body: { chiefComplaint: '头晕', diagnoses: [{ code: 'I10' }], advice: '低盐饮食' },
    });
    const signed = await call('POST', `/api/admin/records/visits/${recordId}/sign`, { token: author.token, body: {} });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    const v = await call('POST', `/api/admin/records/visits/${recordId}/reports`, {
      token: author.token,
      body: LIPIDS,
    });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    valuesId = v.body.id;
    const f = await post(
      `/api/admin/records/visits/${recordId}/reports/file?kind=exam&title=${encodeURIComponent('胸片')}`,
      author.token,
      PNG,
    );
    assert.equal(f.status, 201, JSON.stringify(f.body));
    fileId = f.body.id;
    chief = await loginAs('chief');
    admin = await loginAs('admin');
  });

  const correction = (over: Record<string, unknown> = {}) => ({
    reason: '录入时单位写错',
    ...LIPIDS,
    items: [{ name: '总胆固醇', value: '5.8', unit: 'mmol/L', range: '<5.2', flag: 'high' }],
    ...over,
  });

  it('the physician corrects values: a new version, the earlier kept with who, when and why', async () => {
    const r = await call('PUT', `/api/admin/records/reports/${valuesId}`, { token: author.token, body: correction() });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.version, 2);
    assert.equal(r.body.items[0].value, '5.8');
    assert.ok(r.body.correctedAt);

    const h = await call('GET', `/api/admin/records/reports/${valuesId}/history`, { token: author.token });
    assert.equal(h.status, 200, JSON.stringify(h.body));
    assert.deepEqual(
      h.body.versions.map((v: any) => [v.version, v.current, v.items[0].value, v.reason, v.byName]),
      [
        [1, false, '6.8', null, '测试医生'],
        [2, true, '5.8', '录入时单位写错', '测试医生'],
      ],
    );
    assert.equal(h.body.deleted, null);
    // Kept encrypted: the earlier values are not in the version row in clear.
    const kept = await VisitReportVersion.findOne({ where: { reportId: valuesId, version: 1 } });
    assert.ok(kept && !kept.dataEnc.includes('6.8'));

    // The patient sees the current version only.
    const mine = await call('GET', `/api/mp/records/patients/${owner.patientId}/reports`, { token: owner.token });
    const lipids = mine.body.filter((x: { id: number }) => x.id === valuesId);
    assert.equal(lipids.length, 1);
    assert.equal(lipids[0].items[0].value, '5.8');
    assert.equal(lipids[0].version, 2);
    assert.equal(
      await DataAccessLog.count({
        where: { what: 'records.report.correct', actorId: author.id, patientId: owner.patientId },
      }),
      1,
    );
  });

  it('bad corrections: 4xx with a stable code, nothing changed', async () => {
    const cases: [unknown, number, string][] = [
      [correction({ reason: undefined }), 400, 'VALIDATION_FAILED'],
      [correction({ reason: '错' }), 400, 'VALIDATION_FAILED'],
      [correction({ reason: 'x'.repeat(501) }), 400, 'VALIDATION_FAILED'],
      [correction({ kind: 'xray' }), 400, 'VALIDATION_FAILED'],
      [correction({ title: '' }), 400, 'VALIDATION_FAILED'],
      [correction({ extra: 1 }), 400, 'VALIDATION_FAILED'],
      [correction({ items: [], conclusion: '' }), 422, 'REPORT_EMPTY'],
    ];
    for (const [body, status, code] of cases) {
      const r = await call('PUT', `/api/admin/records/reports/${valuesId}`, { token: author.token, body });
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.body.error.code, code);
    }
    assert.equal(
      (await call('PUT', '/api/admin/records/reports/abc', { token: author.token, body: correction() })).status,
      400,
    );
    const none = await call('PUT', '/api/admin/records/reports/999999999', { token: author.token, body: correction() });
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'NOT_FOUND');
    const row = await VisitReport.findByPk(valuesId);
    assert.equal(row!.version, 2, 'nothing refused changed the report');
    assert.equal(await VisitReportVersion.count({ where: { reportId: valuesId } }), 1);
  });

  it('who may: the visit’s physician and staff whose scope covers its department; not another physician', async () => {
    // Sees the patient (booked with them) but the visit is not theirs and their scope is their own: 403.
    const care = await call('PUT', `/api/admin/records/reports/${valuesId}`, {
      token: careDoc.token,
      body: correction(),
    });
    assert.equal(care.status, 403, JSON.stringify(care.body));
    assert.equal(care.body.error.code, 'NOT_RECORD_AUTHOR');
    const careDel = await call('POST', `/api/admin/records/reports/${valuesId}/delete`, {
      token: careDoc.token,
      body: { reason: '不是我的患者' },
    });
    assert.equal(careDel.status, 403);
    // Does not see the patient at all: told nothing (404).
    const col = await call('PUT', `/api/admin/records/reports/${valuesId}`, {
      token: colleague.token,
      body: correction(),
    });
    assert.equal(col.status, 404);
    assert.equal(
      (await call('GET', `/api/admin/records/reports/${valuesId}/history`, { token: colleague.token })).status,
      404,
    );
    // A patient's token is not staff.
    assert.equal(
      (await call('PUT', `/api/admin/records/reports/${valuesId}`, { token: owner.token, body: correction() })).status,
      401,
    );
    assert.equal((await VisitReport.findByPk(valuesId))!.version, 2, 'refused attempts changed nothing');

    // The department's chief and the administrator (scope covers the department) may.
    for (const [token, value, version] of [
      [chief, '5.7', 3],
      [admin, '5.6', 4],
    ] as const) {
      const r = await call('PUT', `/api/admin/records/reports/${valuesId}`, {
        token,
        body: correction({ reason: '复核更正', items: [{ name: '总胆固醇', value, unit: 'mmol/L' }] }),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.version, version);
    }
  });

  it('a file is corrected by a new one; the replaced file is kept and still served to staff', async () => {
    const before = (await VisitReport.findByPk(fileId))!.fileId!;
    const r = await put(
      `/api/admin/records/reports/${fileId}/file?reason=${encodeURIComponent('上传错了片子')}`,
      author.token,
      PNG2,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.version, 2);
    assert.deepEqual((await bytes(`/api/admin/records/reports/${fileId}/file`, author.token)).bytes, PNG2);
    assert.deepEqual((await bytes(`/api/mp/records/reports/${fileId}/file`, owner.token)).bytes, PNG2);
    const old = await bytes(`/api/admin/records/reports/${fileId}/versions/1/file`, author.token);
    assert.equal(old.status, 200);
    assert.deepEqual(old.bytes, PNG);
    assert.ok(await StoredFile.findByPk(before), 'the replaced file is kept');
    assert.equal((await bytes(`/api/admin/records/reports/${fileId}/versions/1/file`, colleague.token)).status, 404);
    assert.equal((await bytes(`/api/admin/records/reports/${fileId}/versions/2/file`, author.token)).status, 404);

    // Bad input: no reason, not an image or PDF, a report without a file.
    const noReason = await put(`/api/admin/records/reports/${fileId}/file`, author.token, PNG);
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.code, 'VALIDATION_FAILED');
    const text = await put(
      `/api/admin/records/reports/${fileId}/file?reason=${encodeURIComponent('换文件')}`,
      author.token,
      Buffer.from('不是文件'),
    );
    assert.equal(text.status, 415);
    assert.equal(text.body.error.code, 'FILE_TYPE');
    const noFile = await put(
      `/api/admin/records/reports/${valuesId}/file?reason=${encodeURIComponent('换文件')}`,
      author.token,
      PNG,
    );
    assert.equal(noFile.status, 409);
    assert.equal(noFile.body.error.code, 'REPORT_NO_FILE');
    assert.equal((await VisitReport.findByPk(fileId))!.version, 2, 'nothing refused changed it');
  });

  it('deleting hides the report with who, when and why; the row and file stay; it cannot be changed again', async () => {
    const noReason = await call('POST', `/api/admin/records/reports/${fileId}/delete`, {
      token: author.token,
      body: {},
    });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.error.code, 'VALIDATION_FAILED');
    const del = await call('POST', `/api/admin/records/reports/${fileId}/delete`, {
      token: author.token,
      body: { reason: '不属于该患者的检查' },
    });
    assert.equal(del.status, 204, JSON.stringify(del.body));

    const staffList = await call('GET', `/api/admin/records/visits/${recordId}/reports`, { token: author.token });
    assert.deepEqual(
      staffList.body.map((x: { id: number }) => x.id),
      [valuesId],
    );
    const mine = await call('GET', `/api/mp/records/patients/${owner.patientId}/reports`, { token: owner.token });
    assert.deepEqual(
      mine.body.map((x: { id: number }) => x.id),
      [valuesId],
    );
    assert.equal((await bytes(`/api/mp/records/reports/${fileId}/file`, owner.token)).status, 404);
    assert.equal((await bytes(`/api/admin/records/reports/${fileId}/file`, author.token)).status, 404);

    // Kept: the row, its file on disk, and the history says who, when and why.
    const row = await VisitReport.findByPk(fileId);
    assert.ok(row?.deletedAt);
    const stored = await StoredFile.findByPk(row!.fileId!);
    assert.ok(stored);
    const dir = path.resolve(infra().config.DATA_DIR, 'private-uploads');
    assert.ok(
      fs.readdirSync(dir).some((f) => f.startsWith(stored!.id)),
      'the file stays on disk',
    );
    const h = await call('GET', `/api/admin/records/reports/${fileId}/history`, { token: chief });
    assert.equal(h.status, 200);
    assert.equal(h.body.deleted.reason, '不属于该患者的检查');
    assert.equal(h.body.deleted.byName, '测试医生');
    assert.equal(h.body.versions.length, 2);
    assert.equal(
      await DataAccessLog.count({
        where: { what: 'records.report.delete', actorId: author.id, patientId: owner.patientId },
      }),
      1,
    );

    // Withdrawn is final: no correction, no second deletion.
    const again = await call('POST', `/api/admin/records/reports/${fileId}/delete`, {
      token: author.token,
      body: { reason: '再删一次' },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'REPORT_DELETED');
    const fix = await put(
      `/api/admin/records/reports/${fileId}/file?reason=${encodeURIComponent('换文件')}`,
      author.token,
      PNG,
    );
    assert.equal(fix.status, 409);
    assert.equal(fix.body.error.code, 'REPORT_DELETED');
    // Another account's patient still learns nothing.
    assert.equal(
      (await call('GET', `/api/mp/records/patients/${owner.patientId}/reports`, { token: stranger.token })).status,
      404,
    );
  });
});
