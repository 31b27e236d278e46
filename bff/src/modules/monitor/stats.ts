import ExcelJS from 'exceljs';
import { addSheet, xlsxBuffer } from '../../kernel/sheets/export';
import { col, fn, Op, QueryTypes } from 'sequelize';
import { infra, tx } from '../../infra';
import type { AdminActor } from '../../http/actor';
import { badRequest } from '../../http/errors';
import { Dept } from '../system/models';
import { StatsDaily } from './models';
import { shanghaiDaySql, statsRollups } from '../../kernel/stats';
import { addDays, shanghaiDate, shanghaiDateTime, shanghaiInstant } from '../../shared/time';

/**
 * Statistics roll-ups: per day (Asia/Shanghai) and department, kept by the stats-rollup job, read by the dashboard
 * and 统计分析. The job reads the live tables by indexed time ranges (raw SQL: monitor sits below booking and
 * payment and imports neither; it only counts their rows).
 */
const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' of an instant in Beijing time. */
export const shanghaiDay = (d: Date) => shanghaiDate(d);
/** The UTC instant a Beijing day starts. */
const dayStart = (day: string) => shanghaiInstant(day);

type Counts = {
  newPatients: number;
  bookings: number;
  cancellations: number;
  payments: number;
  paidFen: number;
  refunds: number;
  refundedFen: number;
  /** from consult and education, through the kernel's roll-up registry */
  consultations: number;
  eduReads: number;
};
const ZERO: Counts = {
  newPatients: 0,
  bookings: 0,
  cancellations: 0,
  payments: 0,
  paidFen: 0,
  refunds: 0,
  refundedFen: 0,
  consultations: 0,
  eduReads: 0,
};

const dayExpr = shanghaiDaySql;

/** Recomputes the roll-up rows of the Beijing days [from, to] from the live tables, replacing what was there. */
export async function rollUp(from: string, to: string) {
  const { sequelize } = infra();
  const range = { from: dayStart(from), to: dayStart(addDays(to, 1)) };
  const q = <T extends object>(sql: string) =>
    sequelize.query<T & { day: string; deptId: number }>(sql, { type: QueryTypes.SELECT, replacements: range });
  const rows = new Map<string, Counts & { day: string; deptId: number }>();
  const add = (day: string | Date, deptId: number, k: keyof Counts, v: number | string | null) => {
    const d = typeof day === 'string' ? day.slice(0, 10) : day.toISOString().slice(0, 10);
    const key = `${d}|${deptId}`;
    const row = rows.get(key) ?? { ...ZERO, day: d, deptId };
    row[k] += Number(v ?? 0);
    rows.set(key, row);
  };
  const A = dayExpr('created_at');
  for (const r of await q<{ n: number }>(
    `SELECT ${A} AS day, 0 AS deptId, COUNT(*) AS n FROM mp_patient
      WHERE created_at >= :from AND created_at < :to GROUP BY ${A}`,
  ))
    add(r.day, 0, 'newPatients', r.n);
  for (const r of await q<{ n: number }>(
    `SELECT ${A} AS day, dept_id AS deptId, COUNT(*) AS n FROM appointment
      WHERE created_at >= :from AND created_at < :to GROUP BY ${A}, dept_id`,
  ))
    add(r.day, r.deptId, 'bookings', r.n);
  const C = dayExpr('cancelled_at');
  for (const r of await q<{ n: number }>(
    `SELECT ${C} AS day, dept_id AS deptId, COUNT(*) AS n FROM appointment
      WHERE cancelled_at >= :from AND cancelled_at < :to GROUP BY ${C}, dept_id`,
  ))
    add(r.day, r.deptId, 'cancellations', r.n);
  const P = dayExpr('o.paid_at');
  for (const r of await q<{ n: number; fen: number }>(
    `SELECT ${P} AS day, COALESCE(a.dept_id, 0) AS deptId, COUNT(*) AS n, SUM(o.amount_fen) AS fen
       FROM pay_order o LEFT JOIN appointment a ON o.subject_type = 'appointment' AND a.id = o.subject_id
      WHERE o.paid_at >= :from AND o.paid_at < :to GROUP BY ${P}, COALESCE(a.dept_id, 0)`,
  )) {
    add(r.day, r.deptId, 'payments', r.n);
    add(r.day, r.deptId, 'paidFen', r.fen);
  }
  const R = dayExpr('f.succeeded_at');
  for (const r of await q<{ n: number; fen: number }>(
    `SELECT ${R} AS day, COALESCE(a.dept_id, 0) AS deptId, COUNT(*) AS n, SUM(f.amount_fen) AS fen
       FROM pay_refund f JOIN pay_order o ON o.id = f.order_id
       LEFT JOIN appointment a ON o.subject_type = 'appointment' AND a.id = o.subject_id
      WHERE f.status = 'success' AND f.succeeded_at >= :from AND f.succeeded_at < :to
      GROUP BY ${R}, COALESCE(a.dept_id, 0)`,
  )) {
    add(r.day, r.deptId, 'refunds', r.n);
    add(r.day, r.deptId, 'refundedFen', r.fen);
  }
  // The domains above monitor count their own rows (consultations, education reads): kernel/stats.
  for (const [name, rollup] of statsRollups()) {
    const counts = await rollup({ fromDay: from, toDay: to, ...range }).catch((err) => {
      // one domain's failing counter must not stop the others' figures
      infra().log.error({ err, rollup: name }, 'stats roll-up of a domain failed');
      return [];
    });
    for (const c of counts) add(c.day, c.deptId, c.stat, c.n);
  }
  const now = new Date();
  await tx(async (t) => {
    await StatsDaily.destroy({ where: { day: { [Op.between]: [from, to] } }, transaction: t });
    const all = [...rows.values()].map((r) => ({ ...r, updatedAt: now }));
    for (let i = 0; i < all.length; i += 1000) await StatsDaily.bulkCreate(all.slice(i, i + 1000), { transaction: t });
  });
  return { from, to, rows: rows.size };
}

/** How far back the first roll-up reaches when the table is empty (an installation upgraded with history). */
const BACKFILL_DAYS = 400;

/** The job: today and yesterday every run (late payments and refunds land on them); the history once. */
export async function rollUpRecent() {
  const today = shanghaiDay(new Date());
  const any = await StatsDaily.findOne({ attributes: ['id'] });
  return rollUp(addDays(today, any ? -1 : -BACKFILL_DAYS), today);
}

/** The departments an actor's statistics cover: all, or those of their data scope (own department at least). */
function deptFilter(actor: AdminActor): number[] | null {
  if (actor.scope.all) return null;
  const ids = new Set(actor.scope.deptIds);
  if (actor.deptId) ids.add(actor.deptId);
  return [...ids];
}

const COUNT_COLUMNS = {
  newPatients: 'new_patients',
  bookings: 'bookings',
  cancellations: 'cancellations',
  payments: 'payments',
  paidFen: 'paid_fen',
  refunds: 'refunds',
  refundedFen: 'refunded_fen',
  consultations: 'consultations',
  eduReads: 'edu_reads',
} as const;
const sums = Object.entries(COUNT_COLUMNS).map(([k, c]) => [fn('SUM', col(c)), k] as [ReturnType<typeof fn>, string]);
/** SUM() comes back as a string (DECIMAL) from MariaDB and a number from SQLite. */
const counts = (r: Record<string, unknown>): Counts =>
  Object.fromEntries(Object.keys(COUNT_COLUMNS).map((k) => [k, Number(r[k] ?? 0)])) as Counts;

const MAX_RANGE_DAYS = 366;

/** 统计分析: totals per day and per department over [from, to] (Beijing days), within the caller's data scope. */
export async function statsRange(actor: AdminActor, q: { from: string; to: string; deptId?: number }) {
  if (q.from > q.to) throw badRequest('VALIDATION_FAILED', '开始日期不能晚于结束日期');
  if ((Date.parse(q.to) - Date.parse(q.from)) / DAY_MS >= MAX_RANGE_DAYS)
    throw badRequest('VALIDATION_FAILED', `日期范围不能超过 ${MAX_RANGE_DAYS} 天`);
  const scope = deptFilter(actor);
  const depts = q.deptId !== undefined ? [q.deptId].filter((d) => !scope || scope.includes(d)) : scope;
  const where = {
    day: { [Op.between]: [q.from, q.to] },
    // new patients (dept 0) belong to no department: shown to those who see every department
    ...(depts ? { deptId: depts } : {}),
  };
  // Summed in the database: a 90-day chart over every department is one indexed range of the roll-up table.
  const [perDay, perDept, last] = await Promise.all([
    StatsDaily.findAll({ attributes: ['day', ...sums], where, group: ['day'], raw: true }),
    StatsDaily.findAll({
      attributes: ['deptId', ...sums],
      where: { ...where, deptId: depts ?? { [Op.ne]: 0 } },
      group: ['deptId'],
      raw: true,
    }),
    StatsDaily.max<Date, StatsDaily>('updatedAt', { where }),
  ]);
  const byDay = new Map(
    perDay.map((r) => [String(r.day).slice(0, 10), counts(r as unknown as Record<string, unknown>)]),
  );
  const days: (Counts & { day: string })[] = [];
  for (let d = q.from; d <= q.to; d = addDays(d, 1)) days.push({ day: d, ...(byDay.get(d) ?? ZERO) });
  const deptRows = perDept.filter((r) => r.deptId !== 0);
  const names = new Map(
    (await Dept.findAll({ where: { id: deptRows.map((r) => r.deptId) }, attributes: ['id', 'name'] })).map((d) => [
      d.id,
      d.name,
    ]),
  );
  const totals = days.reduce<Counts>(
    (t, d) =>
      Object.fromEntries(
        Object.keys(COUNT_COLUMNS).map((k) => [k, t[k as keyof Counts] + d[k as keyof Counts]]),
      ) as Counts,
    { ...ZERO },
  );
  return {
    from: q.from,
    to: q.to,
    days,
    depts: deptRows.map((r) => ({
      deptId: r.deptId,
      deptName: names.get(r.deptId) ?? `#${r.deptId}`,
      ...counts(r as unknown as Record<string, unknown>),
    })),
    totals,
    updatedAt: last ? new Date(last) : null,
  };
}

/** The dashboard: today's figures in the caller's data scope, from the roll-ups. */
export async function statsToday(actor: AdminActor) {
  const day = shanghaiDay(new Date());
  const r = await statsRange(actor, { from: day, to: day });
  return { day, ...r.totals, allDepartments: actor.scope.all, updatedAt: r.updatedAt };
}

/** The columns of the export, in the order 统计分析 shows them. */
const EXPORT_COLUMNS: [keyof Counts, string, 'count' | 'yuan'][] = [
  ['newPatients', '新增患者', 'count'],
  ['bookings', '预约', 'count'],
  ['cancellations', '取消', 'count'],
  ['payments', '支付笔数', 'count'],
  ['paidFen', '支付金额(元)', 'yuan'],
  ['refunds', '退款笔数', 'count'],
  ['refundedFen', '退款金额(元)', 'yuan'],
  ['consultations', '问诊', 'count'],
  ['eduReads', '宣教阅读', 'count'],
];

/**
 * 统计分析 › 导出: the same figures as the page (same range, department and data scope) as an Excel workbook —
 * one sheet per day, one per department, totals last. Money in yuan as numbers, so Excel can sum them.
 */
export async function exportStats(actor: AdminActor, q: { from: string; to: string; deptId?: number }) {
  const r = await statsRange(actor, q);
  const wb = new ExcelJS.Workbook();
  wb.created = new Date();
  const value = (c: Counts, k: keyof Counts, kind: 'count' | 'yuan') => (kind === 'yuan' ? c[k] / 100 : c[k]);
  const sheet = (name: string, first: [string, string, number]) => {
    const ws = addSheet(wb, name, [
      [first[1], first[0], first[2]],
      ...EXPORT_COLUMNS.map(([key, header]) => [header, key, Math.max(10, header.length * 2 + 2)] as const),
    ]);
    for (const [key, , kind] of EXPORT_COLUMNS) if (kind === 'yuan') ws.getColumn(key).numFmt = '0.00';
    return ws;
  };
  const row = (c: Counts) => Object.fromEntries(EXPORT_COLUMNS.map(([k, , kind]) => [k, value(c, k, kind)]));
  const days = sheet('按日', ['day', '日期', 12]);
  for (const d of r.days) days.addRow({ day: d.day, ...row(d) });
  days.addRow({ day: '合计', ...row(r.totals) }).font = { bold: true };
  const depts = sheet('按科室', ['deptName', '科室', 16]);
  for (const d of r.depts) depts.addRow({ deptName: d.deptName, ...row(d) });
  const about = wb.addWorksheet('说明');
  about.addRows([
    ['日期范围', `${r.from} 至 ${r.to}（北京时间）`],
    ['数据来源', '统计汇总任务 stats-rollup（每 10 分钟更新）'],
    ['更新于', r.updatedAt ? shanghaiDateTime(r.updatedAt) : '—'],
    ['范围', actor.scope.all ? '全部科室' : '本人数据范围内的科室（新增患者不属于任何科室，不计入）'],
  ]);
  about.getColumn(1).width = 12;
  about.getColumn(2).width = 48;
  return { from: r.from, to: r.to, buffer: await xlsxBuffer(wb) };
}
