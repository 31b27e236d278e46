import { ALL_PERMS, type AdminActor, type MpActor } from '../../http/actor';
import { forbidden } from '../../http/errors';
import { loadAuthz } from '../system/authz';
import { User } from '../system/models';
import { LEARNING_PERMS } from './perms';

/**
 * 我的学习 in the mini-program: a physician whose staff account is linked to this WeChat user (the account their staff
 * application created, `sys_user.mp_user_id`) does their learning tasks there too. The mini-program's token says who
 * the WeChat user is; the linked console account — active, with its current roles, permissions and department —
 * says what they may do, so progress is the same server-side record the console shows. A patient, a pending or
 * disabled account, or one without 我的学习 gets 403.
 */
export async function staffActorOf(actor: MpActor): Promise<AdminActor> {
  const user = await User.findOne({ where: { mpUserId: actor.userId, status: 'active' } });
  if (!user) throw forbidden('NOT_STAFF', '学习任务仅对已开通账号的医院工作人员开放');
  const authz = await loadAuthz(user);
  const perms = new Set(authz.perms);
  if (!perms.has(ALL_PERMS) && !perms.has(LEARNING_PERMS.myList))
    throw forbidden('FORBIDDEN', '您的账号没有「我的学习」权限，请联系管理员');
  return {
    kind: 'admin',
    userId: user.id,
    username: user.username,
    name: user.name,
    deptId: user.deptId,
    sessionId: `mp:${actor.userId}`,
    roles: authz.roles,
    perms,
    scope: authz.scope,
    mustChangePassword: false,
  };
}
