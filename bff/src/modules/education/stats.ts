import { QueryTypes } from 'sequelize';
import { infra } from '../../infra';
import { registerStatsRollup, type StatsCount } from '../../kernel/stats';
import { shanghaiDate } from '../../shared/time';

/**
 * Reads per Beijing day and item (edu_read_daily): what 统计分析's 宣教阅读 is rolled up from. The item's running
 * total (read_count on edu_content) has no day in it.
 */
export async function countReadToday(contentId: number, deptId: number) {
  const { sequelize } = infra();
  const replacements = { day: shanghaiDate(), contentId, deptId };
  // One statement either way, so reads at once on several instances all count.
  const sql =
    sequelize.getDialect() === 'sqlite'
      ? `INSERT INTO edu_read_daily (day, content_id, dept_id, read_count) VALUES (:day, :contentId, :deptId, 1)
         ON CONFLICT (day, content_id) DO UPDATE SET read_count = read_count + 1`
      : `INSERT INTO edu_read_daily (day, content_id, dept_id, read_count) VALUES (:day, :contentId, :deptId, 1)
         ON DUPLICATE KEY UPDATE read_count = read_count + 1`;
  await sequelize.query(sql, { replacements });
}

/** Registered with the kernel's roll-up registry from the manifest's setup(). */
export function registerEducationStats() {
  registerStatsRollup('education', async ({ fromDay, toDay }) => {
    const rows = await infra().sequelize.query<{ day: string | Date; deptId: number; n: number | string }>(
      `SELECT day, dept_id AS deptId, SUM(read_count) AS n FROM edu_read_daily
        WHERE day BETWEEN :fromDay AND :toDay GROUP BY day, dept_id`,
      { type: QueryTypes.SELECT, replacements: { fromDay, toDay } },
    );
    return rows.map((r): StatsCount => ({
      day: typeof r.day === 'string' ? r.day.slice(0, 10) : r.day.toISOString().slice(0, 10),
      deptId: Number(r.deptId),
      stat: 'eduReads',
      n: Number(r.n),
    }));
  });
}
