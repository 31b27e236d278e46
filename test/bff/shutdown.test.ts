import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

describe('graceful shutdown', () => {
  it('finishes an in-flight request after SIGTERM, refuses new connections, and exits 0', async function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-shutdown-'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bff/src/server.ts')], {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dir,
        LOG_LEVEL: 'info',
        DATABASE_URL: '',
        REDIS_URL: '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout!.on('data', (d) => {
          buf += d;
          const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)","mode"/.exec(buf);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
      });
      const login = await (
        await fetch(`${url}/api/admin/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: 'Harbor-Lamp-2468' }),
        })
      ).json();
      // A request that takes a while: previewing a 5,000-row schedule file.
      const lines = ['医生账号,医生姓名,日期,时段,开始时间,结束时间,号源数,挂号费(元),放号时间,就诊地点'];
      for (let i = 0; i < 5000; i++)
        lines.push(`doctor,张晓明,2099-01-${String((i % 28) + 1).padStart(2, '0')},上午,08:00,12:00,20,10,,`);
      // `Expect: 100-continue`: the server answers "100 Continue" once it has accepted the request, so
      // SIGTERM is sent while the request is known to be in flight (not after a guessed delay).
      const body = Buffer.from(lines.join('\n'));
      const req = http.request(`${url}/api/admin/scheduling/imports?filename=big.csv`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${login.accessToken}`,
          'content-type': 'text/csv',
          'content-length': body.length,
          expect: '100-continue',
        },
      });
      const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (d) => (text += d))
            .on('end', () => resolve({ status: res.statusCode!, body: text }));
        });
        req.on('error', reject);
      });
      await new Promise<void>((resolve) => req.once('continue', resolve).flushHeaders());
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      req.end(body);
      const res = await answered;
      assert.equal(res.status, 201, res.body);
      assert.equal(JSON.parse(res.body).total, 5000);
      assert.equal(await exited, 0);
      await assert.rejects(fetch(`${url}/healthz`));
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
