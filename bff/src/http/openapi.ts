import { z } from 'zod';
import { registry } from './route';
import { ErrorBody } from './schemas';

const toSchema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });

/** OpenAPI 3.1 built from the same zod schemas that validate the requests. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registry) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const js = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: s,
        });
      }
    }
    const errorResponse = {
      description: '错误',
      content: { 'application/json': { schema: toSchema(ErrorBody, 'output') } },
    };
    paths[path] ??= {};
    paths[path][r.method] = {
      tags: [r.tag],
      summary: r.summary,
      ...(r.auth === 'public'
        ? { security: [] }
        : { security: [{ [r.auth === 'admin' ? 'adminBearer' : 'mpBearer']: [] }] }),
      'x-auth': r.auth,
      ...(r.perm ? { 'x-permission': r.perm } : {}),
      parameters,
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } } }
        : {}),
      responses: {
        [r.status === 201 || r.status === 200 ? String(r.status) : '200']: r.response
          ? { description: 'OK', content: { 'application/json': { schema: toSchema(r.response, 'output') } } }
          : { description: 'OK' },
        '204': { description: '无内容' },
        '4XX': errorResponse,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Yiyun 医云 BFF',
      version: '0.1.0',
      description: 'Mini-program (/api/mp) and console (/api/admin) APIs.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        mpBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '小程序患者令牌' },
        adminBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '管理后台令牌' },
      },
    },
    paths,
  };
}
