/**
 * Family members are guarded per account (the owner's row lock), so different accounts never wait for — let alone
 * deadlock with — each other on MariaDB, and one account's concurrent changes stay consistent.
 */
import assert from 'node:assert/strict';
import { call } from '../../support/api';
import { mpAccounts } from '../../support/accounts';
import { makeIdCard } from '../../support/idcard';
import { tx } from '../../../bff/src/infra';
import { MpUser } from '../../../bff/src/modules/auth/models';

const member = (i: number, extra: Record<string, unknown> = {}) => ({
  name: '并发患者',
  idCard: makeIdCard(`1981-0${1 + (i % 9)}-1${i % 10}`, 200 + i),
  phone: '13500003333',
  relation: 'self',
  ...extra,
});

const freshAccounts = async (n: number) => (await mpAccounts(n)).map((a) => a.token);

describe('family members under concurrency (MariaDB)', () => {
  for (const n of [3, 20]) {
    it(`${n} new accounts adding their first member at the same moment: all 201, each the default`, async () => {
      const tokens = await freshAccounts(n);
      const results = await Promise.all(
        tokens.map((token, i) => call('POST', '/api/mp/patients', { token, body: member(i) })),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        tokens.map(() => 201),
        JSON.stringify(results.find((r) => r.status !== 201)?.body),
      );
      assert.ok(results.every((r) => r.body.isDefault === true));
      for (const token of tokens) {
        const list = (await call('GET', '/api/mp/patients', { token })).body;
        assert.equal(list.total, 1);
        assert.equal(list.items[0].isDefault, true);
      }
    });
  }

  it('accounts adding, making default and deleting at the same moment keep exactly one default each', async () => {
    const tokens = await freshAccounts(10);
    const firsts = await Promise.all(
      tokens.map((token, i) => call('POST', '/api/mp/patients', { token, body: member(i) })),
    );
    const ops = tokens.flatMap((token, i) => [
      call('POST', '/api/mp/patients', { token, body: member(i + 10, { relation: 'child', isDefault: true }) }),
      call('POST', '/api/mp/patients', { token, body: member(i + 20, { relation: 'parent' }) }),
      call('POST', `/api/mp/patients/${firsts[i].body.id}/default`, { token }),
      call('PATCH', `/api/mp/patients/${firsts[i].body.id}`, { token, body: { name: '改名患者' } }),
    ]);
    const results = await Promise.all(ops);
    assert.ok(
      results.every((r) => r.status < 300),
      JSON.stringify(results.find((r) => r.status >= 300)?.body),
    );
    const removals = await Promise.all(
      tokens.map((token, i) => call('DELETE', `/api/mp/patients/${firsts[i].body.id}`, { token })),
    );
    assert.ok(
      removals.every((r) => r.status === 204),
      JSON.stringify(removals.find((r) => r.status !== 204)?.body),
    );
    for (const token of tokens) {
      const list = (await call('GET', '/api/mp/patients', { token })).body;
      assert.equal(list.total, 2);
      assert.equal(list.items.filter((p: { isDefault: boolean }) => p.isDefault).length, 1, 'someone stays default');
    }
  });

  it('a transaction MariaDB picks as a deadlock victim is run again, and both finish', async () => {
    const [u1, u2] = (await mpAccounts(2)).map((a) => a.userId);
    const signal = () => {
      let fire!: () => void;
      return { fired: new Promise<void>((r) => (fire = r)), fire: () => fire() };
    };
    const aHolds = signal();
    const bHolds = signal();
    let runs = 0;
    // Opposite lock order on purpose: A takes u1 then u2, B takes u2 then u1 — a textbook deadlock.
    const crossed = (
      first: number,
      second: number,
      mine: ReturnType<typeof signal>,
      theirs: ReturnType<typeof signal>,
    ) =>
      tx(async (t) => {
        runs++;
        await MpUser.findByPk(first, { transaction: t, lock: t.LOCK.UPDATE });
        mine.fire();
        await theirs.fired;
        await MpUser.update({ nickname: `n${first}` }, { where: { id: second }, transaction: t });
        return first;
      });
    const done = await Promise.all([crossed(u1, u2, aHolds, bHolds), crossed(u2, u1, bHolds, aHolds)]);
    assert.deepEqual(done, [u1, u2]);
    assert.equal(runs, 3, 'one of the two ran twice');
  });
});
