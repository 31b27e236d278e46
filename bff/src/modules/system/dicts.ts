import { Op } from 'sequelize';
import { tx } from '../../infra';
import { conflict, notFound, unprocessable } from '../../http/errors';
import { DictItem, DictType } from './models';

const typeView = (d: DictType) => ({ id: d.id, type: d.type, name: d.name, status: d.status, remark: d.remark });
const itemView = (d: DictItem) => ({
  id: d.id,
  dictType: d.dictType,
  label: d.label,
  value: d.value,
  orderNum: d.orderNum,
  cssClass: d.cssClass,
  status: d.status,
});

export async function listDictTypes(q: { page: number; pageSize: number; name?: string; type?: string }) {
  const where = {
    ...(q.name ? { name: { [Op.like]: `%${q.name}%` } } : {}),
    ...(q.type ? { type: { [Op.like]: `%${q.type}%` } } : {}),
  };
  const { rows, count } = await DictType.findAndCountAll({
    where,
    order: [['id', 'ASC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: rows.map(typeView), total: count, page: q.page, pageSize: q.pageSize };
}

export async function createDictType(input: {
  type: string;
  name: string;
  status?: 'active' | 'disabled';
  remark?: string | null;
}) {
  if (await DictType.findOne({ where: { type: input.type } })) throw conflict('DICT_TYPE_TAKEN', '字典类型已存在');
  return typeView(
    await DictType.create({
      type: input.type,
      name: input.name,
      status: input.status ?? 'active',
      remark: input.remark ?? null,
    }),
  );
}

export async function updateDictType(
  id: number,
  input: { name?: string; status?: 'active' | 'disabled'; remark?: string | null },
) {
  const d = await DictType.findByPk(id);
  if (!d) throw notFound('字典类型不存在');
  await d.update(input);
  return typeView(d);
}

export async function deleteDictType(id: number) {
  const d = await DictType.findByPk(id);
  if (!d) throw notFound('字典类型不存在');
  await tx(async (t) => {
    await DictItem.destroy({ where: { dictType: d.type }, transaction: t });
    await d.destroy({ transaction: t });
  });
}

export async function listDictItems(q: { page: number; pageSize: number; dictType: string }) {
  const { rows, count } = await DictItem.findAndCountAll({
    where: { dictType: q.dictType },
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: rows.map(itemView), total: count, page: q.page, pageSize: q.pageSize };
}

export async function dictOptions(type: string) {
  const rows = await DictItem.findAll({
    where: { dictType: type, status: 'active' },
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return rows.map((r) => ({ label: r.label, value: r.value, cssClass: r.cssClass }));
}

type ItemInput = {
  label?: string;
  value?: string;
  orderNum?: number;
  cssClass?: string | null;
  status?: 'active' | 'disabled';
};

export async function createDictItem(input: ItemInput & { dictType: string; label: string; value: string }) {
  if (!(await DictType.findOne({ where: { type: input.dictType } })))
    throw unprocessable('INVALID_DICT_TYPE', '字典类型不存在');
  if (await DictItem.findOne({ where: { dictType: input.dictType, value: input.value } }))
    throw conflict('DICT_VALUE_TAKEN', '该字典下已有相同的键值');
  return itemView(
    await DictItem.create({
      dictType: input.dictType,
      label: input.label,
      value: input.value,
      orderNum: input.orderNum ?? 0,
      cssClass: input.cssClass ?? null,
      status: input.status ?? 'active',
    }),
  );
}

export async function updateDictItem(id: number, input: ItemInput) {
  const d = await DictItem.findByPk(id);
  if (!d) throw notFound('字典数据不存在');
  if (
    input.value &&
    input.value !== d.value &&
    (await DictItem.findOne({ where: { dictType: d.dictType, value: input.value } }))
  ) {
    throw conflict('DICT_VALUE_TAKEN', '该字典下已有相同的键值');
  }
  await d.update(input);
  return itemView(d);
}

export async function deleteDictItem(id: number) {
  const n = await DictItem.destroy({ where: { id } });
  if (!n) throw notFound('字典数据不存在');
}

/** 批量删除 of dictionaries with all their data: every id must exist, or none is deleted. */
export async function deleteDictTypes(ids: number[]) {
  const unique = [...new Set(ids)];
  const found = await DictType.findAll({ where: { id: unique } });
  if (found.length !== unique.length) throw notFound('字典类型不存在');
  await tx(async (t) => {
    await DictItem.destroy({ where: { dictType: found.map((d) => d.type) }, transaction: t });
    await DictType.destroy({ where: { id: unique }, transaction: t });
  });
  return { deleted: unique.length };
}

/** 批量删除 of dictionary data: every id must exist, or none is deleted. */
export async function deleteDictItems(ids: number[]) {
  const unique = [...new Set(ids)];
  await tx(async (t) => {
    if ((await DictItem.count({ where: { id: unique }, transaction: t })) !== unique.length)
      throw notFound('字典数据不存在');
    await DictItem.destroy({ where: { id: unique }, transaction: t });
  });
  return { deleted: unique.length };
}
