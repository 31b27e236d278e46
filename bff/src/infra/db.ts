import fs from 'node:fs';
import path from 'node:path';
import { Sequelize, Transaction } from 'sequelize';
import type { Config } from '../config';
import type { Logger } from './logger';

export function createSequelize(config: Config, log: Logger): Sequelize {
  const logging = config.LOG_LEVEL === 'trace' ? (sql: string) => log.trace({ sql }, 'sql') : false;
  const define = { underscored: true };
  if (config.embedded) {
    fs.mkdirSync(path.dirname(config.sqlitePath), { recursive: true });
    const sqlite = new Sequelize({
      dialect: 'sqlite',
      storage: config.sqlitePath,
      logging,
      define,
      transactionType: Transaction.TYPES.IMMEDIATE,
    });
    return tuneSqlite(sqlite, config.SQLITE_SYNCHRONOUS, log);
  }
  const url = new URL(config.DATABASE_URL!);
  const conn = (u: URL) => ({
    host: u.hostname,
    port: Number(u.port || 3306),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  });
  return new Sequelize(url.pathname.slice(1), conn(url).username, conn(url).password, {
    dialect: 'mysql',
    host: url.hostname,
    port: Number(url.port || 3306),
    logging,
    define,
    timezone: '+00:00',
    // Bounded waits: an unreachable database fails a request in seconds (→ 503) instead of holding it for a minute.
    pool: { max: config.DATABASE_POOL_MAX, min: 0, idle: 10_000, acquire: config.DATABASE_ACQUIRE_TIMEOUT_MS },
    dialectOptions: { charset: 'utf8mb4', dateStrings: false, connectTimeout: config.DATABASE_CONNECT_TIMEOUT_MS },
    // Read replicas: Sequelize routes plain SELECTs to `read`, everything else and transactions to `write`.
    ...(config.DATABASE_READ_URLS.length
      ? { replication: { write: conn(url), read: config.DATABASE_READ_URLS.map((r) => conn(new URL(r))) } }
      : {}),
  });
}

interface SqliteConnection {
  run(sql: string, done: (err: Error | null) => void): unknown;
  close(): unknown;
  uuid?: string;
}
interface SqliteManager {
  connections: Record<string, SqliteConnection>;
  getConnection(options?: { uuid?: string }): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection, force?: boolean): void;
}

/** Connections of finished transactions kept open for the next ones (embedded transactions mostly run one at a time). */
const IDLE_SQLITE_CONNECTIONS = 4;

/**
 * Embedded mode's SQLite, set up for a server rather than a desktop file:
 *
 * - **Write-ahead logging,** so a commit appends to one file (and readers don't wait for a writer) where the default
 *   rollback journal creates, syncs and deletes a journal at every commit — at ~3 ms a sync on this kind of disk,
 *   commits queued one behind another were most of a booking rush's time — and `synchronous` as configured: FULL
 *   (the default) syncs the log at every commit, so a committed booking survives a power cut; NORMAL syncs at
 *   checkpoints only (never corrupt, but the last commits before a power cut can be lost). Sequelize offers no hook
 *   for a new connection, so its connection manager is wrapped: each new connection gets the pragmas before its first
 *   statement (node-sqlite3 runs a connection's statements in order).
 * - **A transaction's connection is reused.** Sequelize's SQLite dialect opens a connection (a file, its schema read
 *   again) for every transaction and closes it at the end; a finished transaction's connection now waits, idle, for
 *   the next one. One that failed to commit or roll back is destroyed by Sequelize as before, never reused.
 */
function tuneSqlite(sequelize: Sequelize, synchronous: 'FULL' | 'NORMAL', log: Logger) {
  const manager = sequelize.connectionManager as unknown as SqliteManager;
  const open = manager.getConnection.bind(manager);
  const close = manager.releaseConnection.bind(manager);
  const tuned = new WeakSet<SqliteConnection>();
  const idle: SqliteConnection[] = [];
  const forTransactions = new WeakSet<SqliteConnection>();
  manager.getConnection = async (options) => {
    const uuid = options?.uuid;
    const reused = uuid && uuid !== 'default' ? idle.pop() : undefined;
    if (reused) {
      manager.connections[uuid!] = reused;
      return reused;
    }
    const connection = await open(options);
    if (uuid && uuid !== 'default') forTransactions.add(connection);
    if (!tuned.has(connection)) {
      tuned.add(connection);
      // a failure (never expected) is logged: the database still works, with SQLite's defaults
      const done = (err: Error | null) => err && log.error({ err }, 'an SQLite pragma failed');
      connection.run('PRAGMA journal_mode=WAL', done);
      connection.run(`PRAGMA synchronous=${synchronous}`, done);
    }
    return connection;
  };
  manager.releaseConnection = (connection, force) => {
    if (!forTransactions.has(connection) || !connection.uuid || force || idle.length >= IDLE_SQLITE_CONNECTIONS)
      return close(connection, force);
    delete manager.connections[connection.uuid];
    idle.push(connection);
  };
  const closeAll = sequelize.close.bind(sequelize);
  sequelize.close = async () => {
    for (const c of idle.splice(0)) c.close();
    return closeAll();
  };
  return sequelize;
}
