/**
 * Uploaded sheet → rows, the one way every console import reads a file (排班导入, 用户导入): the rows streamed so that
 * neither time nor memory grows with the file, the template's header checked at the first row, blank rows skipped,
 * the import refused the moment it passes its row limit, cells turned into the text the importers check. What a
 * row means (and its errors, by row number) stays with the importer. CSV goes through fast-csv record by record;
 * xlsx through exceljs's streaming WorkbookReader (never the in-memory Workbook, which holds every cell of every
 * row at once).
 */
import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'fast-csv';
import { AppError, unprocessable } from '../../http/errors';

export type Cell = ExcelJS.CellValue;
/** A row as it sits in the file: its number there (for reports) and its cells, the first column first. */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

/**
 * A cell as the text its reader sees: strings and numbers as typed (trimmed), rich text joined, a formula by its
 * result, a hyperlink by its text; a Date (xlsx date/time cells, wall clock stored as UTC) as ISO — importers that
 * take dates or times read those cells themselves.
 */
export function cellText(v: Cell): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v)
      return v.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if ('text' in v) return String(v.text).trim();
    if ('result' in v) return cellText(v.result as Cell);
    return '';
  }
  return String(v).trim();
}

/** What an import tells the importer when its file is not what the template makes. */
export interface ImportSheet {
  /** The template's headers: the file's first row must start with them, and a row is read as that many cells. */
  headers: readonly string[];
  maxRows: number;
  /** e.g. 一次最多导入 1000 人 */
  tooLarge: string;
  /** e.g. 无法读取文件，请使用下载的模板 */
  unreadable: string;
  /** e.g. 文件中没有用户数据: a file with a header and no rows, or no rows at all */
  empty: string;
}

/**
 * The non-blank rows below the header, each cut (or padded with null) to the headers' width, once the first row is
 * the template's header. A wrong file is refused at its first row (`422 IMPORT_HEADER`); one past the row limit the
 * moment it passes it (`422 IMPORT_TOO_LARGE`, blank rows counted apart: a sheet of blank rows is as absurd as one of
 * full ones), so a huge file costs no more than one at the limit; one the reader cannot parse is `422
 * IMPORT_UNREADABLE`, one with no rows `422 IMPORT_EMPTY`.
 */
export async function importRows(rows: AsyncIterable<SheetRow>, sheet: ImportSheet): Promise<SheetRow[]> {
  const { headers, maxRows } = sheet;
  const tooLarge = () => unprocessable('IMPORT_TOO_LARGE', sheet.tooLarge, { maxRows });
  let headerSeen = false;
  const body: SheetRow[] = [];
  let blank = 0;
  try {
    for await (const { row, cells } of rows) {
      const mine = headers.map((_, i) => cells[i] ?? null);
      if (!headerSeen) {
        headerSeen = true;
        assertHeader(row === 1 ? mine.map(cellText) : [], headers);
        continue;
      }
      if (mine.some((c) => cellText(c) !== '')) {
        body.push({ row, cells: mine });
        if (body.length > maxRows) throw tooLarge();
      } else if (++blank > maxRows) {
        throw tooLarge();
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unprocessable('IMPORT_UNREADABLE', sheet.unreadable);
  }
  if (!body.length) throw unprocessable('IMPORT_EMPTY', sheet.empty);
  return body;
}

/** `422 IMPORT_HEADER` unless the first row (`got`, as text) starts with the template's headers. */
export function assertHeader(got: readonly string[], headers: readonly string[]): void {
  if (headers.some((h, i) => got[i] !== h))
    throw unprocessable('IMPORT_HEADER', `表头应为：${headers.join('、')}。请使用下载的模板`, {
      expected: headers,
      got,
    });
}

export async function* csvRows(buffer: Buffer): AsyncGenerator<SheetRow> {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
  const text = buffer.subarray(0, 3).equals(BOM) ? buffer.subarray(3) : buffer;
  // Fed in small pieces: the parser turns each piece into records at once, so one big piece would be every row.
  // Values stay text; the import's own parsers decide what a date or a number is.
  const records = Readable.from(pieces(text, 16 * 1024)).pipe(parseCsv({ ignoreEmpty: false, encoding: 'utf8' }));
  let row = 0;
  for await (const record of records as AsyncIterable<string[]>) yield { row: ++row, cells: record };
}

function* pieces(buffer: Buffer, size: number) {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

/** The first worksheet's rows (rows with no cells at all are not in an xlsx file, so not here either). */
export async function* xlsxRows(buffer: Buffer): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(sheetsLast(buffer)), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const worksheet of reader) {
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>)
      yield { row: row.number, cells: (row.values as Cell[]).slice(1) };
    return;
  }
}

/**
 * exceljs's streaming reader parses a worksheet as it arrives only if the workbook's relations and shared strings
 * came before it in the zip; otherwise it first inflates the whole sheet into a temporary file. Excel and most
 * writers put the sheets first, so the entries it needs are handed over in that order instead: the parts the
 * reader uses, then the worksheets. Each part is its original local-header-and-data bytes, untouched; an empty
 * shared-strings part stands in when a workbook has none (all its strings are inline).
 */
function sheetsLast(zip: Buffer): Buffer[] {
  const entries = centralDirectory(zip);
  const part = (name: string) => entries.find((e) => e.name === name);
  const sheets = entries
    .filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name))
    .sort((a, b) => Number(/\d+/.exec(a.name)![0]) - Number(/\d+/.exec(b.name)![0]));
  // Without the workbook's relations the reader would fall back to temporary files; no real workbook lacks them.
  if (!part('xl/_rels/workbook.xml.rels') || !part('xl/workbook.xml') || !sheets.length)
    throw new Error('not an xlsx workbook');
  const first = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml']
    .map(part)
    .filter((e) => e !== undefined);
  const sharedStrings = part('xl/sharedStrings.xml');
  return [
    ...first.map((e) => e.bytes),
    sharedStrings
      ? sharedStrings.bytes
      : storedEntry(
          'xl/sharedStrings.xml',
          '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
        ),
    ...sheets.map((e) => e.bytes),
  ];
}

/** Name and local entry bytes (header, data, descriptor) of each file, from the zip's central directory. */
function centralDirectory(zip: Buffer): { name: string; bytes: Buffer }[] {
  // The end-of-central-directory record: 22 bytes plus a comment of at most 65,535, at the very end.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  const cdStart = zip.readUInt32LE(eocd + 16);
  const found: { name: string; offset: number }[] = [];
  for (let p = cdStart, i = 0; i < count; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) throw new Error('not a zip file');
    const nameLength = zip.readUInt16LE(p + 28);
    found.push({ name: zip.toString('utf8', p + 46, p + 46 + nameLength), offset: zip.readUInt32LE(p + 42) });
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  const starts = [...found.map((f) => f.offset), cdStart].sort((a, b) => a - b);
  return found.map((f) => {
    const end = starts.find((s) => s > f.offset) ?? cdStart;
    if (f.offset >= end || end > zip.length) throw new Error('not a zip file');
    return { name: f.name, bytes: zip.subarray(f.offset, end) };
  });
}

/** A zip local entry holding `text` uncompressed. */
function storedEntry(name: string, text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  const nameBytes = Buffer.from(name, 'utf8');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed
  header.writeUInt16LE(0, 6); // flags
  header.writeUInt16LE(0, 8); // stored
  header.writeUInt32LE(zlib.crc32(data), 14);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(nameBytes.length, 26);
  return Buffer.concat([header, nameBytes, data]);
}
