/** Mainland resident identity card number (GB 11643-1999): 18 characters, the last a mod-11 check. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type IdCardCheck = { ok: true; birthDate: string; gender: 'M' | 'F' } | { ok: false; reason: string };

export function checkIdCard(raw: string, today = new Date()): IdCardCheck {
  const id = raw.trim().toUpperCase();
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return { ok: false, reason: '身份证号应为 18 位，最后一位可以是 X' };
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  if (CHECK[sum % 11] !== id[17]) return { ok: false, reason: '身份证号校验位不正确，请核对' };
  const y = Number(id.slice(6, 10)), m = Number(id.slice(10, 12)), d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth.getTime() > today.getTime()) {
    return { ok: false, reason: '身份证号中的出生日期无效' };
  }
  return { ok: true, birthDate: id.slice(6, 10) + '-' + id.slice(10, 12) + '-' + id.slice(12, 14), gender: Number(id[16]) % 2 ? 'M' : 'F' };
}

/** Full years between the birth date and today, in China's calendar day. */
export function ageOn(birthDate: string, today = new Date()): number {
  const local = new Date(today.getTime() + 8 * 3600_000); // Asia/Shanghai, no DST
  const [y, m, d] = birthDate.split('-').map(Number);
  let age = local.getUTCFullYear() - y;
  if (local.getUTCMonth() + 1 < m || (local.getUTCMonth() + 1 === m && local.getUTCDate() < d)) age--;
  return age;
}

export const GUARDIAN_AGE = 14;
