import { Op } from 'sequelize';
import { pinyin } from 'pinyin-pro';
import { Drug, Icd10 } from './models';
import { ICD10_SEED } from './icd10-seed';
import { DRUG_SEED } from './drug-seed';
import type { Frequency } from '../../shared/records';

/** Pinyin initials, upper case, letters and digits only (2型糖尿病 → 2XTNB). */
export function initialsOf(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Reference data: the ICD-10 and drug dictionaries. Idempotent: adds what is missing, touches nothing else. */
export async function seedDictionaries() {
  const haveCodes = new Set((await Icd10.findAll({ attributes: ['code'] })).map((r) => r.code));
  const icd = lines(ICD10_SEED)
    .map((l) => {
      const at = l.indexOf(' ');
      return { code: l.slice(0, at), name: l.slice(at + 1) };
    })
    .filter((r) => !haveCodes.has(r.code))
    .map((r) => ({ ...r, initials: initialsOf(r.name) }));
  if (icd.length) await Icd10.bulkCreate(icd);
  const haveDrugs = new Set((await Drug.findAll({ attributes: ['name'] })).map((r) => r.name));
  const drugs = lines(DRUG_SEED)
    .map((l) => l.split('|'))
    .filter(([name]) => !haveDrugs.has(name!))
    .map(([name, spec, form, unit, dose, route, frequency, allergyClass]) => ({
      name: name!,
      spec: spec!,
      form: form!,
      unit: unit!,
      defaultDose: Number(dose),
      defaultRoute: route!,
      defaultFrequency: frequency!,
      allergyClass: allergyClass || null,
      initials: initialsOf(name!),
    }));
  if (drugs.length) await Drug.bulkCreate(drugs);
}

/** LIKE wildcards typed into the search box are dropped (the same on MariaDB and SQLite, which has no default escape). */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, '');

/** Search by code prefix, name or pinyin initials (anywhere: GXY finds 原发性高血压); exact and prefix matches first. */
export async function searchIcd10(q: { keyword?: string; limit: number }) {
  const k = q.keyword?.trim();
  const where = k
    ? {
        [Op.or]: [
          { code: { [Op.like]: `${escapeLike(k.toUpperCase())}%` } },
          { name: { [Op.like]: `%${escapeLike(k)}%` } },
          { initials: { [Op.like]: `%${escapeLike(k.toUpperCase())}%` } },
        ],
      }
    : {};
  const rows = await Icd10.findAll({ where, order: [['code', 'ASC']], limit: 200 });
  return rank(rows, k, (r) => [r.code, r.initials])
    .slice(0, q.limit)
    .map((r) => r.get({ plain: true }));
}

export async function searchDrugs(q: { keyword?: string; limit: number }) {
  const k = q.keyword?.trim();
  const where = {
    status: 'active',
    ...(k
      ? {
          [Op.or]: [
            { name: { [Op.like]: `%${escapeLike(k)}%` } },
            { initials: { [Op.like]: `%${escapeLike(k.toUpperCase())}%` } },
          ],
        }
      : {}),
  };
  const rows = await Drug.findAll({ where, order: [['id', 'ASC']], limit: 200 });
  return rank(rows, k, (r) => [r.initials, r.name])
    .slice(0, q.limit)
    .map((d) => ({
      id: d.id,
      name: d.name,
      spec: d.spec,
      form: d.form,
      unit: d.unit,
      defaultDose: d.defaultDose,
      defaultRoute: d.defaultRoute,
      defaultFrequency: d.defaultFrequency as Frequency,
      allergyClass: d.allergyClass,
      initials: d.initials,
    }));
}

/** Exact matches of a key first, then keys that start with the keyword, then the rest (each in their order). */
function rank<T>(rows: T[], k: string | undefined, keys: (r: T) => string[]): T[] {
  if (!k) return rows;
  const K = k.toUpperCase();
  const score = (r: T) => {
    const ks = keys(r);
    if (ks.some((x) => x.toUpperCase() === K)) return 0;
    if (ks.some((x) => x.toUpperCase().startsWith(K))) return 1;
    return 2;
  };
  return rows
    .map((r, i) => ({ r, i, s: score(r) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.r);
}
