/**
 * The rows of an uploaded spreadsheet, read as a stream so that neither time nor memory grows with the file: the
 * import stops reading at its row limit. CSV goes through fast-csv record by record; xlsx through exceljs's
 * streaming WorkbookReader (never the in-memory Workbook, which holds every cell of every row at once).
 */
import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'fast-csv';

export type Cell = ExcelJS.CellValue;
/** A row as it sits in the file: its number there (for reports) and its cells, the first column first. */
export interface SheetRow {
  row: number;
  cells: Cell[];
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
