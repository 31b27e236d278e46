import { tx } from '../../infra';
import { DictItem, DictType, Post } from './models';

/** A dictionary as a module seeds it: its type, name and items as [label, value, cssClass?]. */
export interface DictSeed {
  type: string;
  name: string;
  items: [string, string, string?][];
}

/** The positions (岗位) a new installation starts with. */
export const POSTS = [
  ['chief', '主任医师'],
  ['associate_chief', '副主任医师'],
  ['attending', '主治医师'],
  ['resident', '住院医师'],
  ['head_nurse', '护士长'],
  ['nurse', '护士'],
  ['pharmacist', '药师'],
  ['staff', '行政人员'],
] as const;

export const SYSTEM_DICTS: DictSeed[] = [
  {
    type: 'sys_normal_disable',
    name: '启用状态',
    items: [
      ['正常', 'active', 'success'],
      ['停用', 'disabled', 'danger'],
    ],
  },
  {
    type: 'sys_user_status',
    name: '账号状态',
    items: [
      ['正常', 'active', 'success'],
      ['停用', 'disabled', 'danger'],
      ['待审核', 'pending', 'warning'],
      ['已驳回', 'rejected', 'info'],
    ],
  },
  {
    type: 'sys_user_gender',
    name: '性别',
    items: [
      ['男', 'M'],
      ['女', 'F'],
    ],
  },
  {
    type: 'sys_data_scope',
    name: '数据范围',
    items: [
      ['全部数据', 'all'],
      ['自定义部门', 'custom'],
      ['本部门', 'dept'],
      ['本部门及以下', 'dept_and_below'],
      ['仅本人', 'self'],
    ],
  },
];

/**
 * Adds dictionaries (types and items) that are not there yet, in a module's seed. A type that exists is left as an
 * administrator keeps it; so a module may call this at every start, or only on the first (`fresh`).
 */
export async function seedDicts(dicts: readonly DictSeed[]) {
  await tx(async (t) => {
    const have = new Set((await DictType.findAll({ attributes: ['type'], transaction: t })).map((d) => d.type));
    for (const d of dicts) {
      if (have.has(d.type)) continue;
      await DictType.create({ type: d.type, name: d.name, status: 'active', remark: null }, { transaction: t });
      let o = 1;
      for (const [label, value, cssClass] of d.items) {
        await DictItem.create(
          { dictType: d.type, label, value, orderNum: o++, cssClass: cssClass ?? null, status: 'active' },
          { transaction: t },
        );
      }
    }
  });
}

/**
 * System's reference data: the positions and dictionaries above, on an installation's first start only (an
 * administrator may rename or delete them afterwards, and a restart must not bring them back).
 */
export async function seedSystemBase({ fresh }: { fresh: boolean }) {
  if (!fresh) return;
  await tx(async (t) => {
    let i = 1;
    for (const [code, name] of POSTS)
      await Post.create({ code, name, orderNum: i++, status: 'active' }, { transaction: t });
  });
  await seedDicts(SYSTEM_DICTS);
}
