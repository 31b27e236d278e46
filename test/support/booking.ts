/** Fixtures for booking tests: a fresh doctor and schedule through the console API, patients with tokens. */
import crypto from 'node:crypto';
import { call, loginAs, mpLogin, unique } from './api';
import { makeIdCard, uniqueIdCard } from './idcard';
import { MpUser } from '../../bff/src/modules/auth/models';
import { Patient } from '../../bff/src/modules/patient/models';
import { signAccess } from '../../bff/src/modules/auth/tokens';
import { infra } from '../../bff/src/infra';
import { addDays, shanghaiDate } from '../../bff/src/shared/time';

// One admin login shared by the helpers below, renewed well before its access token (15 min) runs out: a slow
// full run reaches the mini-program tests more than 15 minutes after the first booking test logged in.
let adminToken: { token: string; at: number } | undefined;
export async function admin() {
  if (!adminToken || Date.now() - adminToken.at > 5 * 60_000) {
    const at = Date.now();
    adminToken = { token: await loginAs('admin'), at };
  }
  return adminToken.token;
}

export async function deptId(name: string): Promise<number> {
  const tree = (await call('GET', '/api/admin/system/depts', { token: await admin() })).body;
  const find = (nodes: { id: number; name: string; children: unknown[] }[]): number | undefined => {
    for (const n of nodes) {
      if (n.name === name) return n.id;
      const c = find(n.children as never);
      if (c) return c;
    }
  };
  return find(tree)!;
}

/** A physician in `dept`; give a `name` no other test uses when a screen must pick the doctor out of a list. */
export async function newDoctor(dept = '心血管内科', name = '测试医生') {
  const roles = (await call('GET', '/api/admin/system/roles', { token: await admin() })).body as {
    id: number;
    key: string;
  }[];
  const r = await call('POST', '/api/admin/system/users', {
    token: await admin(),
    body: {
      username: unique('dr'),
      name,
      password: 'Sunlit-Harbor-42',
      deptId: await deptId(dept),
      roleIds: [roles.find((x) => x.key === 'physician')!.id],
    },
  });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body as { id: number; username: string; deptId: number };
}

export const tomorrow = () => addDays(shanghaiDate(), 1);

export async function newSchedule(
  doctorId: number,
  opts: {
    date?: string;
    period?: 'am' | 'pm' | 'eve';
    slotCount?: number;
    feeFen?: number;
    startTime?: string;
    endTime?: string;
    releaseAt?: string;
  } = {},
) {
  const r = await call('POST', '/api/admin/scheduling/schedules', {
    token: await admin(),
    body: {
      doctorId,
      clinicDate: opts.date ?? tomorrow(),
      period: opts.period ?? 'am',
      startTime: opts.startTime ?? '08:00',
      endTime: opts.endTime ?? '12:00',
      slotCount: opts.slotCount ?? 10,
      feeFen: opts.feeFen ?? 2500,
      releaseAt: opts.releaseAt ?? new Date(Date.now() - 3600_000).toISOString(),
      location: '门诊楼 2 层',
    },
  });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body as { id: number; slotCount: number };
}

/**
 * A patient who logged in through the (fake) WeChat and added a family member through the API; `openid` is their
 * WeChat user's (for tests that answer the simulated WeChat's subscribe dialog for them).
 */
export async function patient() {
  const openid = `o_pt_${crypto.randomBytes(9).toString('hex')}`;
  const login = await mpLogin(openid);
  const p = await call('POST', '/api/mp/patients', {
    token: login.accessToken,
    body: {
      name: '王患者',
      idCard: uniqueIdCard('1980-05-01'),
      phone: '13700001111',
      relation: 'self',
    },
  });
  if (p.status !== 201) throw new Error(JSON.stringify(p.body));
  return { token: login.accessToken, userId: login.user.id, patientId: p.body.id as number, openid };
}

/** Many patients at once for the rush tests: created directly (setup only), tokens signed by the BFF's own code. */
export async function manyPatients(n: number) {
  const { fieldCrypto } = infra();
  const users = await MpUser.bulkCreate(
    Array.from({ length: n }, () => ({
      openid: unique('o_rush_') + crypto.randomBytes(3).toString('hex'),
      unionid: null,
      sessionKeyEnc: null,
      nickname: '患者',
      avatarUrl: null,
      phoneEnc: null,
      phoneHash: null,
    })),
  );
  const patients = await Patient.bulkCreate(
    users.map((u, i) => {
      const id = makeIdCard('1990-01-01', i % 1000);
      return {
        userId: u.id,
        name: '抢号患者',
        idCardEnc: fieldCrypto.encrypt(id),
        idCardHash: fieldCrypto.blindIndex(`${id}-${u.id}`),
        phoneEnc: fieldCrypto.encrypt('13800000000'),
        phoneHash: fieldCrypto.blindIndex('13800000000'),
        relation: 'self' as const,
        gender: 'M' as const,
        birthDate: '1990-01-01',
        isDefault: true,
      };
    }),
  );
  return users.map((u, i) => ({ token: signAccess('mp', u.id), userId: u.id, patientId: patients[i].id }));
}
