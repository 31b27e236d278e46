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
    return new Sequelize({
      dialect: 'sqlite',
      storage: config.sqlitePath,
      logging,
      define,
      transactionType: Transaction.TYPES.IMMEDIATE,
    });
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
