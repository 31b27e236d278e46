import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  // One row per job registered in code: what the console may change (cron, paused, concurrency) and the counts.
  // A row is never a way to name code: a name with no handler in the running code is shown as unknown and never run.
  await qi.createTable('sys_job', {
    name: { ...str(64), primaryKey: true },
    cron: str(128, true),
    paused: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    concurrency: { ...str(8), defaultValue: 'forbid' },
    run_count: { ...int(), defaultValue: 0 },
    fail_count: { ...int(), defaultValue: 0 },
    last_run_at: date(),
    last_status: str(8, true),
    last_duration_ms: int(true),
    created_at: date(false),
    updated_at: date(false),
  });
  // Every run: scheduled (with the time it was due, which tells a double run apart) or run once by hand.
  await qi.createTable('sys_job_run', {
    id,
    job_name: str(64),
    run_trigger: str(8),
    scheduled_at: date(),
    started_at: date(false),
    duration_ms: int(true),
    status: str(8),
    result: { type: DataTypes.TEXT, allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
    instance: str(128),
  });
  await qi.addIndex('sys_job_run', ['job_name', 'id']);
  await qi.addIndex('sys_job_run', ['started_at']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('sys_job_run');
  await qi.dropTable('sys_job');
}
