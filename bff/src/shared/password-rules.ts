/**
 * The cheap part of the password policy: length and not containing the username. The BFF's full policy
 * (modules/auth/password-policy.ts) adds the zxcvbn guessability check, whose dictionaries are too big for the
 * mini-program; the mini-program checks this part as the person types and leaves the rest to the BFF (WEAK_PASSWORD).
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 64;

export type CheapPasswordProblem = { reason: 'too_short' | 'too_long' | 'contains_username'; message: string };

export function cheapPasswordProblem(password: string, username?: string): CheapPasswordProblem | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return { reason: 'too_short', message: `密码至少 ${PASSWORD_MIN_LENGTH} 位` };
  if (password.length > PASSWORD_MAX_LENGTH)
    return { reason: 'too_long', message: `密码最多 ${PASSWORD_MAX_LENGTH} 位` };
  const name = username?.trim().toLowerCase();
  if (name && name.length >= 3 && password.toLowerCase().includes(name))
    return { reason: 'contains_username', message: '密码不能包含用户名' };
  return null;
}
