import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { checkIdCard, withCheckChar } from '../../bff/src/shared/idcard';
import { ErrorCode } from '../../bff/src/shared/error-codes';
import { shanghaiGreeting, shanghaiRfc3339 } from '../../bff/src/shared/time';

/**
 * bff/src/shared is bundled into the console and the WeChat mini-program, so it may import nothing but its own
 * files: one `node:` or sequelize import would break (or bloat) both front-end builds.
 */
describe('bff/src/shared: rules the three apps share', () => {
  const dir = path.resolve(import.meta.dirname, '../../bff/src/shared');
  const eslint = new ESLint({ cwd: path.resolve(dir, '../../..') });

  it('the lint rule keeps it importing nothing outside its own folder', async () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 5, 'the shared files are found');
    const lint = async (code: string) =>
      (await eslint.lintText(code, { filePath: path.join(dir, 'violation.ts') }))[0].messages.filter(
        (m) => m.ruleId === 'no-restricted-imports',
      ).length;
    assert.equal(await lint(`import fs from 'node:fs';\nexport const f = fs;\n`), 1);
    assert.equal(await lint(`import { Op } from 'sequelize';\nexport const o = Op;\n`), 1);
    assert.equal(await lint(`import { infra } from '../infra';\nexport const i = infra;\n`), 1);
    assert.equal(await lint(`import { shanghaiDate } from './time';\nexport const d = shanghaiDate;\n`), 0);
    const results = await eslint.lintFiles(files.map((f) => path.join(dir, f)));
    assert.deepEqual(
      results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}: ${m.message}`)),
      [],
    );
  });

  it('the ID-card check gives one Chinese message per problem', () => {
    const today = new Date('2026-01-01T00:00:00Z');
    const good = withCheckChar('11010519900307123');
    assert.deepEqual(checkIdCard(` ${good.toLowerCase()} `, today), {
      ok: true,
      normalized: good,
      birthDate: '1990-03-07',
      gender: 'M',
    });
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    assert.deepEqual(checkIdCard(bad, today), { ok: false, message: '身份证号码校验不通过，请逐位核对' });
    assert.deepEqual(checkIdCard('1101051990030712', today), {
      ok: false,
      message: '身份证号码应为 18 位，当前 16 位',
    });
    assert.deepEqual(checkIdCard(withCheckChar('11010520300307123'), today), {
      ok: false,
      message: '身份证号码中的出生日期不正确，请核对',
    });
  });

  it('China-time words and stamps: the greeting by the hour in Beijing, RFC 3339 with +08:00', () => {
    const at = (utc: string) => new Date(`2026-12-02T${utc}:00Z`);
    assert.deepEqual(
      ['21:30', '23:00', '02:59', '03:00', '04:59', '05:00', '09:59', '10:00', '16:00'].map((t) =>
        shanghaiGreeting(at(t)),
      ),
      ['夜深了', '早上好', '早上好', '中午好', '中午好', '下午好', '下午好', '晚上好', '夜深了'],
    );
    assert.equal(shanghaiRfc3339(new Date('2026-12-02T16:30:05.123Z')), '2026-12-03T00:30:05+08:00');
  });

  it('every error code the BFF throws is in ErrorCode', () => {
    const src = path.resolve(dir, '..');
    const thrown = new Set<string>();
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          const text = fs.readFileSync(p, 'utf8');
          for (const m of text.matchAll(
            /(?:conflict|forbidden|unprocessable|badRequest|unauthenticated)\(\s*'([A-Z_0-9]+)'|new AppError\([^,]+,\s*'([A-Z_0-9]+)'/g,
          ))
            thrown.add(m[1] ?? m[2]!);
        }
      }
    };
    walk(src);
    assert.ok(thrown.size > 50, `the scan finds the thrown codes (${thrown.size})`);
    assert.deepEqual(
      [...thrown].filter((c) => !(c in ErrorCode)),
      [],
    );
  });
});
