import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { call, loginAs, mpLogin } from '../support/api';
import { startStack } from '../support/stack';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
};

/** A value of the wrong type for a schema: the request must be refused whatever the route. */
function wrong(schema: JsonSchema): unknown {
  const t = Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? schema.anyOf?.[0]?.type);
  switch (t) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    case 'object':
      return 'not an object';
    default:
      return { unexpected: true };
  }
}

const TABLES = [
  'sys_user',
  'sys_role',
  'sys_menu',
  'sys_dept',
  'sys_post',
  'sys_dict_type',
  'sys_dict_item',
  'sys_user_role',
  'sys_role_menu',
  'mp_patient',
  'schedule',
  'appointment',
  'pay_order',
  'pay_refund',
  'waitlist_entry',
  'followup_plan',
  'followup_task',
  'sys_staff_application',
];

async function counts() {
  const { running } = await startStack();
  const out: Record<string, number> = {};
  for (const t of TABLES)
    out[t] = Number(
      (
        await running.infra.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`, {
          type: QueryTypes.SELECT,
        })
      )[0].n,
    );
  return out;
}

describe('every route refuses malformed bodies with 400 and changes nothing', () => {
  it('wrong types, unknown fields, non-objects and missing fields → 400 VALIDATION_FAILED/MALFORMED_JSON, never 500', async function () {
    this.timeout(300_000);
    const doc = (await call('GET', '/api/openapi.json')).body;
    const admin = await loginAs('admin');
    const patient = (await mpLogin()).accessToken;
    const before = await counts();
    let checked = 0;
    for (const [path, methods] of Object.entries<
      Record<string, { 'x-auth': string; requestBody?: { content: { 'application/json': { schema: JsonSchema } } } }>
    >(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const schema = op.requestBody?.content['application/json'].schema;
        if (!schema || path === '/api/admin/auth/login' || path.endsWith('/auth/refresh')) continue;
        const token = op['x-auth'] === 'admin' ? admin : op['x-auth'] === 'mp' ? patient : undefined;
        const url = path
          .replace('{sessionId}', '00000000-0000-4000-8000-000000000000')
          .replace('{previewId}', '00000000-0000-4000-8000-000000000000')
          .replace(/\{\w+\}/g, '1');
        const props = Object.entries(schema.properties ?? {});
        const bodies: { raw?: string; body?: unknown; why: string }[] = [
          {
            body: { ...Object.fromEntries(props.map(([k, s]) => [k, wrong(s)])), __unknown_field__: 1 },
            why: 'wrong types + unknown field',
          },
          { raw: '[1,2,3]', why: 'an array' },
          { raw: '{"broken":', why: 'broken JSON' },
          ...props.slice(0, 6).map(([k, s]) => ({ body: { [k]: wrong(s) }, why: `only ${k}, wrong type` })),
        ];
        for (const b of bodies) {
          const r = await call(method.toUpperCase(), url, { token, body: b.body, raw: b.raw });
          assert.ok(
            r.status === 400 && ['VALIDATION_FAILED', 'MALFORMED_JSON'].includes(r.body?.error?.code),
            `${method.toUpperCase()} ${path} (${b.why}) → ${r.status} ${JSON.stringify(r.body)}`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked > 100, `checked ${checked} requests`);
    assert.deepEqual(await counts(), before);
  });
});
