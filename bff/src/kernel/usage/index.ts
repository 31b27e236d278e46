import type { Transaction } from 'sequelize';

/**
 * Who still uses a row that its owning domain is asked to delete, when the user is a domain above it: education may
 * not import learning, yet an item in a learning task must not vanish from under it. The upper domain registers,
 * from its manifest's setup(), a check that answers which of the given ids it uses; the owner asks before deleting.
 */
export type UsageSubject = 'edu_content';
export type UsageCheck = (ids: number[], t?: Transaction) => Promise<number[]>;

const checks = new Map<UsageSubject, { by: string; check: UsageCheck }[]>();

/** `by` names the user in the refusal a person reads (学习任务). */
export function registerUsage(subject: UsageSubject, by: string, check: UsageCheck): void {
  const list = checks.get(subject) ?? [];
  if (list.some((c) => c.by === by)) throw new Error(`usage of ${subject} by ${by} is registered twice`);
  checks.set(subject, [...list, { by, check }]);
}

/** Each id in use, with what uses it (ids no one uses are absent). */
export async function usesOf(subject: UsageSubject, ids: number[], t?: Transaction): Promise<Map<number, string[]>> {
  const uses = new Map<number, string[]>();
  for (const { by, check } of checks.get(subject) ?? [])
    for (const id of await check(ids, t)) uses.set(id, [...(uses.get(id) ?? []), by]);
  return uses;
}
