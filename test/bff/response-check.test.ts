import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Koa from 'koa';
import pino from 'pino';
import { z } from 'zod';
import { errorMiddleware } from '../../bff/src/http/errors';
import { RouteTree } from '../../bff/src/http/route';

/**
 * A response schema is a promise to the front-ends, whose types come from it. In test and development the
 * route tree holds every handler to it: a result that does not parse, or that carries a field the schema leaves
 * out, is a 500 naming the route. Production trusts the types and skips the check.
 */
describe('response schemas are checked', () => {
  const Item = z.object({ id: z.number().int(), name: z.string(), at: z.date() });
  const results: Record<string, unknown> = {
    good: { id: 1, name: '张三', at: new Date(0) },
    wrongType: { id: '1', name: '张三', at: new Date(0) },
    extraField: { id: 1, name: '张三', at: new Date(0), idCard: 'console only' },
    nestedExtra: [
      { id: 1, name: '张三', at: new Date(0) },
      { id: 2, name: '李四', at: new Date(0), phone: 'console only' },
    ],
  };
  // A unique prefix: the registry is process-wide, and these routes must not look like the app's.
  const tree = new RouteTree(`/__response-check-${process.pid}`, 'test');
  tree.add({
    method: 'get',
    path: '/good',
    summary: 't',
    auth: 'public',
    response: Item,
    handler: () => results.good as z.input<typeof Item>,
  });
  tree.add({
    method: 'get',
    path: '/wrong-type',
    summary: 't',
    auth: 'public',
    response: Item,
    handler: () => results.wrongType as never,
  });
  tree.add({
    method: 'get',
    path: '/extra',
    summary: 't',
    auth: 'public',
    response: Item,
    handler: () => results.extraField as never,
  });
  tree.add({
    method: 'get',
    path: '/nested',
    summary: 't',
    auth: 'public',
    response: z.array(Item),
    handler: () => results.nestedExtra as never,
  });

  async function serve(checkResponses: boolean) {
    const lines: string[] = [];
    const app = new Koa();
    app.context.log = pino(
      { level: 'error' },
      new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }),
    );
    app.context.checkResponses = checkResponses;
    app.use(errorMiddleware());
    app.use(tree.router.routes());
    const server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${tree.prefix}`;
    return {
      lines,
      get: async (p: string) => {
        const res = await fetch(base + p);
        return { status: res.status, body: await res.json() };
      },
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  }

  it('passes a result that matches, and answers 500 naming the route for one that does not', async () => {
    const s = await serve(true);
    try {
      const ok = await s.get('/good');
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body, { id: 1, name: '张三', at: new Date(0).toISOString() });

      for (const [p, field] of [
        ['/wrong-type', 'id'],
        ['/extra', 'idCard'],
        ['/nested', '[1].phone'],
      ] as const) {
        const r = await s.get(p);
        assert.equal(r.status, 500, p);
        assert.equal(r.body.error.code, 'INTERNAL');
        assert.equal(
          JSON.stringify(r.body).includes('console only'),
          false,
          'nothing of the bad result reaches the client',
        );
        const logged = s.lines
          .map((l) => JSON.parse(l).err?.message as string)
          .find((m) => m?.includes(`GET ${tree.prefix}${p}`));
        assert.ok(logged, `the log names the route ${p}`);
        assert.ok(logged.includes(field), `the log names the field: ${logged}`);
      }
    } finally {
      await s.close();
    }
  });

  it('does not check in production', async () => {
    const s = await serve(false);
    try {
      const r = await s.get('/extra');
      assert.equal(r.status, 200);
      assert.equal(r.body.idCard, 'console only');
      assert.deepEqual(s.lines, []);
    } finally {
      await s.close();
    }
  });
});
