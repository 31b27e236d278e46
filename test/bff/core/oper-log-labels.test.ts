/**
 * 操作日志 speaks Chinese: every route that writes to the operation log has a module label and an action label in
 * bff/src/shared/oper-log-labels.ts (which the console also reads), and no label is left from a route that is gone.
 */
import assert from 'node:assert/strict';
import { MODULES } from '../../../bff/src/modules';
import { RouteTree, registry } from '../../../bff/src/http/route';
import { OPER_ACTION_LABELS, OPER_MODULE_LABELS } from '../../../bff/src/shared/oper-log-labels';

describe('operation log labels (shared/oper-log-labels.ts)', () => {
  const logged = () => {
    const before = registry.length;
    const admin = new RouteTree('/api/admin', 'console');
    for (const m of MODULES) {
      m.adminRoutes?.(admin);
      for (const o of m.otherRoutes ?? []) o.routes(new RouteTree(o.prefix, o.tag));
    }
    const mine = registry.splice(before);
    return mine.filter((r) => r.logModule).map((r) => ({ ...r, key: `${r.method.toUpperCase()} ${r.path}` }));
  };

  it('every logged route has a Chinese module label and a Chinese action label', () => {
    const routes = logged();
    assert.ok(routes.length > 50, `only ${routes.length} logged routes found`);
    const missing = routes.filter((r) => !OPER_MODULE_LABELS[r.logModule!] || !OPER_ACTION_LABELS[r.key]);
    assert.deepEqual(
      missing.map((r) => `${r.key} (module ${r.logModule}): ${r.summary}`),
      [],
      'add these to shared/oper-log-labels.ts',
    );
    for (const label of [...Object.values(OPER_MODULE_LABELS), ...Object.values(OPER_ACTION_LABELS)]) {
      assert.match(label, /^[\u4e00-\u9fff（）/、]+$/, `not a Chinese label: ${label}`);
    }
  });

  it('every Excel export is logged (patients’ data among them); no label is left over from a removed route', () => {
    const routes = logged();
    const keys = new Set(routes.map((r) => r.key));
    assert.ok(keys.has('GET /api/admin/booking/appointments/export'));
    // an export is the most sensitive read there is: each one (预约, 随访, 订单, 用户, 统计, 学习进度) is in 操作日志
    const before = registry.length;
    const admin = new RouteTree('/api/admin', 'console');
    for (const m of MODULES) m.adminRoutes?.(admin);
    const exports = registry
      .splice(before)
      .filter((r) => r.method === 'get' && r.path.endsWith('/export'))
      .map((r) => `GET ${r.path}`);
    assert.ok(exports.length >= 6, exports.join(', '));
    assert.deepEqual(
      exports.filter((k) => !keys.has(k)),
      [],
      'exports not written to the operation log',
    );
    assert.deepEqual(
      Object.keys(OPER_ACTION_LABELS).filter((k) => !keys.has(k)),
      [],
    );
  });
});
