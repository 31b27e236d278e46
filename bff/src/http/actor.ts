/** Who is calling. Services receive this explicitly, so a route, a job or a test can call them alike. */
export type Scope = { all: true } | { all: false; deptIds: number[]; selfUserId?: number };

export interface AdminActor {
  kind: 'admin';
  userId: number;
  username: string;
  name: string;
  deptId: number | null;
  sessionId: string;
  roles: string[];
  perms: Set<string>;
  scope: Scope;
  /** Still on an initial (or administrator-reset) password: only changing it and logging out are allowed. */
  mustChangePassword: boolean;
}

export interface MpActor {
  kind: 'mp';
  userId: number;
}

export const ALL_PERMS = '*:*:*';

export function hasPerm(actor: AdminActor, perm: string) {
  return actor.perms.has(ALL_PERMS) || actor.perms.has(perm);
}
