import { BaseError as SequelizeError, ConnectionError, DatabaseError, TimeoutError } from 'sequelize';

export type Dependency = 'cache' | 'database';

/** A dependency refused the connection or did not answer in time: the request may well succeed a little later. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    cause: unknown,
  ) {
    super(`${dependency} unavailable`, { cause });
  }
}

// mysql2 marks errors that end the connection `fatal`; these codes are the connection dying under a query.
const LOST_CONNECTION = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/** Which dependency an error says is down, or undefined when the error is something else (a bug, a bad request). */
export function unavailableDependency(err: unknown): Dependency | undefined {
  if (err instanceof DependencyUnavailableError) return err.dependency;
  if (!(err instanceof SequelizeError)) return undefined;
  // ConnectionError covers refused, timed-out, unreachable and pool-acquire timeouts; TimeoutError is SQLite busy.
  if (err instanceof ConnectionError || err instanceof TimeoutError) return 'database';
  if (err instanceof DatabaseError) {
    const parent = err.parent as { fatal?: boolean; code?: string } | undefined;
    if (parent?.fatal || (parent?.code && LOST_CONNECTION.has(parent.code))) return 'database';
  }
  return undefined;
}
