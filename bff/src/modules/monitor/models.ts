import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** Audit trail of every console write. Append-only: no route updates or deletes it; only retention prunes. */
export class OperLog extends Model<InferAttributes<OperLog>, InferCreationAttributes<OperLog>> {
  declare id: CreationOptional<number>;
  declare userId: number | null;
  declare username: string | null;
  declare module: string;
  declare action: string;
  declare method: string;
  declare path: string;
  declare target: string | null;
  declare params: string | null;
  declare status: 'success' | 'fail';
  declare errorCode: string | null;
  declare ip: string | null;
  declare durationMs: number;
  declare createdAt: CreationOptional<Date>;
}

export function initMonitorModels(sequelize: Sequelize) {
  OperLog.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      userId: DataTypes.INTEGER,
      username: DataTypes.STRING(64),
      module: { type: DataTypes.STRING(32), allowNull: false },
      action: { type: DataTypes.STRING(64), allowNull: false },
      method: { type: DataTypes.STRING(8), allowNull: false },
      path: { type: DataTypes.STRING(255), allowNull: false },
      target: DataTypes.STRING(128),
      params: DataTypes.TEXT,
      status: { type: DataTypes.STRING(8), allowNull: false },
      errorCode: DataTypes.STRING(64),
      ip: DataTypes.STRING(64),
      durationMs: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'sys_oper_log', underscored: true, updatedAt: false },
  );
  initJobModels(sequelize);
  initStatsModels(sequelize);
}

/** A job registered in code, with what the console may change about it and its run counts. */
export class JobRow extends Model<InferAttributes<JobRow>, InferCreationAttributes<JobRow>> {
  declare name: string;
  declare cron: string | null;
  declare paused: CreationOptional<boolean>;
  declare concurrency: 'forbid' | 'allow';
  declare runCount: CreationOptional<number>;
  declare failCount: CreationOptional<number>;
  declare lastRunAt: CreationOptional<Date | null>;
  declare lastStatus: CreationOptional<'success' | 'failed' | null>;
  declare lastDurationMs: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** One run of a job. Written by the runners only (through the job store). */
export class JobRun extends Model<InferAttributes<JobRun>, InferCreationAttributes<JobRun>> {
  declare id: CreationOptional<number>;
  declare jobName: string;
  declare trigger: 'schedule' | 'manual';
  declare scheduledAt: Date | null;
  declare startedAt: Date;
  declare durationMs: number | null;
  declare status: 'running' | 'success' | 'failed' | 'skipped';
  declare result: string | null;
  declare error: string | null;
  declare instance: string;
}

export function initJobModels(sequelize: Sequelize) {
  JobRow.init(
    {
      name: { type: DataTypes.STRING(64), primaryKey: true },
      cron: DataTypes.STRING(128),
      paused: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      concurrency: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'forbid' },
      runCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      failCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lastRunAt: DataTypes.DATE,
      lastStatus: DataTypes.STRING(8),
      lastDurationMs: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'sys_job', underscored: true },
  );
  JobRun.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      jobName: { type: DataTypes.STRING(64), allowNull: false },
      trigger: { type: DataTypes.STRING(8), allowNull: false, field: 'run_trigger' },
      scheduledAt: DataTypes.DATE,
      startedAt: { type: DataTypes.DATE, allowNull: false },
      durationMs: DataTypes.INTEGER,
      status: { type: DataTypes.STRING(8), allowNull: false },
      result: DataTypes.TEXT,
      error: DataTypes.TEXT,
      instance: { type: DataTypes.STRING(128), allowNull: false },
    },
    { sequelize, tableName: 'sys_job_run', underscored: true, timestamps: false },
  );
}

/** One day (Asia/Shanghai) of one department's figures, kept by the stats-rollup job. */
export class StatsDaily extends Model<InferAttributes<StatsDaily>, InferCreationAttributes<StatsDaily>> {
  declare id: CreationOptional<number>;
  declare day: string;
  declare deptId: number;
  declare newPatients: number;
  declare bookings: number;
  declare cancellations: number;
  declare payments: number;
  declare paidFen: number;
  declare refunds: number;
  declare refundedFen: number;
  declare consultations: CreationOptional<number>;
  declare eduReads: CreationOptional<number>;
  declare updatedAt: Date;
}

export function initStatsModels(sequelize: Sequelize) {
  // Fresh objects per attribute: Sequelize writes the column name into the definition it is given.
  const count = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  const fen = () => ({ type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 });
  StatsDaily.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      day: { type: DataTypes.DATEONLY, allowNull: false },
      deptId: { type: DataTypes.INTEGER, allowNull: false },
      newPatients: count(),
      bookings: count(),
      cancellations: count(),
      payments: count(),
      paidFen: fen(),
      refunds: count(),
      refundedFen: fen(),
      consultations: count(),
      eduReads: count(),
      updatedAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'stats_daily', underscored: true, createdAt: false },
  );
}
