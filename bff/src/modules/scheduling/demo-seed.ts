import { Op } from 'sequelize';
import { DoctorProfile, Post, Role, User, UserRole } from '../system/models';
import { Schedule, type Period } from './models';
import { levelFees } from './levels';
import { addDays, shanghaiDate, shanghaiInstant } from '../../shared/time';

const FEES: Record<string, number> = { chief: 5000, associate_chief: 3000, attending: 2000, resident: 1000 };
const SESSIONS: { period: Period; start: string; end: string; slots: number }[] = [
  { period: 'am', start: '08:00', end: '12:00', slots: 24 },
  { period: 'pm', start: '13:30', end: '17:30', slots: 16 },
];

/**
 * Demo clinic sessions for every doctor over the next `days` days (weekday mornings and afternoons,
 * Saturday mornings), released a week ahead at 08:00. Idempotent: only missing sessions are added, so
 * the daily demo job keeps a rolling week bookable.
 */
export async function seedDemoSchedules(days = 7) {
  const roles = await Role.findAll({ where: { key: ['physician', 'chief_physician'] } });
  const ids = (await UserRole.findAll({ where: { roleId: roles.map((r) => r.id) } })).map((g) => g.userId);
  const doctors = await User.findAll({ where: { id: ids, status: 'active', deptId: { [Op.ne]: null } } });
  const posts = new Map((await Post.findAll()).map((p) => [p.id, p.code]));
  // The demo's chief physicians see patients as 专家号 (its fee is the demo's 5000 fen); the rest keep no 号别.
  for (const doc of doctors.filter((d) => posts.get(d.postId ?? 0) === 'chief')) {
    const p = await DoctorProfile.findByPk(doc.id);
    if (!p)
      await DoctorProfile.create({ userId: doc.id, specialty: null, intro: null, avatarUrl: null, level: 'expert' });
    else if (p.level === null) await p.update({ level: 'expert' });
  }
  const fees = await levelFees(doctors.map((d) => d.id));
  const today = shanghaiDate();
  const last = addDays(today, days - 1);
  const existing = new Set(
    (
      await Schedule.findAll({
        where: { doctorId: ids, clinicDate: { [Op.between]: [today, last] } },
        attributes: ['doctorId', 'clinicDate', 'period'],
      })
    ).map((s) => `${s.doctorId}|${s.clinicDate}|${s.period}`),
  );
  const rows = [];
  for (let d = 0; d < days; d++) {
    const date = addDays(today, d);
    const weekday = shanghaiInstant(date, '12:00').getUTCDay();
    if (weekday === 0) continue;
    for (const [i, doc] of doctors.entries()) {
      for (const s of SESSIONS) {
        // Not every doctor every session: a realistic, varied week.
        if (weekday === 6 && s.period === 'pm') continue;
        if ((i + d + (s.period === 'pm' ? 1 : 0)) % 3 === 2) continue;
        if (existing.has(`${doc.id}|${date}|${s.period}`)) continue;
        rows.push({
          doctorId: doc.id,
          deptId: doc.deptId!,
          clinicDate: date,
          period: s.period,
          startTime: s.start,
          endTime: s.end,
          slotCount: s.slots,
          feeFen: fees.get(doc.id) ?? FEES[posts.get(doc.postId ?? 0) ?? ''] ?? 1500,
          releaseAt: shanghaiInstant(addDays(date, -7), '08:00'),
          location: `门诊楼 ${(i % 4) + 1} 层 ${(i % 9) + 1} 诊室`,
          createdBy: null,
        });
      }
    }
  }
  if (rows.length) await Schedule.bulkCreate(rows);
  return rows.length;
}
