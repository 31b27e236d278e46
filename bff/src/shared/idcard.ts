/**
 * Mainland resident identity card number (GB 11643-1999): 6-digit area code, 8-digit birth date, 3-digit sequence
 * (odd = male) and an ISO 7064 MOD 11-2 check character. The mini-program checks as the patient types and the BFF
 * checks again on save, with the same wording.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export type IdCardCheck =
  { ok: true; normalized: string; birthDate: string; gender: 'M' | 'F' } | { ok: false; message: string };

const checkChar = (first17: string) =>
  CHECK_CHARS[[...first17].reduce((sum, c, i) => sum + Number(c) * WEIGHTS[i]!, 0) % 11]!;

export function checkIdCard(raw: string, today: Date = new Date()): IdCardCheck {
  const id = raw.trim().toUpperCase();
  if (!id) return { ok: false, message: '请输入身份证号码' };
  if (id.length !== 18) return { ok: false, message: `身份证号码应为 18 位，当前 ${id.length} 位` };
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return { ok: false, message: '身份证号码只能包含数字，最后一位可以是 X' };

  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  const validDate = birth.getUTCFullYear() === y && birth.getUTCMonth() === m - 1 && birth.getUTCDate() === d;
  if (!validDate || y < 1900 || birth.getTime() > today.getTime()) {
    return { ok: false, message: '身份证号码中的出生日期不正确，请核对' };
  }
  if (checkChar(id.slice(0, 17)) !== id[17]) return { ok: false, message: '身份证号码校验不通过，请逐位核对' };

  return {
    ok: true,
    normalized: id,
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: Number(id[16]) % 2 === 1 ? 'M' : 'F',
  };
}

/** Completes a 17-digit prefix with its check character (demo data and tests). */
export const withCheckChar = (first17: string): string => first17 + checkChar(first17);

/** Full years between the birth date and today, in China's calendar day (UTC+8, no daylight saving). */
export function ageOn(birthDate: string, today: Date = new Date()): number {
  const local = new Date(today.getTime() + 8 * 3600_000);
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = local.getUTCFullYear() - y;
  if (local.getUTCMonth() + 1 < m || (local.getUTCMonth() + 1 === m && local.getUTCDate() < d)) age--;
  return age;
}

/** Under this age a patient needs a guardian to book. */
export const GUARDIAN_AGE = 14;
