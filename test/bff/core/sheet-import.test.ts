/**
 * The kernel's sheet reading (kernel/sheets/import.ts) that 排班导入 and 用户导入 share, for what their own tests do
 * not reach: the cell kinds Excel writes (rich text, formulas, hyperlinks, numbers, dates), blank rows skipped with
 * the file's row numbers kept, rows cut or padded to the template's width, a header not on the first row, a
 * header-only file, a sheet of blank rows past the limit, and CSV's byte-order mark.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { AppError } from '../../../bff/src/http/errors';
import { cellText, csvRows, importRows, xlsxRows, type SheetRow } from '../../../bff/src/kernel/sheets/import';

const HEADERS = ['账号', '姓名', '号源数'] as const;
const sheet = (maxRows = 10) => ({
  headers: HEADERS,
  maxRows,
  tooLarge: `一次最多导入 ${maxRows} 行`,
  unreadable: '无法读取文件',
  empty: '文件中没有数据',
});

async function xlsx(fill: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  fill(wb.addWorksheet('导入'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const texts = (rows: SheetRow[]) => rows.map(({ row, cells }) => ({ row, cells: cells.map(cellText) }));

/** The AppError an import refuses with: its code, message and details. */
async function refusal(work: Promise<unknown>) {
  const err = await work.then(
    () => assert.fail('expected the import to be refused'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, String(err));
  return { status: err.status, code: err.code, message: err.message, details: err.details };
}

describe('kernel sheets: reading an uploaded import', () => {
  it('reads every kind of cell Excel writes as the text its importer checks, by the file’s row numbers', async () => {
    const file = await xlsx((ws) => {
      ws.addRow([...HEADERS]);
      ws.addRow([
        { richText: [{ text: ' zhang' }, { font: { bold: true }, text: 'san ' }] },
        { formula: 'CONCAT("张","三")', result: '张三' },
        { formula: '10*3', result: 30 },
      ]);
      ws.addRow([]); // an empty row: not in the file at all
      ws.getRow(4).getCell(4).value = '模板之外的列'; // a row with a cell only beyond the template's columns
      ws.addRow([{ text: 'lisi', hyperlink: 'mailto:lisi@example.cn' }, '李四', 13800000000, '多余']);
      ws.addRow(['wangwu', new Date(Date.UTC(2026, 11, 3, 8, 30))]);
    });
    const rows = await importRows(xlsxRows(file), sheet());
    assert.deepEqual(texts(rows), [
      { row: 2, cells: ['zhangsan', '张三', '30'] },
      { row: 5, cells: ['lisi', '李四', '13800000000'] },
      { row: 6, cells: ['wangwu', '2026-12-03T08:30:00.000Z', ''] },
    ]);
    // the importers read numbers and dates from the cells themselves: they come as Excel wrote them
    assert.equal(rows[1]!.cells[2], 13800000000);
    assert.ok(rows[2]!.cells[1] instanceof Date);
    assert.equal(rows[2]!.cells.length, HEADERS.length);
  });

  it('refuses a header that is not on the first row, a file with a header and no rows, and a sheet of blank rows', async () => {
    const late = await xlsx((ws) => {
      ws.getRow(2).values = [...HEADERS];
      ws.getRow(3).values = ['zhangsan', '张三', 5];
    });
    assert.deepEqual(await refusal(importRows(xlsxRows(late), sheet())), {
      status: 422,
      code: 'IMPORT_HEADER',
      message: '表头应为：账号、姓名、号源数。请使用下载的模板',
      details: { expected: HEADERS, got: [] },
    });

    const headerOnly = await xlsx((ws) => ws.addRow([...HEADERS]));
    assert.equal((await refusal(importRows(xlsxRows(headerOnly), sheet()))).code, 'IMPORT_EMPTY');

    // rows whose cells are all blank text: skipped, but counted against a limit of their own
    const blanks = await xlsx((ws) => {
      ws.addRow([...HEADERS]);
      for (let i = 0; i < 11; i++) ws.addRow(['  ', '', '']);
    });
    assert.deepEqual(await refusal(importRows(xlsxRows(blanks), sheet(10))), {
      status: 422,
      code: 'IMPORT_TOO_LARGE',
      message: '一次最多导入 10 行',
      details: { maxRows: 10 },
    });
  });

  it('reads CSV with or without a byte-order mark the same way, blank lines skipped', async () => {
    const text = '账号,姓名,号源数\nzhangsan,张三,5\n,,\nlisi,李四,\n';
    const plain = texts(await importRows(csvRows(Buffer.from(text)), sheet()));
    const bom = texts(await importRows(csvRows(Buffer.concat([Buffer.from('\uFEFF'), Buffer.from(text)])), sheet()));
    assert.deepEqual(plain, [
      { row: 2, cells: ['zhangsan', '张三', '5'] },
      { row: 4, cells: ['lisi', '李四', ''] },
    ]);
    assert.deepEqual(bom, plain);
  });
});
