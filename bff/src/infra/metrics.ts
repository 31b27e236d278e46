import { monitorEventLoopDelay } from 'node:perf_hooks';
import client from 'prom-client';

/**
 * Process metrics: Prometheus (prom-client, served at /metrics behind METRICS_TOKEN) and the last hour of requests
 * per minute that the console's server page shows. One registry per process, created on first use.
 */
export interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<'method' | 'route' | 'status'>;
  /** A business outcome of an API call, by what it did ('book', 'pay_notify' …) and its error code or 'ok'. */
  bookingOutcomes: client.Counter<'action' | 'outcome'>;
  payments: client.Counter<'action' | 'outcome'>;
  jobRuns: client.Counter<'job' | 'status'>;
  wsConnections: client.Gauge;
  requests: RequestWindow;
  eventLoop: ReturnType<typeof monitorEventLoopDelay>;
}

const MINUTE = 60_000;

/** Requests and server errors (5xx) per minute over the last hour, in a ring of 60 buckets. */
export class RequestWindow {
  private buckets = Array.from({ length: 60 }, () => ({ minute: 0, requests: 0, errors: 0 }));
  record(status: number, now = Date.now()) {
    const minute = Math.floor(now / MINUTE);
    const b = this.buckets[minute % 60];
    if (b.minute !== minute) Object.assign(b, { minute, requests: 0, errors: 0 });
    b.requests += 1;
    if (status >= 500) b.errors += 1;
  }
  /** Oldest first, one entry per minute of the last hour (minutes with no request are zeros). */
  lastHour(now = Date.now()) {
    const current = Math.floor(now / MINUTE);
    return Array.from({ length: 60 }, (_, i) => {
      const minute = current - 59 + i;
      const b = this.buckets[minute % 60];
      return {
        at: new Date(minute * MINUTE),
        requests: b.minute === minute ? b.requests : 0,
        errors: b.minute === minute ? b.errors : 0,
      };
    });
  }
  totals(now = Date.now()) {
    return this.lastHour(now).reduce((t, m) => ({ requests: t.requests + m.requests, errors: t.errors + m.errors }), {
      requests: 0,
      errors: 0,
    });
  }
}

let current: Metrics | undefined;
let wsSource: (() => number) | undefined;

/** Who knows the open WebSocket count (the realtime hub, handed in by server.ts). */
export function countWsConnectionsWith(source: () => number) {
  wsSource = source;
}

export function metrics(): Metrics {
  if (current) return current;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'yiyun_' });
  const eventLoop = monitorEventLoopDelay({ resolution: 20 });
  eventLoop.enable();
  current = {
    registry,
    httpDuration: new client.Histogram({
      name: 'yiyun_http_request_duration_seconds',
      help: 'API request duration by route (the route pattern, not the URL) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    bookingOutcomes: new client.Counter({
      name: 'yiyun_booking_outcomes_total',
      help: 'Booking requests by action (book, cancel) and outcome (ok or the refusal code, e.g. SLOT_FULL)',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    }),
    payments: new client.Counter({
      name: 'yiyun_payments_total',
      help: 'Payment requests and WeChat Pay notifications by action and outcome (ok or the refusal code)',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    }),
    jobRuns: new client.Counter({
      name: 'yiyun_job_runs_total',
      help: 'Scheduled job runs by job and status (success, failed, skipped)',
      labelNames: ['job', 'status'],
      registers: [registry],
    }),
    wsConnections: new client.Gauge({
      name: 'yiyun_ws_connections',
      help: 'Open WebSocket connections on this instance',
      registers: [registry],
      collect() {
        this.set(wsSource?.() ?? 0);
      },
    }),
    requests: new RequestWindow(),
    eventLoop,
  };
  return current;
}
