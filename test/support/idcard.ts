/** Builds 18-digit resident ID numbers for test fixtures (region 110105, a given birth date and sequence). */
export function makeIdCard(birth: string, seq = 123, region = '110105'): string {
  const body = `${region}${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

/** The same number with a wrong check character. */
export function breakCheck(id: string): string {
  const last = id[17] === '0' ? '1' : '0';
  return id.slice(0, 17) + last;
}

let issued = 0;
/**
 * A resident ID number no other call in this test process has returned (region 110108, which fixed fixtures don't
 * use), born on or a few days after `birthFrom`. Random numbers collided now and then: two takers of one session holding
 * the same person's number, the second told ALREADY_BOOKED (a CI run of the Redis-restart rush failed so).
 */
export function uniqueIdCard(birthFrom: string): string {
  const n = issued++;
  const birth = new Date(Date.parse(`${birthFrom}T00:00:00Z`) + Math.floor(n / 1000) * 86_400_000);
  return makeIdCard(birth.toISOString().slice(0, 10), n % 1000, '110108');
}
