import { infra } from '../../infra';

/**
 * Figures the daily statistics (统计分析, the home page) take from domains that sit above monitor. Monitor owns
 * the roll-up table (stats_daily) and the job that fills it, but it may not import consult or education: each of
 * those registers, from its manifest's setup(), a function that counts its own rows for a range of Beijing days.
 * The names are fixed here because each is a column of stats_daily (migration 0018).
 */
export const CONTRIBUTED_STATS = ['consultations', 'eduReads'] as const;
export type ContributedStat = (typeof CONTRIBUTED_STATS)[number];

export interface StatsRange {
  /** First and last Beijing day, 'YYYY-MM-DD'. */
  fromDay: string;
  toDay: string;
  /** The same days as UTC instants: [from, to). */
  from: Date;
  to: Date;
}

/** One figure of one Beijing day and department (0: belongs to no department). */
export interface StatsCount {
  day: string;
  deptId: number;
  stat: ContributedStat;
  n: number;
}

export type StatsRollup = (range: StatsRange) => Promise<StatsCount[]>;

const rollups = new Map<string, StatsRollup>();

/** A domain's counter for the daily roll-up; `name` is the domain's (registering it twice is a bug). */
export function registerStatsRollup(name: string, rollup: StatsRollup): void {
  if (rollups.has(name)) throw new Error(`stats roll-up ${name} is registered twice`);
  rollups.set(name, rollup);
}

/** What the roll-up job calls, after counting monitor's own figures. */
export function statsRollups(): ReadonlyMap<string, StatsRollup> {
  return rollups;
}

/** SQL for the Beijing day (YYYY-MM-DD) of a UTC timestamp column, in this database's dialect. */
export function shanghaiDaySql(column: string): string {
  return infra().sequelize.getDialect() === 'sqlite'
    ? `date(${column}, '+8 hours')`
    : `DATE_FORMAT(DATE_ADD(${column}, INTERVAL 8 HOUR), '%Y-%m-%d')`;
}
