/** Fixtures for the follow-up tests: a patient whose WeChat openid is known, questionnaires, plans, job runs. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call, loginAs, mpLogin } from './api';
import { uniqueIdCard } from './idcard';
import { until } from './child';

/** A patient logged in with a known openid (to follow their subscribe messages in the simulated WeChat). */
export async function patientWithOpenid(name = '随访患者') {
  const openid = `o_fu_${crypto.randomBytes(8).toString('hex')}`;
  const login = await mpLogin(openid);
  const p = await call('POST', '/api/mp/patients', {
    token: login.accessToken,
    body: {
      name,
      idCard: uniqueIdCard('1968-07-01'),
      phone: '13900003333',
      relation: 'self',
    },
  });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return { openid, token: login.accessToken, userId: login.user.id as number, patientId: p.body.id as number };
}

export const QUESTIONS = [
  { key: 'bp_sys', type: 'number', title: '今日收缩压', required: true, min: 60, max: 260, unit: 'mmHg' },
  { key: 'feeling', type: 'single', title: '近一周感觉如何', required: true, options: ['很好', '一般', '较差'] },
  { key: 'symptoms', type: 'multiple', title: '有无以下不适', required: false, options: ['头晕', '胸闷', '乏力'] },
  { key: 'note', type: 'text', title: '想对医生说的话', required: false },
];

export async function newQuestionnaire(token: string, title = '高血压随访问卷') {
  const r = await call('POST', '/api/admin/followup/questionnaires', {
    token,
    body: { title, description: '请如实填写', questions: QUESTIONS },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { id: number; title: string };
}

export async function newPlan(token: string, body: Record<string, unknown>) {
  const r = await call('POST', '/api/admin/followup/plans', { token, body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as {
    id: number;
    patientId: number;
    tasks: { id: number; dueDate: string; status: string; type: string }[];
  };
}

/**
 * Runs a job once through the console (定时任务 › 执行一次) and waits for that run to finish; a run skipped because a
 * scheduled one was still going (forbid) is asked again.
 */
export async function runJob(name: string) {
  const admin = await loginAs('admin');
  for (let attempt = 0; attempt < 5; attempt++) {
    const q = await call('POST', `/api/admin/monitor/jobs/${name}/run`, { token: admin });
    assert.equal(q.status, 202, JSON.stringify(q.body));
    const since = new Date(q.body.queuedAt).getTime() - 1000;
    const run = await until(`a finished run of ${name}`, 30_000, async () => {
      const r = await call('GET', `/api/admin/monitor/jobs/${name}/runs?pageSize=20`, { token: admin });
      return (r.body.items as { trigger: string; status: string; startedAt: string; result: string | null }[]).find(
        (x) => x.trigger === 'manual' && x.status !== 'running' && new Date(x.startedAt).getTime() >= since,
      );
    });
    if (run.status === 'skipped') continue;
    assert.equal(run.status, 'success', JSON.stringify(run));
    return run;
  }
  throw new Error(`${name} was skipped five times`);
}
