import { QueryTypes } from 'sequelize';
import { infra } from '../../infra';
import { registerStatsRollup, shanghaiDaySql, type StatsCount } from '../../kernel/stats';

/** 统计分析's 问诊: consultations opened per Beijing day and department (registered from the manifest's setup()). */
export function registerConsultStats() {
  registerStatsRollup('consult', async ({ from, to }) => {
    const D = shanghaiDaySql('created_at');
    const rows = await infra().sequelize.query<{ day: string | Date; deptId: number; n: number | string }>(
      `SELECT ${D} AS day, dept_id AS deptId, COUNT(*) AS n FROM consultation
        WHERE created_at >= :from AND created_at < :to GROUP BY ${D}, dept_id`,
      { type: QueryTypes.SELECT, replacements: { from, to } },
    );
    return rows.map((r): StatsCount => ({
      day: typeof r.day === 'string' ? r.day.slice(0, 10) : r.day.toISOString().slice(0, 10),
      deptId: Number(r.deptId),
      stat: 'consultations',
      n: Number(r.n),
    }));
  });
}
