import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { call, loginAs } from '../../support/api';
import { startStack } from '../../support/stack';
import { admin as adminToken, newDoctor } from '../../support/booking';
import { Schedule } from '../../../bff/src/modules/scheduling/models';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';

const HEADER = [
  '医生账号',
  '医生姓名',
  '日期',
  '时段',
  '开始时间',
  '结束时间',
  '号源数',
  '挂号费(元)',
  '放号时间',
  '就诊地点',
];

async function xlsx(rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('排班');
  ws.addRow(HEADER);
  rows.forEach((r) => ws.addRow(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(token: string, body: Buffer | string, filename: string) {
  const { baseUrl } = await startStack();
  const res = await fetch(`${baseUrl}/api/admin/scheduling/imports?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: body as BodyInit,
  });
  return { status: res.status, body: await res.json() };
}

describe('schedule import (Excel/CSV)', () => {
  let admin: string;
  before(async () => {
    admin = await loginAs('admin');
  });

  it('serves a template that imports as it is', async () => {
    const { baseUrl } = await startStack();
    for (const format of ['xlsx', 'csv']) {
      const res = await fetch(`${baseUrl}/api/admin/scheduling/import-template?format=${format}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
      const preview = await upload(admin, Buffer.from(await res.arrayBuffer()), `template.${format}`);
      assert.equal(preview.status, 201, JSON.stringify(preview.body));
      assert.equal(preview.body.total, 2);
      assert.equal(preview.body.invalid, 0, JSON.stringify(preview.body.rows));
    }
  });

  it('reports every kind of bad row with its row number, and commits only valid rows in one go', async () => {
    const d1 = await newDoctor();
    const d2 = await newDoctor('骨科');
    const day = addDays(shanghaiDate(), 2);
    const past = addDays(shanghaiDate(), -1);
    const rows: unknown[][] = [
      [d1.username, '测试医生', day, '上午', '08:00', '12:00', 20, 25, '', '诊室 1'], // 2 ok
      ['nobody_here', '无名', day, '上午', '08:00', '12:00', 20, 25, '', ''], // 3 unknown doctor
      [d1.username, '测试医生', past, '上午', '08:00', '12:00', 20, 25, '', ''], // 4 past
      [d1.username, '测试医生', day, '中午', '08:00', '12:00', 20, 25, '', ''], // 5 bad period
      [d1.username, '测试医生', day, '下午', '13:30', '17:30', 0, 25, '', ''], // 6 slots 0
      [d1.username, '测试医生', day, '晚上', '18:00', '21:00', 5000, 25, '', ''], // 7 absurd slots
      [d2.username, '测试医生', day, '下午', '13:30', '17:30', 10, '二十', '', ''], // 8 fee not a number
      [d1.username, '测试医生', day, '上午', '08:00', '12:00', 20, 25, '', ''], // 9 duplicate of row 2
      [d1.username, '测试医生', 'not a date', '下午', '13:30', '17:30', 10, 10, '', ''], // 10 bad date
      [d2.username, '测试医生', day, '上午', '12:00', '08:00', 10, 10, '', ''], // 11 end before start
      [d2.username, '测试医生', day, '晚上', '18:00', '21:00', 10, 10, '', ''], // 12 ok
    ];
    const preview = await upload(admin, await xlsx(rows), 'week.xlsx');
    assert.equal(preview.status, 201);
    const byRow = new Map(
      preview.body.rows.map((r: { row: number; errors: string[] }) => [r.row, r.errors.join('；')]),
    );
    assert.equal(preview.body.valid, 2);
    assert.equal(preview.body.invalid, 9);
    assert.match(byRow.get(3) as string, /未知医生/);
    assert.match(byRow.get(4) as string, /日期已过/);
    assert.match(byRow.get(5) as string, /时段/);
    assert.match(byRow.get(6) as string, /号源数/);
    assert.match(byRow.get(7) as string, /号源数/);
    assert.match(byRow.get(8) as string, /挂号费/);
    assert.match(byRow.get(9) as string, /与第 2 行重复/);
    assert.match(byRow.get(10) as string, /日期格式/);
    assert.match(byRow.get(11) as string, /结束时间应晚于开始时间/);
    assert.equal(await Schedule.count({ where: { doctorId: [d1.id, d2.id] } }), 0, 'preview writes nothing');
    const commit = await call('POST', `/api/admin/scheduling/imports/${preview.body.previewId}/commit`, {
      token: admin,
    });
    assert.deepEqual(commit.body, { created: 2, unchanged: 0 });
    assert.equal(await Schedule.count({ where: { doctorId: [d1.id, d2.id] } }), 2);
    assert.equal(
      (await call('POST', `/api/admin/scheduling/imports/${preview.body.previewId}/commit`, { token: admin })).status,
      404,
      'a preview commits once',
    );

    // The same file again: the two rows are unchanged, nothing new is written.
    const again = await upload(admin, await xlsx(rows), 'week.xlsx');
    assert.equal(again.body.toCreate, 0);
    assert.equal(again.body.unchanged, 2);
    await call('POST', `/api/admin/scheduling/imports/${again.body.previewId}/commit`, { token: admin });
    assert.equal(await Schedule.count({ where: { doctorId: [d1.id, d2.id] } }), 2);

    // A row that clashes with an existing, different schedule is reported.
    const clash = await upload(
      admin,
      await xlsx([[d1.username, '测试医生', day, '上午', '08:00', '11:00', 30, 25, '', '']]),
      'clash.xlsx',
    );
    assert.match(clash.body.rows[0].errors[0], /与已有排班冲突/);
  });

  it('refuses bad files and keeps department admins to their own doctors', async () => {
    assert.equal((await upload(admin, 'hello', 'x.txt')).body.error.code, 'IMPORT_TYPE');
    assert.equal((await upload(admin, Buffer.from('garbage'), 'x.xlsx')).body.error.code, 'IMPORT_UNREADABLE');
    assert.equal((await upload(admin, '姓名,日期\n张三,2020-01-01\n', 'x.csv')).body.error.code, 'IMPORT_HEADER');
    assert.equal((await upload(admin, Buffer.alloc(0), 'x.csv')).body.error.code, 'IMPORT_EMPTY');
    const ortho = await newDoctor('骨科');
    const deptadmin = await loginAs('deptadmin');
    const p = await upload(
      deptadmin,
      await xlsx([[ortho.username, '测试医生', addDays(shanghaiDate(), 3), '上午', '08:00', '12:00', 10, 10, '', '']]),
      'x.xlsx',
    );
    assert.match(p.body.rows[0].errors[0], /不在您的管理范围/);
    const doctor = await loginAs('doctor');
    assert.equal((await upload(doctor, await xlsx([]), 'x.xlsx')).status, 403);
  });

  it('imports 5,000 rows (CSV) in one transaction', async function () {
    this.timeout(120_000);
    const doctors = await Promise.all(Array.from({ length: 5 }, () => newDoctor()));
    const lines = [HEADER.join(',')];
    for (const d of doctors) {
      for (let day = 1; day <= 334; day++) {
        for (const period of ['上午', '下午', '晚上']) {
          if (lines.length > 5000) break;
          const [s, e] =
            period === '上午' ? ['08:00', '12:00'] : period === '下午' ? ['13:30', '17:30'] : ['18:00', '21:00'];
          lines.push(
            [d.username, '测试医生', addDays(shanghaiDate(), day), period, s, e, 20, '15.50', '', '门诊楼'].join(','),
          );
        }
      }
    }
    assert.equal(lines.length, 5001);
    const started = Date.now();
    const preview = await upload(admin, lines.join('\n'), 'big.csv');
    assert.equal(preview.body.valid, 5000, JSON.stringify(preview.body.rows?.slice(0, 2)));
    const commit = await call('POST', `/api/admin/scheduling/imports/${preview.body.previewId}/commit`, {
      token: admin,
    });
    assert.equal(commit.body.created, 5000);
    assert.equal(await Schedule.count({ where: { doctorId: doctors.map((d) => d.id) } }), 5000);
    const s = await Schedule.findOne({ where: { doctorId: doctors[0].id } });
    assert.equal(s!.feeFen, 1550);
    console.log(`      5,000-row import: ${Date.now() - started} ms (preview + commit)`);
  });
});

describe('schedule import: files past the row limit', () => {
  /**
   * The BFF runs in this process: how far its memory rose while `work` ran — resident set or JS heap, whichever rose
   * more (the resident set alone can hide growth into memory an earlier test already made the process hold).
   */
  async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
    const start = process.memoryUsage();
    let growth = 0;
    const sample = () => {
      const now = process.memoryUsage();
      growth = Math.max(growth, now.rss - start.rss, now.heapUsed - start.heapUsed);
    };
    const sampler = setInterval(sample, 10);
    try {
      const result = await work();
      sample();
      return { result, growthMb: growth / 2 ** 20 };
    } finally {
      clearInterval(sampler);
    }
  }

  it('refuses a 150,000-row xlsx with IMPORT_TOO_LARGE at the limit, in bounded memory', async function () {
    this.timeout(120_000);
    const admin = await adminToken();
    // Written the way big exports are: exceljs's streaming writer (sheet first, shared strings after it in the zip).
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => void (chunks.push(chunk), done()) });
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: true });
    const ws = wb.addWorksheet('排班');
    ws.addRow(HEADER).commit();
    const day = addDays(shanghaiDate(), 2);
    for (let i = 0; i < 150_000; i++) ws.addRow(['doctor', '张晓明', day, '上午', '08:00', '12:00', 20, 25]).commit();
    ws.commit();
    await wb.commit();
    const file = Buffer.concat(chunks);
    assert.ok(file.length < 5 * 2 ** 20, `the file fits the upload limit (${file.length} bytes)`);

    const started = Date.now();
    const { result, growthMb } = await peakRss(() => upload(admin, file, 'huge.xlsx'));
    assert.ok(growthMb < 150, `memory grew ${growthMb.toFixed(0)} MB`);
    assert.equal(result.status, 422, JSON.stringify(result.body));
    assert.equal(result.body.error.code, 'IMPORT_TOO_LARGE');
    assert.deepEqual(result.body.error.details, { maxRows: 10_000 });
    console.log(`      150,000-row xlsx refused in ${Date.now() - started} ms, memory +${growthMb.toFixed(0)} MB`);
  });

  it('refuses a 150,000-line CSV the same way', async function () {
    this.timeout(120_000);
    const admin = await adminToken();
    const day = addDays(shanghaiDate(), 2);
    const csv = [HEADER.join(','), ...Array.from({ length: 150_000 }, () => `doctor,,${day},am,,,20,25`)].join('\n');
    assert.ok(Buffer.byteLength(csv) < 5 * 2 ** 20, 'the file fits the upload limit');
    const started = Date.now();
    const { result, growthMb } = await peakRss(() => upload(admin, csv, 'huge.csv'));
    assert.ok(growthMb < 150, `memory grew ${growthMb.toFixed(0)} MB`);
    assert.equal(result.status, 422, JSON.stringify(result.body));
    assert.equal(result.body.error.code, 'IMPORT_TOO_LARGE');
    console.log(`      150,000-line CSV refused in ${Date.now() - started} ms, memory +${growthMb.toFixed(0)} MB`);
  });

  it('still takes exactly the limit, and Excel date and time cells', async function () {
    this.timeout(120_000);
    const admin = await adminToken();
    const day = addDays(shanghaiDate(), 2);
    const [y, m, d] = day.split('-').map(Number);
    // A real date cell and a time-of-day cell, as Excel stores them (exceljs writes Dates as date-formatted numbers).
    const dated = await xlsx([
      [
        'doctor',
        '张晓明',
        new Date(Date.UTC(y!, m! - 1, d!)),
        '晚上',
        new Date(Date.UTC(1899, 11, 30, 18, 30)),
        '21:00',
        5,
        10,
        '',
        '',
      ],
    ]);
    const one = await upload(admin, dated, 'dated.xlsx');
    assert.equal(one.status, 201, JSON.stringify(one.body));
    assert.equal(one.body.rows[0].data.clinicDate, day);
    assert.equal(one.body.rows[0].data.startTime, '18:30');

    // A release time typed as an Excel date cell previews in Beijing time like the rest of the page, not as
    // "2026-12-15T08:00:00.000Z" (issue 15, defect 8).
    const release = addDays(day, -1);
    const [ry, rm, rd] = release.split('-').map(Number);
    const releaseCell = await xlsx([
      ['doctor', '张晓明', day, '下午', '13:30', '17:30', 5, 10, new Date(Date.UTC(ry!, rm! - 1, rd!, 8, 0)), ''],
    ]);
    const withRelease = await upload(admin, releaseCell, 'release.xlsx');
    assert.equal(withRelease.status, 201, JSON.stringify(withRelease.body));
    assert.equal(withRelease.body.rows[0].data.releaseAt, `${release} 08:00`);

    const lines = [HEADER.join(','), ...Array.from({ length: 10_000 }, () => `doctor,张晓明,${day},上午,,,20,25,,`)];
    const atLimit = await upload(admin, lines.join('\n'), 'limit.csv');
    assert.equal(atLimit.status, 201, JSON.stringify(atLimit.body).slice(0, 300));
    assert.equal(atLimit.body.total, 10_000);
    const over = await upload(admin, [...lines, `doctor,张晓明,${day},下午,,,20,25,,`].join('\n'), 'over.csv');
    assert.equal(over.body.error.code, 'IMPORT_TOO_LARGE');
  });
});
