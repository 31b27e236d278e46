/**
 * Records, issue 14 continued: printing (门诊病历 and 处方笺 as PDF with a CJK font, parsed back), test and
 * examination reports (values, or a PDF/image checked by type and size, stored privately and served only to those
 * allowed), department templates applied to a draft, and the demo physician's queue today. Role × scope × patient
 * for every new route; an audit row for every staff read.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { call, loginAs } from '../../support/api';
import { startStack } from '../../support/stack';
import { bookedToday, patient, physician } from '../../support/records';
import { DataAccessLog } from '../../../bff/src/kernel/audit';
import { StoredFile } from '../../../bff/src/kernel/files';
import { infra } from '../../../bff/src/infra';
import { Drug } from '../../../bff/src/modules/records/models';
import { VisitReport } from '../../../bff/src/modules/records/reports';
import { seedRecordsDemo } from '../../../bff/src/modules/records/demo-seed';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { User } from '../../../bff/src/modules/system/models';
import { shanghaiDate } from '../../../bff/src/shared/time';

const content = {
  chiefComplaint: '反复头晕 2 周',
  presentIllness: '晨起明显，无胸痛',
  examination: 'BP 165/100 mmHg',
  diagnoses: [{ code: 'I10' }],
  orders: '血脂、心电图',
  plan: '降压治疗',
  advice: '低盐饮食，2 周后复诊',
};
const drugId = async (name: string) => (await Drug.findOne({ where: { name } }))!.id;

/** GET that keeps the bytes (PDFs, report files). */
async function getBytes(p: string, token?: string) {
  const { baseUrl } = await startStack();
  const res = await fetch(baseUrl + p, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: any;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    body = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes, body, headers: res.headers };
}

/** POST of a raw body (a report file), as the console sends it. */
async function upload(p: string, token: string, bytes: Buffer, type = 'application/octet-stream') {
  const { baseUrl } = await startStack();
  const res = await fetch(baseUrl + p, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function pdfText(bytes: Buffer) {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

/** A real 1×1 PNG (signature, IHDR, IDAT, IEND). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('records: print, reports, templates (role × scope × patient)', function () {
  let author: Awaited<ReturnType<typeof physician>>;
  let colleague: Awaited<ReturnType<typeof physician>>;
  let otherDept: Awaited<ReturnType<typeof physician>>;
  let owner: Awaited<ReturnType<typeof patient>>;
  let stranger: Awaited<ReturnType<typeof patient>>;
  let signedId: number;
  let draftId: number;
  let bareId: number;
  let staff: Record<string, string>;

  before(async function () {
    // Eight staff logins and three visits: slow on a loaded machine, not a wait on anything.
    this.timeout(180_000);
    author = await physician('心血管内科');
    colleague = await physician('心血管内科');
    otherDept = await physician('呼吸内科');
    owner = await patient();
    stranger = await patient();
    const open = async (seq: number) =>
      (
        await call('POST', '/api/admin/records/visits', {
          token: author.token,
          body: { appointmentId: (await bookedToday(author, owner, seq)).id },
        })
      ).body.id as number;
    signedId = await open(1);
    await call('PUT', `/api/admin/records/visits/${signedId}`, { token: author.token, body: content });
    const rx = await call('PUT', `/api/admin/records/visits/${signedId}/prescription`, {
      token: author.token,
      body: {
        items: [
          { drugId: await drugId('氨氯地平片'), dose: 1, frequency: 'qd', days: 7 },
          { drugId: await drugId('阿莫西林胶囊'), dose: 2, frequency: 'tid', days: 3 },
        ],
      },
    });
    assert.equal(rx.status, 200, JSON.stringify(rx.body));
    assert.equal(
      (await call('POST', `/api/admin/records/visits/${signedId}/sign`, { token: author.token, body: {} })).status,
      200,
    );
    // Signed, without a prescription.
    bareId = await open(2);
    await call('PUT', `/api/admin/records/visits/${bareId}`, { token: author.token, body: content });
    await call('POST', `/api/admin/records/visits/${bareId}/sign`, { token: author.token, body: {} });
    draftId = await open(3);
    staff = {
      author: author.token,
      colleague: colleague.token,
      otherDept: otherDept.token,
      chief: await loginAs('chief'),
      deptadmin: await loginAs('deptadmin'),
      admin: await loginAs('admin'),
    };
  });

  const SEES: Record<string, boolean> = {
    author: true,
    colleague: false,
    otherDept: false,
    chief: true,
    deptadmin: true,
    admin: true,
  };

  it('prints the signed record (门诊病历) and prescription (处方笺) as PDFs holding the patient and the drugs', async () => {
    const rec = await getBytes(`/api/admin/records/visits/${signedId}/print/record`, author.token);
    assert.equal(rec.status, 200, rec.bytes.toString().slice(0, 300));
    assert.equal(rec.type, 'application/pdf');
    assert.equal(rec.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(rec.headers.get('content-disposition') ?? '', /^inline/);
    assert.equal(rec.headers.get('cache-control'), 'private, no-store');
    const recText = await pdfText(rec.bytes);
    for (const s of [
      '门 诊 病 历',
      '医云示范医院',
      '王患者',
      '反复头晕 2 周',
      '原发性高血压',
      '氨氯地平片',
      '测试医生',
    ])
      assert.ok(recText.includes(s), `门诊病历 lacks ${s}:\n${recText}`);

    const rx = await getBytes(`/api/admin/records/visits/${signedId}/print/prescription`, author.token);
    assert.equal(rx.status, 200);
    assert.equal(rx.type, 'application/pdf');
    const rxText = await pdfText(rx.bytes);
    for (const s of [
      '处 方 笺',
      'Rp',
      '王患者',
      '心血管内科',
      '临床诊断：原发性高血压',
      '氨氯地平片',
      '阿莫西林胶囊',
      '× 18粒',
      '测试医生',
    ])
      assert.ok(rxText.includes(s), `处方笺 lacks ${s}:\n${rxText}`);
    // The font is embedded (a subset), so the PDF opens the same anywhere.
    assert.match(rx.bytes.toString('latin1'), /\/FontFile3|\/FontFile2/);
    // Each print is an audited read.
    for (const what of ['records.visit.print', 'records.prescription.print'])
      assert.equal(
        await DataAccessLog.count({ where: { patientId: owner.patientId, what, actorId: author.id } }),
        1,
        what,
      );
  });

  it('print refusals: a draft (409), no prescription (409), out of scope (404), no permission or token', async () => {
    const draft = await getBytes(`/api/admin/records/visits/${draftId}/print/record`, author.token);
    assert.equal(draft.status, 409);
    assert.equal(draft.body.error.code, 'RECORD_NOT_SIGNED');
    const bare = await getBytes(`/api/admin/records/visits/${bareId}/print/prescription`, author.token);
    assert.equal(bare.status, 409);
    assert.equal(bare.body.error.code, 'NOT_PRINTABLE');
    assert.equal((await getBytes(`/api/admin/records/visits/${bareId}/print/record`, author.token)).status, 200);
    for (const [who, token] of Object.entries(staff))
      for (const kind of ['record', 'prescription']) {
        const r = await getBytes(`/api/admin/records/visits/${signedId}/print/${kind}`, token);
        assert.equal(r.status, SEES[who] ? 200 : 404, `${who} print ${kind}`);
        if (!SEES[who]) assert.equal(r.body.error.code, 'NOT_FOUND');
      }
    // Someone else's draft is not even there; a patient's token and no token are not staff.
    assert.equal((await getBytes(`/api/admin/records/visits/${draftId}/print/record`, staff.chief)).status, 404);
    assert.equal((await getBytes(`/api/admin/records/visits/${signedId}/print/record`, owner.token)).status, 401);
    assert.equal((await getBytes(`/api/admin/records/visits/${signedId}/print/record`)).status, 401);
    assert.equal((await getBytes('/api/admin/records/visits/abc/print/record', author.token)).status, 400);
    // Nobody outside the scope leaves a trace of having printed.
    assert.equal(
      await DataAccessLog.count({ where: { patientId: owner.patientId, actorId: colleague.id } }),
      0,
      'a refused read is not logged as a read',
    );
  });

  it('the patient downloads the 门诊病历 and 处方笺 of their own signed visit; nobody else, nothing unsigned', async () => {
    const rec = await getBytes(`/api/mp/records/visits/${signedId}/pdf/record`, owner.token);
    assert.equal(rec.status, 200, rec.bytes.toString().slice(0, 300));
    assert.equal(rec.type, 'application/pdf');
    assert.equal(rec.headers.get('cache-control'), 'private, no-store');
    const recText = await pdfText(rec.bytes);
    for (const s of ['门 诊 病 历', '王患者', '反复头晕 2 周', '原发性高血压'])
      assert.ok(recText.includes(s), `门诊病历 lacks ${s}:\n${recText}`);
    const rx = await getBytes(`/api/mp/records/visits/${signedId}/pdf/prescription`, owner.token);
    assert.equal(rx.status, 200);
    const rxText = await pdfText(rx.bytes);
    for (const s of ['处 方 笺', '王患者', '氨氯地平片', '阿莫西林胶囊'])
      assert.ok(rxText.includes(s), `处方笺 lacks ${s}:\n${rxText}`);

    // Another account's patient is told nothing exists (404), for both documents; so is a draft, even its own.
    for (const kind of ['record', 'prescription']) {
      const other = await getBytes(`/api/mp/records/visits/${signedId}/pdf/${kind}`, stranger.token);
      assert.equal(other.status, 404, `stranger ${kind}`);
      assert.equal(other.body.error.code, 'NOT_FOUND');
      assert.equal((await getBytes(`/api/mp/records/visits/${draftId}/pdf/${kind}`, owner.token)).status, 404);
      assert.equal((await getBytes(`/api/mp/records/visits/999999999/pdf/${kind}`, owner.token)).status, 404);
      // Staff tokens and no token are not a patient's login.
      assert.equal((await getBytes(`/api/mp/records/visits/${signedId}/pdf/${kind}`, author.token)).status, 401);
      assert.equal((await getBytes(`/api/mp/records/visits/${signedId}/pdf/${kind}`)).status, 401);
    }
    const bare = await getBytes(`/api/mp/records/visits/${bareId}/pdf/prescription`, owner.token);
    assert.equal(bare.status, 409);
    assert.equal(bare.body.error.code, 'NOT_PRINTABLE');
    assert.equal((await getBytes('/api/mp/records/visits/abc/pdf/record', owner.token)).status, 400);
  });

  it('reports: values and files by the record’s physician; type and size refused with stable codes', async () => {
    const values = await call('POST', `/api/admin/records/visits/${signedId}/reports`, {
      token: author.token,
      body: {
        kind: 'lab',
        title: '血脂四项',
        items: [
          { name: '总胆固醇', value: '6.8', unit: 'mmol/L', range: '<5.2', flag: 'high' },
          { name: '甘油三酯', value: '1.2', unit: 'mmol/L', range: '<1.7' },
        ],
        conclusion: '总胆固醇升高',
      },
    });
    assert.equal(values.status, 201, JSON.stringify(values.body));
    assert.equal(values.body.reportDate, shanghaiDate());
    assert.equal(values.body.items[1].flag, 'normal');
    // Encrypted at rest: the values are not in the row in clear.
    const row = await VisitReport.findByPk(values.body.id);
    assert.ok(!row!.dataEnc.includes('总胆固醇') && !row!.dataEnc.includes('6.8'));

    const pdf = (await getBytes(`/api/admin/records/visits/${signedId}/print/record`, author.token)).bytes;
    const file = await upload(
      `/api/admin/records/visits/${signedId}/reports/file?kind=exam&title=${encodeURIComponent('心电图')}&filename=ecg.pdf`,
      author.token,
      pdf,
    );
    assert.equal(file.status, 201, JSON.stringify(file.body));
    assert.deepEqual(file.body.file, { mime: 'application/pdf', size: pdf.length, name: 'ecg.pdf' });
    const img = await upload(
      `/api/admin/records/visits/${draftId}/reports/file?kind=exam&title=${encodeURIComponent('胸片')}`,
      author.token,
      PNG,
      'image/png',
    );
    assert.equal(img.status, 201, JSON.stringify(img.body));
    assert.equal(img.body.file.mime, 'image/png');

    // Stored outside the web root, in the private folder; the public /files route does not know it.
    const stored = await StoredFile.findByPk((await VisitReport.findByPk(file.body.id))!.fileId!);
    assert.equal(stored!.kind, 'report');
    const dataDir = infra().config.DATA_DIR;
    assert.ok(fs.existsSync(path.resolve(dataDir, 'private-uploads', `${stored!.id}.pdf`)));
    assert.ok(!fs.existsSync(path.resolve(dataDir, 'uploads', `${stored!.id}.pdf`)));
    assert.equal((await getBytes(`/files/${stored!.id}.pdf`)).status, 404);

    const bad = async (q: string, bytes: Buffer) =>
      upload(`/api/admin/records/visits/${signedId}/reports/file?${q}`, author.token, bytes);
    const text = await bad('kind=lab&title=x', Buffer.from('这不是 PDF，只是一段文字'));
    assert.equal(text.status, 415);
    assert.equal(text.body.error.code, 'FILE_TYPE');
    const exe = await bad('kind=lab&title=x', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]));
    assert.equal(exe.status, 415);
    const big = await bad('kind=lab&title=x', Buffer.concat([pdf.subarray(0, 1024), Buffer.alloc(10 * 1024 * 1024)]));
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'FILE_TOO_LARGE');
    const empty = await bad('kind=lab&title=x', Buffer.alloc(0));
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'FILE_EMPTY');
    const noTitle = await bad('kind=lab', PNG);
    assert.equal(noTitle.status, 400);
    assert.equal(noTitle.body.error.code, 'VALIDATION_FAILED');
    const badKind = await bad('kind=xray&title=x', PNG);
    assert.equal(badKind.status, 400);
    const nothing = await call('POST', `/api/admin/records/visits/${signedId}/reports`, {
      token: author.token,
      body: { kind: 'lab', title: '空报告' },
    });
    assert.equal(nothing.status, 400);
    assert.equal(nothing.body.error.code, 'VALIDATION_FAILED');
    assert.equal(await VisitReport.count({ where: { recordId: signedId } }), 2, 'nothing refused was stored');

    // Writers: the record's own physician only.
    for (const [who, code, status] of [
      ['colleague', 'NOT_FOUND', 404],
      ['otherDept', 'NOT_FOUND', 404],
      ['chief', 'NOT_RECORD_AUTHOR', 403],
      ['deptadmin', 'NOT_RECORD_AUTHOR', 403],
      ['admin', 'NOT_RECORD_AUTHOR', 403],
    ] as const) {
      const r = await call('POST', `/api/admin/records/visits/${signedId}/reports`, {
        token: staff[who],
        body: { kind: 'lab', title: '血常规', conclusion: '正常' },
      });
      assert.equal(r.status, status, who);
      assert.equal(r.body.error.code, code, who);
      const f = await upload(`/api/admin/records/visits/${signedId}/reports/file?kind=lab&title=x`, staff[who], PNG);
      assert.equal(f.status, status, `${who} upload`);
    }
  });

  it('reports are read by those who see the record (audited), and by the patient once the visit is signed', async () => {
    const reports = await VisitReport.findAll({ where: { recordId: signedId }, order: [['id', 'ASC']] });
    const withFile = reports.find((r) => r.fileId)!;
    const draftReport = (await VisitReport.findOne({ where: { recordId: draftId } }))!;
    for (const [who, token] of Object.entries(staff)) {
      const list = await call('GET', `/api/admin/records/visits/${signedId}/reports`, { token });
      assert.equal(list.status, SEES[who] ? 200 : 404, `${who} list`);
      if (SEES[who])
        assert.deepEqual(
          list.body.map((r: { title: string }) => r.title),
          ['血脂四项', '心电图'],
        );
      const f = await getBytes(`/api/admin/records/reports/${withFile.id}/file`, token);
      assert.equal(f.status, SEES[who] ? 200 : 404, `${who} file`);
      if (SEES[who]) {
        assert.equal(f.type, 'application/pdf');
        assert.equal(f.headers.get('cache-control'), 'private, no-store');
        assert.equal(f.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
      }
    }
    // A draft's reports are its author's alone, like the draft.
    assert.equal((await getBytes(`/api/admin/records/reports/${draftReport.id}/file`, staff.chief)).status, 404);
    assert.equal((await getBytes(`/api/admin/records/reports/${draftReport.id}/file`, author.token)).status, 200);
    // One audit row per report shown to each reader, and per file opened.
    const chief = await User.findOne({ where: { username: 'chief' } });
    assert.equal(
      await DataAccessLog.count({
        where: { what: 'records.report.list', actorId: chief!.id, patientId: owner.patientId },
      }),
      1,
    );
    const fileRead = await DataAccessLog.findOne({
      where: { what: 'records.report.file', actorId: chief!.id, patientId: owner.patientId },
    });
    assert.equal(fileRead?.subjectIds, String(withFile.id));
    assert.equal(
      await DataAccessLog.count({ where: { patientId: owner.patientId, actorId: [colleague.id, otherDept.id] } }),
      0,
    );

    // The patient: reports of signed visits of their own family members only.
    const mine = await call('GET', `/api/mp/records/patients/${owner.patientId}/reports`, { token: owner.token });
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.map((r: { title: string }) => r.title).sort(), ['心电图', '血脂四项']);
    assert.equal(mine.body[0].doctorName, '测试医生');
    const mineFile = await getBytes(`/api/mp/records/reports/${withFile.id}/file`, owner.token);
    assert.equal(mineFile.status, 200);
    assert.equal(mineFile.type, 'application/pdf');
    assert.equal((await getBytes(`/api/mp/records/reports/${draftReport.id}/file`, owner.token)).status, 404);
    // Patient B asking for A's, by patient and by report id: 404, nothing said about existence.
    const theirs = await call('GET', `/api/mp/records/patients/${owner.patientId}/reports`, { token: stranger.token });
    assert.equal(theirs.status, 404);
    assert.equal((await getBytes(`/api/mp/records/reports/${withFile.id}/file`, stranger.token)).status, 404);
    assert.equal((await getBytes(`/api/mp/records/reports/${withFile.id}/file`)).status, 401);
    assert.equal((await getBytes(`/api/mp/records/reports/${withFile.id}/file`, author.token)).status, 401);
    assert.deepEqual(
      (await call('GET', `/api/mp/records/patients/${stranger.patientId}/reports`, { token: stranger.token })).body,
      [],
    );
  });

  it('templates: kept within scope, read by the department, applied to a draft without overwriting', async () => {
    const chiefT = staff.chief;
    const tpl = {
      deptId: author.deptId,
      name: `高血压初诊-${Date.now()}`,
      content: { ...content, chiefComplaint: '模板主诉', advice: '模板医嘱', diagnoses: [{ code: 'E78.5' }] },
    };
    const created = await call('POST', '/api/admin/records/templates', { token: chiefT, body: tpl });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.content.diagnoses[0].name, '高脂血症');
    assert.equal(created.body.deptName, '心血管内科');
    const id = created.body.id as number;
    // Same name in the department: 409; unknown diagnosis: 400; another department (out of the chief's scope): 403.
    const dup = await call('POST', '/api/admin/records/templates', { token: chiefT, body: tpl });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'TEMPLATE_NAME_TAKEN');
    const unknown = await call('POST', '/api/admin/records/templates', {
      token: chiefT,
      body: { ...tpl, name: '未知诊断', content: { diagnoses: [{ code: 'ZZZ.9' }] } },
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'UNKNOWN_DIAGNOSIS');
    const resp = await call('POST', '/api/admin/records/templates', {
      token: chiefT,
      body: { ...tpl, deptId: otherDept.deptId, name: '呼吸科模板' },
    });
    assert.equal(resp.status, 403);
    assert.equal(resp.body.error.code, 'OUT_OF_SCOPE');
    // The dept admin (内科 and below) keeps 呼吸内科's; a physician keeps none (no permission).
    const byAdmin = await call('POST', '/api/admin/records/templates', {
      token: staff.deptadmin,
      body: { ...tpl, deptId: otherDept.deptId, name: `慢阻肺随访-${Date.now()}` },
    });
    assert.equal(byAdmin.status, 201);
    const phys = await call('POST', '/api/admin/records/templates', { token: author.token, body: tpl });
    assert.equal(phys.status, 403);
    assert.equal(phys.body.error.code, 'FORBIDDEN');
    assert.equal(
      (await call('PUT', `/api/admin/records/templates/${id}`, { token: author.token, body: { name: 'x', content } }))
        .status,
      403,
    );

    // Reading: one's own department (and scope); another department's template is not there.
    const ids = async (token: string) =>
      (await call('GET', '/api/admin/records/templates?pageSize=100', { token })).body.items.map(
        (t: { id: number }) => t.id,
      );
    assert.ok((await ids(author.token)).includes(id));
    assert.ok(!(await ids(author.token)).includes(byAdmin.body.id));
    assert.ok(!(await ids(otherDept.token)).includes(id));
    assert.ok((await ids(otherDept.token)).includes(byAdmin.body.id));
    assert.ok((await ids(staff.admin)).includes(id));
    const page = await call('GET', `/api/admin/records/templates?deptId=${author.deptId}&page=1&pageSize=1`, {
      token: author.token,
    });
    assert.equal(page.body.items.length, 1);
    assert.ok(page.body.total >= 1);

    // Applying: only empty fields take the template's wording; diagnoses are merged.
    await call('PUT', `/api/admin/records/visits/${draftId}`, {
      token: author.token,
      body: { chiefComplaint: '医生写的主诉', diagnoses: [{ code: 'I10' }] },
    });
    const applied = await call('POST', `/api/admin/records/visits/${draftId}/template`, {
      token: author.token,
      body: { templateId: id },
    });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal(applied.body.content.chiefComplaint, '医生写的主诉');
    assert.equal(applied.body.content.advice, '模板医嘱');
    assert.deepEqual(
      applied.body.content.diagnoses.map((d: { code: string }) => d.code),
      ['I10', 'E78.5'],
    );
    const reread = await call('GET', `/api/admin/records/visits/${draftId}`, { token: author.token });
    assert.equal(reread.body.content.plan, '降压治疗');
    // A signed record takes no template; another department's physician can't use this one; nor edit a draft not theirs.
    const signed = await call('POST', `/api/admin/records/visits/${signedId}/template`, {
      token: author.token,
      body: { templateId: id },
    });
    assert.equal(signed.status, 409);
    assert.equal(signed.body.error.code, 'RECORD_SIGNED');
    const foreign = await call('POST', `/api/admin/records/visits/${draftId}/template`, {
      token: author.token,
      body: { templateId: byAdmin.body.id },
    });
    assert.equal(foreign.status, 404);
    const notMine = await call('POST', `/api/admin/records/visits/${draftId}/template`, {
      token: colleague.token,
      body: { templateId: id },
    });
    assert.equal(notMine.status, 404);

    // Edit and delete by the chief.
    const upd = await call('PUT', `/api/admin/records/templates/${id}`, {
      token: chiefT,
      body: { name: tpl.name, content: { ...content, advice: '新医嘱' } },
    });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.content.advice, '新医嘱');
    // Another department's template is out of the chief's sight: not there at all.
    assert.equal(
      (await call('DELETE', `/api/admin/records/templates/${byAdmin.body.id}`, { token: chiefT })).status,
      404,
    );
    assert.equal((await call('DELETE', `/api/admin/records/templates/${id}`, { token: chiefT })).status, 204);
    assert.equal((await call('DELETE', `/api/admin/records/templates/${id}`, { token: chiefT })).status, 404);
  });
});

describe('records: the demo physician’s clinic today (demo seed)', () => {
  it('has booked demo patients in number order, and seeding again adds none', async () => {
    const token = await loginAs('doctor');
    const q = await call('GET', '/api/admin/records/clinic/today', { token });
    assert.equal(q.status, 200);
    const names = q.body.items.map((i: { patientName: string }) => i.patientName);
    for (const n of ['王秀英', '李建华', '赵丽娟', '孙国强', '周雨桐']) assert.ok(names.includes(n), n);
    const doctor = await User.findOne({ where: { username: 'doctor' } });
    const count = () => Appointment.count({ where: { doctorId: doctor!.id, clinicDate: shanghaiDate() } });
    const before = await count();
    await seedRecordsDemo();
    assert.equal(await count(), before);
    // The first demo patient carries a penicillin allergy, so the workbench's allergy warning shows in the demo.
    const first = q.body.items.find((i: { patientName: string }) => i.patientName === '王秀英');
    const prof = await call('GET', `/api/admin/records/patients/${first.patientId}/profile`, { token });
    assert.equal(prof.body.allergies[0].substance, '青霉素');
    // And department templates are there to apply.
    const t = await call('GET', '/api/admin/records/templates', { token });
    assert.ok(t.body.items.some((x: { name: string }) => x.name === '高血压复诊'));
  });
});
