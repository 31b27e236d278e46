import { Op } from 'sequelize';
import { tx } from '../../infra';
import type { AdminActor } from '../../http/actor';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { inScope, invalidateAuthz } from './authz';
import { Dept as DeptModel, RoleDept, StaffApplication, User } from './models';
import { buildTree } from './tree';
import type { Dept, DeptNode } from './schemas';

const view = (d: DeptModel): Dept => ({
  id: d.id,
  parentId: d.parentId,
  name: d.name,
  type: d.type,
  orderNum: d.orderNum,
  leader: d.leader,
  phone: d.phone,
  status: d.status,
  children: [],
});

/** The department forest the actor may see: whole trees for `all`, else the departments in scope. */
export async function deptTree(actor: AdminActor): Promise<Dept[]> {
  const rows = await DeptModel.findAll({
    where: actor.scope.all ? {} : { id: actor.scope.deptIds },
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return buildTree(rows.map(view));
}

/**
 * The same forest as names only, for the department filters and pickers of forms (用户管理, 人员申请): reference
 * data every console user needs where they may see users, so it asks no permission beyond a console login.
 */
export async function deptOptions(actor: AdminActor): Promise<DeptNode[]> {
  const strip = (n: Dept): DeptNode => ({ id: n.id, name: n.name, children: n.children.map(strip) });
  return (await deptTree(actor)).map(strip);
}

/** Active departments for pickers in the mini-program (staff application). */
export async function publicDeptTree(): Promise<DeptNode[]> {
  const rows = await DeptModel.findAll({
    where: { status: 'active' },
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  type Row = { id: number; parentId: number | null; name: string; children: Row[] };
  const strip = (n: Row): DeptNode => ({ id: n.id, name: n.name, children: n.children.map(strip) });
  return buildTree<Row>(rows.map((d) => ({ id: d.id, parentId: d.parentId, name: d.name, children: [] }))).map(strip);
}

async function scopedDept(actor: AdminActor, id: number) {
  const d = await DeptModel.findByPk(id);
  if (!d || !inScope(actor, id)) throw notFound('部门不存在');
  return d;
}

type DeptInput = {
  parentId?: number | null;
  name?: string;
  type?: 'institution' | 'department';
  orderNum?: number;
  leader?: string | null;
  phone?: string | null;
  status?: 'active' | 'disabled';
};

async function parentFor(actor: AdminActor, parentId: number | null) {
  if (parentId == null) {
    if (!actor.scope.all) throw forbidden('OUT_OF_SCOPE', '只有全院数据权限的管理员才能创建顶级机构');
    return null;
  }
  const parent = await DeptModel.findByPk(parentId);
  if (!parent) throw unprocessable('INVALID_PARENT', '上级部门不存在');
  if (!inScope(actor, parentId)) throw forbidden('OUT_OF_SCOPE', '上级部门不在您的管理范围内');
  if (parent.status !== 'active') throw unprocessable('INVALID_PARENT', '上级部门已停用');
  return parent;
}

export async function createDept(actor: AdminActor, input: DeptInput & { parentId: number | null; name: string }) {
  const parent = await parentFor(actor, input.parentId);
  if (await DeptModel.findOne({ where: { parentId: input.parentId, name: input.name } }))
    throw conflict('DEPT_NAME_TAKEN', '同级下已有同名部门');
  const d = await tx(async (t) => {
    const row = await DeptModel.create(
      {
        parentId: input.parentId,
        name: input.name,
        type: parent ? (input.type ?? 'department') : 'institution',
        orderNum: input.orderNum ?? 0,
        leader: input.leader ?? null,
        phone: input.phone ?? null,
        status: input.status ?? 'active',
      },
      { transaction: t },
    );
    await row.update({ path: `${parent?.path ?? ','}${row.id},` }, { transaction: t });
    return row;
  });
  // A new department inside someone's subtree widens their "department and below" scope.
  await invalidateAuthz();
  return view(d);
}

export async function updateDept(actor: AdminActor, id: number, input: DeptInput) {
  const d = await scopedDept(actor, id);
  const moving = input.parentId !== undefined && input.parentId !== d.parentId;
  if (moving) {
    if (input.parentId === id) throw unprocessable('INVALID_PARENT', '上级部门不能是自己');
    const parent = await parentFor(actor, input.parentId!);
    if (parent && parent.path.includes(`,${id},`)) throw unprocessable('INVALID_PARENT', '上级部门不能是自己的下级');
    if (!actor.scope.all && d.parentId != null && !inScope(actor, d.parentId))
      throw forbidden('OUT_OF_SCOPE', '不能移动您管理范围的根部门');
  }
  if (
    input.status === 'disabled' &&
    (await DeptModel.count({ where: { path: { [Op.like]: `%,${id},%` }, status: 'active', id: { [Op.ne]: id } } }))
  ) {
    throw conflict('DEPT_HAS_CHILDREN', '请先停用下级部门');
  }
  const name = input.name ?? d.name;
  const parentId = moving ? input.parentId! : d.parentId;
  if ((input.name || moving) && (await DeptModel.findOne({ where: { parentId, name, id: { [Op.ne]: id } } }))) {
    throw conflict('DEPT_NAME_TAKEN', '同级下已有同名部门');
  }
  await tx(async (t) => {
    const { parentId: _p, ...rest } = input;
    await d.update({ ...rest, ...(moving ? { parentId } : {}) }, { transaction: t });
    if (moving) {
      const parent = parentId == null ? null : await DeptModel.findByPk(parentId, { transaction: t });
      const oldPath = d.path;
      const newPath = `${parent?.path ?? ','}${id},`;
      const subtree = await DeptModel.findAll({ where: { path: { [Op.like]: `${oldPath}%` } }, transaction: t });
      for (const s of subtree) await s.update({ path: newPath + s.path.slice(oldPath.length) }, { transaction: t });
    }
  });
  if (moving) await invalidateAuthz();
  return view(d);
}

export async function deleteDept(actor: AdminActor, id: number) {
  const d = await scopedDept(actor, id);
  if (!actor.scope.all && (d.parentId == null || !inScope(actor, d.parentId)))
    throw forbidden('OUT_OF_SCOPE', '不能删除您管理范围的根部门');
  if (await DeptModel.count({ where: { parentId: id } })) throw conflict('DEPT_HAS_CHILDREN', '请先删除下级部门');
  if (await User.count({ where: { deptId: id } })) throw conflict('DEPT_HAS_USERS', '部门下还有用户，不能删除');
  if (await StaffApplication.count({ where: { deptId: id, status: 'pending' } }))
    throw conflict('DEPT_HAS_USERS', '部门下还有待审核的人员申请');
  await tx(async (t) => {
    await RoleDept.destroy({ where: { deptId: id }, transaction: t });
    await d.destroy({ transaction: t });
  });
  await invalidateAuthz();
}
