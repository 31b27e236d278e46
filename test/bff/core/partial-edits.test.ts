/**
 * An edit changes what it names and nothing else: zod 4 fills a field's default even when the field is optional, so an
 * edit's schema made with `.partial()` from a create's with defaults reset a disabled post, dictionary type or item to
 * 启用 and its order to 0 whenever staff renamed it (http/schemas.ts `editOf`).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call, loginAs } from '../../support/api';

const code = (p: string) => `${p}_${crypto.randomBytes(4).toString('hex')}`;

describe('partial edits keep what they do not name (posts, dictionaries)', () => {
  let token: string;
  before(async () => {
    token = await loginAs('admin');
  });

  it('renaming a disabled post keeps it disabled and in its place; an empty edit is refused', async () => {
    const made = await call('POST', '/api/admin/system/posts', {
      token,
      body: { code: code('p'), name: '临时岗位', orderNum: 7, status: 'disabled' },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const renamed = await call('PUT', `/api/admin/system/posts/${made.body.id}`, { token, body: { name: '改名岗位' } });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.deepEqual([renamed.body.name, renamed.body.status, renamed.body.orderNum], ['改名岗位', 'disabled', 7]);
    const empty = await call('PUT', `/api/admin/system/posts/${made.body.id}`, { token, body: {} });
    assert.equal(empty.status, 400, JSON.stringify(empty.body));
    assert.equal(empty.body.error.code, 'VALIDATION_FAILED');
  });

  it('renaming a disabled dictionary type keeps it disabled; relabelling an item keeps its order and status', async () => {
    const type = code('t');
    const t = await call('POST', '/api/admin/system/dict-types', {
      token,
      body: { type, name: '临时字典', status: 'disabled' },
    });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const tr = await call('PUT', `/api/admin/system/dict-types/${t.body.id}`, { token, body: { name: '改名字典' } });
    assert.equal(tr.status, 200, JSON.stringify(tr.body));
    assert.deepEqual([tr.body.name, tr.body.status], ['改名字典', 'disabled']);
    assert.equal((await call('PUT', `/api/admin/system/dict-types/${t.body.id}`, { token, body: {} })).status, 400);

    const i = await call('POST', '/api/admin/system/dict-items', {
      token,
      body: { dictType: type, label: '甲', value: 'a', orderNum: 5, status: 'disabled' },
    });
    assert.equal(i.status, 201, JSON.stringify(i.body));
    const ir = await call('PUT', `/api/admin/system/dict-items/${i.body.id}`, { token, body: { label: '乙' } });
    assert.equal(ir.status, 200, JSON.stringify(ir.body));
    assert.deepEqual([ir.body.label, ir.body.orderNum, ir.body.status], ['乙', 5, 'disabled']);
    assert.equal((await call('PUT', `/api/admin/system/dict-items/${i.body.id}`, { token, body: {} })).status, 400);
  });
});
