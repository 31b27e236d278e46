/**
 * Weekly templates and "copy a week": both turn into rows in the import template's columns and go through the
 * import's own preview (row report, nothing written) and commit (one transaction), so a generated week is checked
 * exactly as an uploaded spreadsheet is: unknown or out-of-scope doctors, past days, clashes with existing sessions.
 */
import { Op, type WhereOptions } from 'sequelize';
import type { AdminActor } from '../../http/actor';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { dataScopeWhere, inScope, subtreeIds } from '../system/authz';
import { Dept, User } from '../system/models';
import { Schedule, ScheduleTemplate, type Period } from './models';
import { doctorIds } from './service';
import { previewRows } from './import';
import { PERIOD_LABEL, PERIOD_ORDER } from '../../shared/clinic';
import { addDays, minutes, mondayOf, shanghaiParts } from '../../shared/time';
import type { SheetRow } from '../../kernel/sheets/import';

export interface TemplateInput {
  doctorId: number;
  weekday: number;
  period: Period;
  startTime: string;
  endTime: string;
  slotCount: number;
  feeFen: number;
  releaseDaysBefore: number;
  releaseTime: string;
  location?: string | null;
}

const WEEKDAY_LABEL = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

function checkTemplateTimes(t: { startTime: string; endTime: string; slotCount: number }) {
  const span = minutes(t.endTime) - minutes(t.startTime);
  if (span <= 0) throw unprocessable('INVALID_SCHEDULE', '结束时间应晚于开始时间');
  if (span < t.slotCount) throw unprocessable('INVALID_SCHEDULE', '号源过多：每个号源至少 1 分钟');
}

/** A doctor the actor may schedule (the same rule as a single new session). */
async function schedulableDoctor(actor: AdminActor, doctorId: number) {
  const doctor = await User.findByPk(doctorId);
  if (!doctor || doctor.status !== 'active' || !(await doctorIds()).has(doctor.id))
    throw unprocessable('INVALID_DOCTOR', '所选医生不存在或未启用');
  if (!inScope(actor, doctor.deptId)) throw forbidden('OUT_OF_SCOPE', '只能为本科室的医生排班');
  return doctor;
}

async function templateViews(rows: ScheduleTemplate[]) {
  const [doctors, depts] = await Promise.all([
    User.findAll({ where: { id: [...new Set(rows.map((r) => r.doctorId))] }, attributes: ['id', 'name'] }),
    Dept.findAll({ where: { id: [...new Set(rows.map((r) => r.deptId))] }, attributes: ['id', 'name'] }),
  ]);
  const dn = new Map(doctors.map((d) => [d.id, d.name]));
  const deptName = new Map(depts.map((d) => [d.id, d.name]));
  return rows.map((r) => ({
    id: r.id,
    doctorId: r.doctorId,
    doctorName: dn.get(r.doctorId) ?? '',
    deptId: r.deptId,
    deptName: deptName.get(r.deptId) ?? '',
    weekday: r.weekday,
    weekdayLabel: WEEKDAY_LABEL[r.weekday],
    period: r.period,
    periodLabel: PERIOD_LABEL[r.period],
    startTime: r.startTime,
    endTime: r.endTime,
    slotCount: r.slotCount,
    feeFen: r.feeFen,
    releaseDaysBefore: r.releaseDaysBefore,
    releaseTime: r.releaseTime,
    location: r.location,
  }));
}

async function scopeFilter(actor: AdminActor, q: { deptId?: number; doctorId?: number }) {
  const where: WhereOptions[] = [dataScopeWhere(actor, { dept: 'deptId', user: 'doctorId' })];
  if (q.deptId) where.push({ deptId: await subtreeIds(q.deptId) });
  if (q.doctorId) where.push({ doctorId: q.doctorId });
  return { [Op.and]: where };
}

export async function listTemplates(actor: AdminActor, q: { deptId?: number; doctorId?: number }) {
  const rows = await ScheduleTemplate.findAll({ where: await scopeFilter(actor, q) });
  rows.sort(
    (a, b) =>
      a.deptId - b.deptId ||
      a.doctorId - b.doctorId ||
      a.weekday - b.weekday ||
      PERIOD_ORDER[a.period] - PERIOD_ORDER[b.period],
  );
  return templateViews(rows);
}

async function scopedTemplate(actor: AdminActor, id: number) {
  const row = await ScheduleTemplate.findOne({
    where: { [Op.and]: [{ id }, dataScopeWhere(actor, { dept: 'deptId', user: 'doctorId' })] },
  });
  if (!row) throw notFound('排班模板不存在');
  return row;
}

function uniqueViolation(err: unknown) {
  return (err as Error).name === 'SequelizeUniqueConstraintError';
}
const templateExists = () => conflict('TEMPLATE_EXISTS', '该医生在该星期、时段已有模板');

export async function createTemplate(actor: AdminActor, input: TemplateInput) {
  const doctor = await schedulableDoctor(actor, input.doctorId);
  checkTemplateTimes(input);
  try {
    const row = await ScheduleTemplate.create({
      ...input,
      deptId: doctor.deptId!,
      location: input.location ?? null,
      createdBy: actor.userId,
    });
    return (await templateViews([row]))[0];
  } catch (err) {
    if (uniqueViolation(err)) throw templateExists();
    throw err;
  }
}

export async function updateTemplate(actor: AdminActor, id: number, input: Partial<Omit<TemplateInput, 'doctorId'>>) {
  const row = await scopedTemplate(actor, id);
  const next = { ...row.get(), ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
  checkTemplateTimes(next);
  try {
    await row.update(
      Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<TemplateInput>,
    );
  } catch (err) {
    if (uniqueViolation(err)) throw templateExists();
    throw err;
  }
  return (await templateViews([row]))[0];
}

export async function deleteTemplate(actor: AdminActor, id: number) {
  await (await scopedTemplate(actor, id)).destroy();
}

/** What a preview row of the import looks like, from a session's fields. */
function sheetRow(
  row: number,
  d: { username: string; name: string },
  s: {
    clinicDate: string;
    period: Period;
    startTime: string;
    endTime: string;
    slotCount: number;
    feeFen: number;
    releaseAt: Date;
    location: string | null;
  },
): SheetRow {
  const { date, time } = shanghaiParts(s.releaseAt);
  return {
    row,
    cells: [
      d.username,
      d.name,
      s.clinicDate,
      PERIOD_LABEL[s.period],
      s.startTime,
      s.endTime,
      String(s.slotCount),
      (s.feeFen / 100).toFixed(2),
      `${date} ${time}`,
      s.location ?? '',
    ],
  };
}

async function doctorsById(ids: number[]) {
  return new Map(
    (await User.findAll({ where: { id: [...new Set(ids)] }, attributes: ['id', 'username', 'name'] })).map((u) => [
      u.id,
      u,
    ]),
  );
}

/** The week starting `week` (any day of it: its Monday) built from the templates in scope, as an import preview. */
export async function previewTemplateWeek(actor: AdminActor, q: { week: string; deptId?: number; doctorId?: number }) {
  const monday = mondayOf(q.week);
  const templates = await ScheduleTemplate.findAll({ where: await scopeFilter(actor, q) });
  if (!templates.length) throw unprocessable('TEMPLATE_EMPTY', '所选范围内还没有排班模板，请先设置每周模板');
  templates.sort(
    (a, b) => a.weekday - b.weekday || PERIOD_ORDER[a.period] - PERIOD_ORDER[b.period] || a.doctorId - b.doctorId,
  );
  const doctors = await doctorsById(templates.map((t) => t.doctorId));
  const rows = templates.map((t, i) => {
    const clinicDate = addDays(monday, t.weekday - 1);
    const releaseAt = new Date(`${addDays(clinicDate, -t.releaseDaysBefore)}T${t.releaseTime}:00+08:00`);
    const d = doctors.get(t.doctorId);
    return sheetRow(i + 2, { username: d?.username ?? '', name: d?.name ?? '' }, { ...t.get(), clinicDate, releaseAt });
  });
  return previewRows(actor, `每周模板 → ${monday} 起一周`, rows);
}

/**
 * The sessions of the week `from` (its Monday) in scope, moved to the week `to` (default: the week after), as an
 * import preview. A session handed to a substitute is copied for the doctor whose session it was; release times keep
 * their distance to the clinic day.
 */
export async function previewCopyWeek(
  actor: AdminActor,
  q: { from: string; to?: string; deptId?: number; doctorId?: number },
) {
  const source = mondayOf(q.from);
  const target = mondayOf(q.to ?? addDays(source, 7));
  if (source === target) throw unprocessable('SAME_WEEK', '目标周与来源周相同');
  const sessions = await Schedule.findAll({
    where: { [Op.and]: [await scopeFilter(actor, q), { clinicDate: { [Op.between]: [source, addDays(source, 6)] } }] },
  });
  if (!sessions.length) throw unprocessable('WEEK_EMPTY', `${source} 起的一周在所选范围内没有排班可复制`);
  const owner = (s: Schedule) => s.substituteFor ?? s.doctorId;
  sessions.sort(
    (a, b) =>
      a.clinicDate.localeCompare(b.clinicDate) ||
      PERIOD_ORDER[a.period] - PERIOD_ORDER[b.period] ||
      owner(a) - owner(b),
  );
  const shift = Math.round((Date.parse(target) - Date.parse(source)) / 86400_000);
  const doctors = await doctorsById(sessions.map(owner));
  const rows = sessions.map((s, i) => {
    const d = doctors.get(owner(s));
    return sheetRow(
      i + 2,
      { username: d?.username ?? '', name: d?.name ?? '' },
      {
        ...s.get(),
        clinicDate: addDays(s.clinicDate, shift),
        releaseAt: new Date(s.releaseAt.getTime() + shift * 86400_000),
      },
    );
  });
  return previewRows(actor, `复制 ${source} 起一周 → ${target} 起一周`, rows);
}
