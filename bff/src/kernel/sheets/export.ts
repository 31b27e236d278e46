/**
 * Rows → .xlsx under Chinese headers, the one way every console export writes a sheet (预约, 随访, 订单, 用户, 学习进度).
 * An export that concerns patients is a sensitive read: `pagedXlsxExport` makes the caller say how each page is
 * recorded in the data-access log (or that it holds no patient data), and records it while the page is turned into rows.
 */
import ExcelJS from 'exceljs';
import { unprocessable } from '../../http/errors';

/** A column: its header as the reader sees it, the key of the row's value, its width in characters. */
export type SheetColumn = readonly [header: string, key: string, width: number];

export type SheetRow = Record<string, unknown>;

/** A sheet with bold headers on the first row, ready for rows keyed by the columns' keys. */
export function addSheet(wb: ExcelJS.Workbook, name: string, columns: readonly SheetColumn[]) {
  const ws = wb.addWorksheet(name);
  ws.columns = columns.map(([header, key, width]) => ({ header, key, width }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

export const xlsxBuffer = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer());

/** One sheet of rows already in hand. */
export async function rowsToXlsx(sheet: string, columns: readonly SheetColumn[], rows: Iterable<SheetRow>) {
  const wb = new ExcelJS.Workbook();
  const ws = addSheet(wb, sheet, columns);
  for (const r of rows) ws.addRow(r);
  return xlsxBuffer(wb);
}

/**
 * An export too large to hold at once: refused beyond `max` rows (`422 EXPORT_TOO_LARGE`, `tooLarge` saying how to
 * narrow it) before anything is read, then read `PAGE` rows at a time; each page becomes its sheet rows while `audit`
 * records it (patients' data: a data-access log entry per page, as the list does) — or `audit: 'no patient data'`.
 */
export async function pagedXlsxExport<T, V>(o: {
  sheet: string;
  columns: readonly SheetColumn[];
  total: number;
  max: number;
  /** How to narrow it; default 最多导出 N 条，请缩小日期范围 */
  tooLarge?: string;
  page: (offset: number, limit: number) => Promise<T[]>;
  views: (rows: T[]) => Promise<V[]>;
  audit: ((rows: T[]) => Promise<unknown>) | 'no patient data';
  row: (view: V) => SheetRow;
}): Promise<Buffer> {
  if (o.total > o.max) throw unprocessable('EXPORT_TOO_LARGE', o.tooLarge ?? `最多导出 ${o.max} 条，请缩小日期范围`);
  const wb = new ExcelJS.Workbook();
  const ws = addSheet(wb, o.sheet, o.columns);
  for (let offset = 0; offset < o.total; offset += PAGE) {
    const rows = await o.page(offset, PAGE);
    const [views] = await Promise.all([o.views(rows), o.audit === 'no patient data' ? null : o.audit(rows)]);
    for (const v of views) ws.addRow(o.row(v));
  }
  return xlsxBuffer(wb);
}

const PAGE = 1000;
