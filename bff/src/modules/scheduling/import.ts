import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { Op } from 'sequelize';
import { infra, tx } from '../../infra';
import type { AdminActor } from '../../http/actor';
import { AppError, conflict, notFound, unprocessable } from '../../http/errors';
import { inScope } from '../system/authz';
import { User } from '../system/models';
import { Schedule, type Period } from './models';
import { checkTimes, doctorIds, listingsChanged } from './service';
import { levelFees } from './levels';
import { addDays, shanghaiDate, shanghaiInstant, shanghaiWall } from '../../shared/time';
import { PERIOD_LABEL, PERIODS as SHARED_PERIODS } from '../../shared/clinic';
import { MAX_FEE_FEN, MAX_SLOTS, type ImportPreview } from './schemas';
import { cellText as text, csvRows, importRows, xlsxRows, type Cell, type SheetRow } from '../../kernel/sheets/import';

export const MAX_IMPORT_ROWS = 10_000;
const PREVIEW_TTL_SEC = 30 * 60;
const HEADERS = [
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
] as const;
/** A sheet may say 上午 or am. */
const PERIODS: Record<string, Period> = Object.fromEntries(
  SHARED_PERIODS.flatMap((p) => [
    [PERIOD_LABEL[p], p],
    [p, p],
  ]),
);
const DEFAULT_TIMES: Record<Period, [string, string]> = {
  am: ['08:00', '12:00'],
  pm: ['13:30', '17:30'],
  eve: ['18:00', '21:00'],
};

interface Candidate {
  doctorId: number;
  deptId: number;
  clinicDate: string;
  period: Period;
  startTime: string;
  endTime: string;
  slotCount: number;
  feeFen: number;
  releaseAt: string;
  location: string | null;
}
interface StoredPreview {
  actorId: number;
  filename: string;
  creates: Candidate[];
  unchanged: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

function parseDate(v: Cell): string | null {
  if (v instanceof Date) return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text(v));
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d ? `${y}-${pad(mo)}-${pad(d)}` : null;
}

function parseTime(v: Cell): string | null {
  if (v instanceof Date) return `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}`;
  if (typeof v === 'number' && v >= 0 && v < 1) {
    const mins = Math.round(v * 1440);
    return `${pad(Math.floor(mins / 60))}:${pad(mins % 60)}`;
  }
  const m = /^(\d{1,2})[:：](\d{2})$/.exec(text(v));
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return `${pad(Number(m[1]))}:${m[2]}`;
}

/** A release-time cell for the preview: 'YYYY-MM-DD HH:MM' in China when it parses, else what was typed. */
function showDateTime(v: Cell): string {
  const at = parseDateTime(v);
  return at ? shanghaiWall(at.toISOString()) : text(v);
}

function parseDateTime(v: Cell): Date | null {
  if (v instanceof Date) return shanghaiInstant(parseDate(v)!, `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}`);
  const m = /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})[ T](\d{1,2}[:：]\d{2})$/.exec(text(v));
  if (!m) return null;
  const d = parseDate(m[1]);
  const t = parseTime(m[2]);
  return d && t ? shanghaiInstant(d, t) : null;
}

/** The non-blank rows below the template's header, of an .xlsx or a .csv file. */
async function readSheet(buffer: Buffer, filename: string): Promise<SheetRow[]> {
  const rows = /\.csv$/i.test(filename) ? csvRows(buffer) : /\.xlsx$/i.test(filename) ? xlsxRows(buffer) : undefined;
  if (!rows) throw new AppError(415, 'IMPORT_TYPE', '只支持 .xlsx 或 .csv 文件');
  return importRows(rows, {
    headers: HEADERS,
    maxRows: MAX_IMPORT_ROWS,
    tooLarge: `一次最多导入 ${MAX_IMPORT_ROWS} 行`,
    unreadable: '无法读取文件，请使用下载的模板（.xlsx 或 .csv）',
    empty: '文件中没有排班数据',
  });
}

/** Parses and validates every row; nothing is written. The report is what the console shows before commit. */
export async function previewImport(actor: AdminActor, filename: string, buffer: Buffer): Promise<ImportPreview> {
  if (!buffer.length) throw unprocessable('IMPORT_EMPTY', '文件为空');
  const body = await readSheet(buffer, filename);
  return previewRows(actor, filename, body);
}

/**
 * The row report and the stored preview for rows in the template's columns, wherever they came from: an uploaded
 * file, or a week generated from the weekly templates or copied from another week (templates.ts). Every source goes
 * through the same checks and is committed by `commitImport`.
 */
export async function previewRows(actor: AdminActor, filename: string, body: SheetRow[]): Promise<ImportPreview> {
  // Everything the rows refer to, loaded once: this is what makes thousands of rows take a second.
  const usernames = [...new Set(body.map((r) => text(r.cells[0])))];
  const doctors = new Map((await User.findAll({ where: { username: usernames } })).map((u) => [u.username, u]));
  const isDoctor = await doctorIds();
  // A doctor with a 号别 is priced by it: the row's fee is then not used (and may be left empty).
  const levelFee = await levelFees([...doctors.values()].map((d) => d.id));
  const dates = body
    .map((r) => parseDate(r.cells[2]))
    .filter((d): d is string => !!d)
    .sort();
  const existing = new Map<string, Schedule>();
  if (dates.length) {
    const ids = [...doctors.values()].map((d) => d.id);
    for (const s of await Schedule.findAll({
      where: { doctorId: ids, clinicDate: { [Op.between]: [dates[0], dates[dates.length - 1]] } },
    })) {
      existing.set(`${s.doctorId}|${s.clinicDate}|${s.period}`, s);
    }
  }
  const today = shanghaiDate();
  const seen = new Map<string, number>();
  const reports: ImportPreview['rows'] = [];
  const creates: Candidate[] = [];
  let unchanged = 0;

  for (const { row, cells } of body) {
    const errors: string[] = [];
    const [username, name, , periodText, , , slotText, feeText, , locationText] = cells.map(text);
    const data = {
      doctorUsername: username,
      doctorName: name,
      clinicDate: parseDate(cells[2]) ?? text(cells[2]),
      period: periodText,
      startTime: parseTime(cells[4]) ?? text(cells[4]),
      endTime: parseTime(cells[5]) ?? text(cells[5]),
      slotCount: null as number | null,
      feeYuan: feeText,
      // as the console shows every time: China wall clock (an Excel date cell would print as ISO UTC)
      releaseAt: showDateTime(cells[8]),
      location: locationText,
    };
    const doctor = doctors.get(username);
    if (!username) errors.push('缺少医生账号');
    else if (!doctor || doctor.status !== 'active' || !isDoctor.has(doctor.id)) errors.push(`未知医生：${username}`);
    else if (!inScope(actor, doctor.deptId)) errors.push(`医生 ${doctor.name} 不在您的管理范围内`);
    else if (name && name !== doctor.name) errors.push(`医生姓名与账号不符（账号 ${username} 是 ${doctor.name}）`);
    const clinicDate = parseDate(cells[2]);
    if (!clinicDate) errors.push('日期格式不正确，应为 YYYY-MM-DD');
    else if (clinicDate < today) errors.push('日期已过');
    const period = PERIODS[periodText];
    if (!period) errors.push('时段应为 上午、下午 或 晚上');
    const startTime = text(cells[4]) === '' && period ? DEFAULT_TIMES[period][0] : parseTime(cells[4]);
    const endTime = text(cells[5]) === '' && period ? DEFAULT_TIMES[period][1] : parseTime(cells[5]);
    if (!startTime) errors.push('开始时间格式应为 HH:MM');
    if (!endTime) errors.push('结束时间格式应为 HH:MM');
    const slotCount = /^\d+$/.test(slotText) ? Number(slotText) : NaN;
    if (!Number.isInteger(slotCount) || slotCount < 1 || slotCount > MAX_SLOTS)
      errors.push(`号源数应为 1–${MAX_SLOTS} 的整数`);
    else data.slotCount = slotCount;
    const fromLevel = doctor ? levelFee.get(doctor.id) : undefined;
    if (fromLevel !== undefined) data.feeYuan = (fromLevel / 100).toFixed(2);
    const feeFen = fromLevel ?? (/^\d+(\.\d{1,2})?$/.test(feeText) ? Math.round(Number(feeText) * 100) : NaN);
    if (Number.isNaN(feeFen)) errors.push('挂号费应为数字（元，最多两位小数）');
    else if (feeFen > MAX_FEE_FEN) errors.push('挂号费过高');
    let releaseAt: Date | null = null;
    if (text(cells[8]) === '') releaseAt = clinicDate ? shanghaiInstant(addDays(clinicDate, -7), '08:00') : null;
    else if (!(releaseAt = parseDateTime(cells[8]))) errors.push('放号时间格式应为 YYYY-MM-DD HH:MM');
    if (locationText.length > 100) errors.push('就诊地点最多 100 个字');
    if (!errors.length && clinicDate && startTime && endTime && releaseAt) {
      errors.push(...checkTimes({ startTime, endTime, slotCount, clinicDate, releaseAt }));
    }
    let action: 'create' | 'unchanged' | 'skip' = 'skip';
    if (!errors.length && doctor && clinicDate && period && startTime && endTime && releaseAt) {
      const key = `${doctor.id}|${clinicDate}|${period}`;
      const dup = seen.get(key);
      const had = existing.get(key);
      const cand: Candidate = {
        doctorId: doctor.id,
        deptId: doctor.deptId!,
        clinicDate,
        period,
        startTime,
        endTime,
        slotCount,
        feeFen,
        releaseAt: releaseAt.toISOString(),
        location: locationText || null,
      };
      if (dup) errors.push(`与第 ${dup} 行重复（同一医生同一时段）`);
      else if (had) {
        const same =
          had.startTime === startTime &&
          had.endTime === endTime &&
          had.slotCount === slotCount &&
          had.feeFen === feeFen &&
          had.releaseAt.getTime() === releaseAt.getTime() &&
          (had.location ?? null) === cand.location;
        if (same) {
          action = 'unchanged';
          unchanged++;
        } else errors.push(`与已有排班冲突：${doctor.name} ${clinicDate} ${PERIOD_LABEL[period]}已有排班`);
      } else {
        action = 'create';
        creates.push(cand);
      }
      seen.set(key, row);
    }
    reports.push({ row, ok: errors.length === 0, errors, action: errors.length ? 'skip' : action, data });
  }
  const previewId = crypto.randomUUID();
  await infra().kv.set(
    `schedule-import:${previewId}`,
    { actorId: actor.userId, filename, creates, unchanged } satisfies StoredPreview,
    PREVIEW_TTL_SEC,
  );
  const invalid = reports.filter((r) => !r.ok);
  return {
    previewId,
    filename,
    total: reports.length,
    valid: reports.length - invalid.length,
    invalid: invalid.length,
    toCreate: creates.length,
    unchanged,
    rows: [...invalid, ...reports.filter((r) => r.ok).slice(0, 500)],
  };
}

/** Applies every valid row of a preview in one transaction, or nothing. */
export async function commitImport(actor: AdminActor, previewId: string) {
  const { kv } = infra();
  const preview = await kv.get<StoredPreview>(`schedule-import:${previewId}`);
  if (!preview || preview.actorId !== actor.userId) throw notFound('导入预览已过期，请重新上传');
  // Taken once: a second commit of the same preview finds nothing.
  await kv.del(`schedule-import:${previewId}`);
  try {
    await tx(async (t) => {
      for (let i = 0; i < preview.creates.length; i += 500) {
        await Schedule.bulkCreate(
          preview.creates
            .slice(i, i + 500)
            .map((c) => ({ ...c, releaseAt: new Date(c.releaseAt), createdBy: actor.userId })),
          { transaction: t },
        );
      }
    });
  } catch (err) {
    if ((err as Error).name === 'SequelizeUniqueConstraintError') {
      throw conflict('IMPORT_CONFLICT', '预览之后排班已发生变化（有同一时段的新排班），请重新上传预览，未导入任何数据');
    }
    throw err;
  }
  // New sessions appear in their doctors' and departments' listings everywhere.
  const touched = new Map(preview.creates.map((c) => [`${c.doctorId}:${c.deptId}`, c]));
  for (const c of touched.values()) await listingsChanged(c);
  return { created: preview.creates.length, unchanged: preview.unchanged };
}

/** The template: headers, a note row of formats, and two example rows with demo doctors. */
export async function importTemplate(format: 'xlsx' | 'csv'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('排班导入');
  ws.addRow([...HEADERS]);
  // Two weeks out: beyond the demo's seeded week, so the example rows import as they are.
  const d = addDays(shanghaiDate(), 14);
  ws.addRow([
    'doctor',
    '张晓明',
    d,
    '上午',
    '08:00',
    '12:00',
    '30',
    '25',
    `${addDays(d, -7)} 08:00`,
    '门诊楼 2 层 心内科 3 诊室',
  ]);
  ws.addRow(['chief', '李建国', d, '下午', '13:30', '17:30', '20', '50', '', '门诊楼 2 层 心内科专家诊室']);
  ws.columns.forEach((c, i) => (c.width = [12, 10, 12, 8, 10, 10, 8, 12, 18, 28][i]));
  ws.getRow(1).font = { bold: true };
  if (format === 'csv') return Buffer.concat([Buffer.from('\uFEFF'), Buffer.from(await wb.csv.writeBuffer())]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
