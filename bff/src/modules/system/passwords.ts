import { unprocessable } from '../../http/errors';
import { passwordProblem, type PasswordOwner } from './password-policy';

/** Wherever a password is set: refuse one the policy rejects, saying why (the console shows the same words). */
export function assertAcceptablePassword(password: string, owner: PasswordOwner) {
  const problem = passwordProblem(password, owner);
  if (problem) throw unprocessable('WEAK_PASSWORD', problem.message, { reason: problem.reason });
}
