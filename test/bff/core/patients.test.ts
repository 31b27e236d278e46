import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { call, mpLogin } from '../../support/api';
import { startStack } from '../../support/stack';
import { breakCheck, makeIdCard } from '../../support/idcard';

const member = (birth: string, seq: number, extra: Record<string, unknown> = {}) => ({
  name: '张三',
  idCard: makeIdCard(birth, seq),
  phone: '13812345678',
  relation: 'parent',
  ...extra,
});

describe('family members (就诊人)', () => {
  it('adds, lists, edits, sets default and deletes, with masked ID and phone', async () => {
    const { accessToken: t } = await mpLogin();
    const first = await call('POST', '/api/mp/patients', {
      token: t,
      body: member('1960-03-15', 11, { relation: 'self' }),
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.isDefault, true, 'the first family member becomes the default');
    assert.equal(first.body.gender, 'M');
    assert.equal(first.body.birthDate, '1960-03-15');
    assert.match(first.body.idCardMasked, /^110105\*{8}\d{3}[\dX]$/);
    assert.equal(first.body.phoneMasked, '138****5678');
    assert.equal(JSON.stringify(first.body).includes('13812345678'), false);
    const kid = await call('POST', '/api/mp/patients', {
      token: t,
      body: member('2020-06-01', 22, { relation: 'child', name: '张小宝' }),
    });
    assert.equal(kid.body.needsGuardian, true);
    assert.equal(kid.body.gender, 'F');
    assert.equal(kid.body.isDefault, false);
    const def = await call('POST', `/api/mp/patients/${kid.body.id}/default`, { token: t });
    assert.equal(def.body.isDefault, true);
    const list = (await call('GET', '/api/mp/patients', { token: t })).body;
    assert.equal(list.total, 2);
    assert.deepEqual(
      list.items.map((p: { isDefault: boolean }) => p.isDefault),
      [true, false],
    );
    const edit = await call('PATCH', `/api/mp/patients/${first.body.id}`, {
      token: t,
      body: { phone: '13900001111', name: '张三丰' },
    });
    assert.equal(edit.body.phoneMasked, '139****1111');
    assert.equal(edit.body.name, '张三丰');
    assert.equal((await call('DELETE', `/api/mp/patients/${kid.body.id}`, { token: t })).status, 204);
    const after = (await call('GET', '/api/mp/patients', { token: t })).body;
    assert.equal(after.total, 1);
    assert.equal(after.items[0].isDefault, true, 'deleting the default passes it on');
  });

  it('refuses a wrong ID number with INVALID_ID_CARD and saves nothing', async () => {
    const { accessToken: t } = await mpLogin();
    const good = makeIdCard('1985-01-01', 31);
    for (const idCard of [
      breakCheck(good),
      '110105198513010011',
      '11010519850101001',
      'abcdefghijklmnopqr',
      makeIdCard('2099-01-01', 1),
    ]) {
      const r = await call('POST', '/api/mp/patients', { token: t, body: member('1985-01-01', 1, { idCard }) });
      assert.ok([400, 422].includes(r.status), `${idCard} → ${r.status}`);
      assert.ok(['INVALID_ID_CARD', 'VALIDATION_FAILED'].includes(r.body.error.code));
    }
    assert.equal((await call('GET', '/api/mp/patients', { token: t })).body.total, 0);
  });

  it('allows at most 5 members, no duplicates, one 本人', async () => {
    const { accessToken: t } = await mpLogin();
    for (let i = 0; i < 5; i++) {
      const r = await call('POST', '/api/mp/patients', {
        token: t,
        body: member('1990-01-0' + (i + 1), 40 + i, { relation: i === 0 ? 'self' : 'other' }),
      });
      assert.equal(r.status, 201);
    }
    const sixth = await call('POST', '/api/mp/patients', { token: t, body: member('1991-01-01', 99) });
    assert.equal(sixth.body.error.code, 'PATIENT_LIMIT');
    const { accessToken: t2 } = await mpLogin();
    await call('POST', '/api/mp/patients', { token: t2, body: member('1970-07-07', 7, { relation: 'self' }) });
    assert.equal(
      (await call('POST', '/api/mp/patients', { token: t2, body: member('1970-07-07', 7) })).body.error.code,
      'PATIENT_DUPLICATE',
    );
    assert.equal(
      (await call('POST', '/api/mp/patients', { token: t2, body: member('1971-07-07', 8, { relation: 'self' }) })).body
        .error.code,
      'SELF_EXISTS',
    );
  });

  it('keeps the limit under concurrent adds', async () => {
    const { accessToken: t } = await mpLogin();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('POST', '/api/mp/patients', { token: t, body: member('1980-02-1' + i, 60 + i, { relation: 'other' }) }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 5);
    const list = (await call('GET', '/api/mp/patients', { token: t })).body;
    assert.equal(list.total, 5);
    assert.equal(list.items.filter((p: { isDefault: boolean }) => p.isDefault).length, 1);
  });

  it("never shows or changes another patient's family members", async () => {
    const a = await mpLogin();
    const b = await mpLogin();
    const p = await call('POST', '/api/mp/patients', { token: a.accessToken, body: member('1975-05-05', 5) });
    for (const [method, path, body] of [
      ['GET', `/api/mp/patients/${p.body.id}`, undefined],
      ['PATCH', `/api/mp/patients/${p.body.id}`, { name: '李四' }],
      ['DELETE', `/api/mp/patients/${p.body.id}`, undefined],
      ['POST', `/api/mp/patients/${p.body.id}/default`, undefined],
    ] as const) {
      const r = await call(method, path, { token: b.accessToken, body });
      assert.equal(r.status, 404, `${method} ${path}`);
    }
    assert.equal((await call('GET', '/api/mp/patients', { token: b.accessToken })).body.total, 0);
    const still = await call('GET', `/api/mp/patients/${p.body.id}`, { token: a.accessToken });
    assert.equal(still.body.name, '张三');
  });

  it('stores no plaintext ID or phone number in the database', async () => {
    const { running } = await startStack();
    const { accessToken: t } = await mpLogin();
    const idCard = makeIdCard('1966-06-06', 66);
    await call('POST', '/api/mp/patients', {
      token: t,
      body: member('1966-06-06', 66, { idCard, phone: '13766668888' }),
    });
    const rows = await running.infra.sequelize.query<Record<string, unknown>>('SELECT * FROM mp_patient', {
      type: QueryTypes.SELECT,
    });
    const dump = JSON.stringify(rows);
    assert.ok(rows.length > 0);
    assert.equal(dump.includes(idCard), false);
    assert.equal(
      dump.includes(idCard.slice(6, 14)),
      false,
      'not even the birth-date digits of the ID in clear text columns',
    );
    assert.equal(dump.includes('13766668888'), false);
    const users = JSON.stringify(
      await running.infra.sequelize.query('SELECT * FROM sys_user', { type: QueryTypes.SELECT }),
    );
    assert.equal(/1380000000\d/.test(users), false, 'staff phone numbers are encrypted too');
  });
});
