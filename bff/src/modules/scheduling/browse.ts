/** The mini-program's ways into booking besides a flat department list: 大科 › 小科, search, and by date. */
import { Op } from 'sequelize';
import { infra } from '../../infra';
import { unprocessable } from '../../http/errors';
import { Dept, DoctorProfile, User } from '../system/models';
import { Schedule } from './models';
import { bookingDepartments, doctorIds, doctorsOfDept, scheduleViews } from './service';
import { PERIOD_ORDER } from '../../shared/clinic';
import { addDays, shanghaiDate } from '../../shared/time';
import type { DoctorCard } from './schemas';

/**
 * The department tree as patients choose from it: each 大科 (a department right under an institution) with its 小科
 * that have doctors; a 大科 whose own doctors see patients (儿科) is a choice itself and has no children.
 */
export async function bookingDeptTree() {
  const bookable = (await bookingDepartments()).value;
  const depts = await Dept.findAll({
    where: { status: 'active' },
    attributes: ['id', 'name', 'parentId', 'type', 'orderNum'],
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
    raw: true,
  });
  const byId = new Map(depts.map((d) => [d.id, d]));
  /** The department right under an institution (or a root) that `id` lies in. */
  const topOf = (id: number) => {
    let d = byId.get(id);
    while (d?.parentId != null && byId.get(d.parentId)?.type === 'department') d = byId.get(d.parentId);
    return d;
  };
  const tops = new Map<
    number,
    { id: number; name: string; doctorCount: number; children: { id: number; name: string; doctorCount: number }[] }
  >();
  for (const b of bookable) {
    const top = topOf(b.id);
    // doctors filed under the institution itself belong to no department a patient could choose
    if (!top || top.type !== 'department') continue;
    let node = tops.get(top.id);
    if (!node) tops.set(top.id, (node = { id: top.id, name: top.name, doctorCount: 0, children: [] }));
    node.doctorCount += b.doctorCount;
    if (top.id !== b.id) node.children.push({ id: b.id, name: b.name, doctorCount: b.doctorCount });
  }
  const order = new Map(depts.map((d, i) => [d.id, i]));
  return [...tops.values()].sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

/** Doctors whose name or speciality (擅长) holds `keyword`, as the department lists show them (next free day, fee). */
export async function searchDoctors(keyword: string): Promise<DoctorCard[]> {
  const like = { [Op.like]: `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
  const ids = [...(await doctorIds())];
  const [byName, bySpecialty] = await Promise.all([
    User.findAll({ where: { id: ids, status: 'active', name: like }, attributes: ['id'], raw: true }),
    DoctorProfile.findAll({ where: { userId: ids, specialty: like }, attributes: ['userId'], raw: true }),
  ]);
  const found = new Set([...byName.map((u) => u.id), ...bySpecialty.map((p) => p.userId)]);
  if (!found.size) return [];
  const users = await User.findAll({
    where: { id: [...found], status: 'active', deptId: { [Op.ne]: null } },
    attributes: ['id', 'deptId'],
    raw: true,
  });
  const cards: DoctorCard[] = [];
  for (const deptId of new Set(users.map((u) => u.deptId!)))
    cards.push(...(await doctorsOfDept(deptId)).value.filter((d) => found.has(d.id)));
  // Doctors with a free day first, soonest first; then by name.
  return cards
    .sort(
      (a, b) =>
        (a.nextAvailableDate ?? '9999').localeCompare(b.nextAvailableDate ?? '9999') || a.name.localeCompare(b.name),
    )
    .slice(0, 50);
}

/** Who sees patients on `date` (within the booking window), optionally in one department and the ones below it. */
export async function sessionsOnDate(date: string, deptId?: number) {
  const today = shanghaiDate();
  if (date < today) throw unprocessable('DATE_IN_PAST', '不能查看过去的日期');
  const last = addDays(today, infra().config.BOOKING_DAYS_AHEAD - 1);
  if (date > last) throw unprocessable('DATE_OUT_OF_RANGE', `只能查看 ${last} 之前的排班`, { last });
  const doctors = await doctorIds();
  const deptIds = deptId
    ? (await Dept.findAll({ where: { path: { [Op.like]: `%,${deptId},%` } }, attributes: ['id'], raw: true })).map(
        (d) => d.id,
      )
    : undefined;
  const rows = await Schedule.findAll({
    where: {
      clinicDate: date,
      doctorId: [...doctors],
      ...(deptIds ? { deptId: deptIds } : {}),
    },
  });
  const views = await scheduleViews(rows);
  return views.sort(
    (a, b) =>
      PERIOD_ORDER[a.period] - PERIOD_ORDER[b.period] ||
      Number(b.status === 'open') - Number(a.status === 'open') ||
      b.remaining - a.remaining ||
      a.deptName.localeCompare(b.deptName) ||
      a.doctorName.localeCompare(b.doctorName),
  );
}
